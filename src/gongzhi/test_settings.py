"""Settings for the test suite: the real settings with fixed keys and fast hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-use-0123456789")
# Two keys, so that tests exercise decryption with a non-primary key too.
os.environ.setdefault(
    "GONGZHI_FIELD_KEYS",
    "q5bKKeq1c7M5ywnfoH8b6kCOqjH6wq2PpJc8z6Il6mA=,"
    "8oMkwq2gw0cL9d9f0K4Yl0Wq3bqF6T8Lx8QG1k9sN1c=",
)
os.environ.setdefault("GONGZHI_DATA_DIR", tempfile.mkdtemp(prefix="gongzhi-test-"))
os.environ.setdefault("TASKS_BACKEND", "immediate")
# A Redis database of its own, so tests never touch a real queue.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

# The one star import in the code base: Django's idiom for a settings override.
from .settings import *  # noqa: E402,F403
from .settings import STORAGES as _BASE_STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **_BASE_STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns about a missing STATIC_ROOT on every test client request.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

if DATABASES["default"]["ENGINE"] == "gongzhi.core.sqlite":  # noqa: F405
    # An in-memory test database, as Django's own SQLite backend gets (plugins
    # such as pytest-django's xdist suffix recognise only that engine's name).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
