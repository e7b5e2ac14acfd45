"""Per-request context (request id, client IP) shared with the audit log."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


# RequestContext is a frozen dataclass, so a shared default is safe.
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "gongzhi_request_context",
    default=RequestContext(),  # noqa: B039
)


def current() -> RequestContext:
    """Return the context of the request being served (empty outside requests)."""
    return _current.get()


def activate(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    """Make ``ctx`` current; return the token that restores the previous one."""
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
