"""Errors in the GeoReport v2 form: an HTTP status and a list of code/description.

The spec (wiki.open311.org/GeoReport_v2, "Errors"): 404 for resources that do
not exist, 403 for a missing or wrong api_key, 400 for anything else. Gongzhi
adds 429 when a client exceeds its rate limit and 405 for a wrong HTTP method.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One entry of an error list: the code and a description people can read."""

    code: int
    description: str


class Open311Error(Exception):
    """A request Open311 must refuse; rendered as the spec's error list."""

    def __init__(
        self,
        status: int,
        descriptions: Iterable[str],
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.problems = [Problem(status, str(d)) for d in descriptions]
        self.headers = dict(headers or {})
        super().__init__("; ".join(p.description for p in self.problems))


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(400, descriptions)


def forbidden(*descriptions: str) -> Open311Error:
    return Open311Error(403, descriptions)


def not_found(*descriptions: str) -> Open311Error:
    return Open311Error(404, descriptions)
