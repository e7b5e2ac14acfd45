"""Helpers for the resident-side tests: photos, questions, cases in a given state."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases import services
from gongzhi.cases.choices import AttributeType
from gongzhi.cases.models import Category
from gongzhi.cases.services import Reported

from .factories import CategoryAttributeFactory, World

# The world's community is this square (south-west corner, ~1.1 km a side).
COMMUNITY_LNG, COMMUNITY_LAT = 113.15, 23.03
INSIDE = (23.035, 113.155)  # (lat, lng) well inside the square
OUTSIDE = (23.2, 113.5)


def png_bytes(size: tuple[int, int] = (16, 12), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png_upload(name: str = "photo.png", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """Return a tiny PNG file that declares ``width`` × ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def add_questions(category: Category) -> dict[str, Any]:
    """Give ``category`` one question of every datatype; return them by code."""
    values = [
        {"key": "small", "name_zh": "小", "name_en": "small"},
        {"key": "large", "name_zh": "大", "name_en": "large"},
    ]
    spec = [
        ("plate", AttributeType.STRING, True, []),
        ("count", AttributeType.NUMBER, False, []),
        ("seen_at", AttributeType.DATETIME, False, []),
        ("details", AttributeType.TEXT, False, []),
        ("size", AttributeType.SINGLE, True, values),
        ("kinds", AttributeType.MULTI, False, values),
    ]
    return {
        code: CategoryAttributeFactory(
            category=category,
            code=code,
            datatype=datatype,
            required=required,
            values=choices,
            question_zh=f"问题 {code}",
            question_en=f"Question {code}",
            order=index,
        )
        for index, (code, datatype, required, choices) in enumerate(spec)
    }


def report(world: World, **kwargs: Any) -> Reported:
    """Report a case in the world's street through the service."""
    fields: dict[str, Any] = {
        "category": world.category,
        "description": "垃圾堆在巷口",
        "street": world.street,
    }
    fields.update(kwargs)
    return services.case_report(**fields)


def to_feedback(world: World, reported: Reported) -> Reported:
    """Walk a reported case through the services until it awaits the rating."""
    case = reported.case
    services.case_accept(case=case, actor=world.staff)
    services.case_dispatch(case=case, actor=world.staff, lead=world.unit)
    services.case_acknowledge(case=case, actor=world.handler)
    services.case_reply(case=case, actor=world.handler, note="已清理")
    services.case_verify(case=case, actor=world.staff, ok=True)
    case.refresh_from_db()
    return reported
