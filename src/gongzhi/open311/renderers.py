"""Render GeoReport v2 documents as XML and JSON.

One tree serves both: dicts keep their key order, lists of dicts become a
wrapper element with one child element per item (``attributes`` → ``attribute``),
and JSON follows the spec's "Spark convention" (the XML without the root, lists
as arrays, empty elements as null).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse

from .errors import Problem

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
CONTENT_TYPES = {
    XML: "text/xml; charset=utf-8",
    JSON: "application/json; charset=utf-8",
}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# The element name of each item in a list, by the name of the list.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(_NOT_XML.sub("", str(value)))


def _write(out: list[str], name: str, value: Any) -> None:
    if value is None:
        out.append(f"<{name}/>")
        return
    out.append(f"<{name}>")
    if isinstance(value, Mapping):
        for key, child in value.items():
            _write(out, key, child)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES.get(name, "item")
        for item in value:
            _write(out, item_name, item)
    else:
        out.append(_text(value))
    out.append(f"</{name}>")


def to_xml(root: str, content: Mapping[str, Any] | Iterable[Any]) -> str:
    """Return the document ``<root>`` with its XML declaration.

    Written as text rather than through ElementTree: element names are ours, so
    only text needs escaping, and a list of 1000 requests renders twice as fast.
    """
    out = [XML_DECLARATION, f"<{root}>"]
    if isinstance(content, Mapping):
        for key, value in content.items():
            _write(out, key, value)
    else:
        item_name = ITEM_NAMES.get(root, "item")
        for item in content:
            _write(out, item_name, item)
    out.append(f"</{root}>")
    return "".join(out)


def to_json(content: Any) -> str:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"))


def render(
    fmt: str,
    root: str,
    content: Mapping[str, Any] | list[Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Return ``content`` as a response in ``fmt`` (root element ``root`` in XML)."""
    fmt = fmt if fmt in FORMATS else XML
    body = to_xml(root, content) if fmt == XML else to_json(content)
    response = HttpResponse(
        body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt]
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def render_errors(
    fmt: str,
    status: int,
    problems: Iterable[Problem],
    *,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Return the spec's error list: ``<errors><error><code/><description/>…``."""
    content = [{"code": p.code, "description": p.description} for p in problems]
    return render(fmt, "errors", content, status=status, headers=headers)
