"""The staff JSON API at /api/: schema at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from . import errors
from .auth import api_auth
from .routers import actions, cases, followup, meta

DESCRIPTION = """\
The same services, permissions and messages as the web pages, for programs.

Authenticate with the signed-in browser session (unsafe methods then need the
`X-CSRFToken` header) or with a personal API token:
`Authorization: Bearer <token>` (`gongzhi api_token create USERNAME NAME`).
Errors are JSON: `{"detail": "…", "errors": {"field": ["…"]}}`. See docs/api.md.
"""

api = NinjaAPI(
    title="Gongzhi staff API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=api_auth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/cases", cases.router)
api.add_router("/cases", actions.router)
api.add_router("/cases", followup.router)
api.add_router("", meta.router)
