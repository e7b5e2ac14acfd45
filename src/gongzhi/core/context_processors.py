from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

import gongzhi


def platform(request: HttpRequest) -> dict[str, Any]:
    """Expose the version and demo flag to every template."""
    return {"GONGZHI_VERSION": gongzhi.__version__, "GONGZHI_DEMO": settings.DEMO}
