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

from . import settings as _base  # noqa: E402

globals().update({name: getattr(_base, name) for name in dir(_base) if name.isupper()})

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **_base.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
