"""Photo uploads: sniffed, size and pixel limits, EXIF (GPS too) removed, thumbnails."""

from __future__ import annotations

import io
import secrets
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Case, CaseEvent, CasePhoto

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; more is refused as a bomb
MAX_EDGE = 2048  # stored photos are scaled down to this longest edge
THUMB_EDGE = 320
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Many phone cameras write multi-picture JPEGs, which Pillow names MPO; the first
# picture is an ordinary JPEG and is kept as one.
ALIASES = {"MPO": "JPEG"}


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    thumbnail: bytes
    width: int
    height: int
    ext: str


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        image.save(out, fmt)
    return out.getvalue()


def process_photo(upload: IO[bytes], *, name: str = "") -> ProcessedPhoto:
    """Check and clean one uploaded photo; raise ValidationError with the reason."""
    label = name or _("This file")
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    if size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s MB; photos may be at most %(max)s MB.")
            % {
                "name": label,
                "size": round(size / 1048576, 1),
                "max": MAX_BYTES // 1048576,
            }
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            fmt = ALIASES.get(image.format or "", image.format or "")
            if fmt not in FORMATS:
                raise ValidationError(
                    _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": label}
                )
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels (%(w)s × %(h)s).")
                    % {"name": label, "w": image.width, "h": image.height}
                )
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        if isinstance(
            exc, Image.DecompressionBombError | Image.DecompressionBombWarning
        ):
            raise ValidationError(
                _("%(name)s has too many pixels.") % {"name": label}
            ) from exc
        raise ValidationError(
            _("%(name)s is not a photo that can be read.") % {"name": label}
        ) from exc
    # Apply the camera's rotation, then drop every metadata block (EXIF, GPS, XMP).
    clean: Image.Image = ImageOps.exif_transpose(image).copy()
    clean.info = {}
    clean.thumbnail((MAX_EDGE, MAX_EDGE))
    thumb = clean.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    return ProcessedPhoto(
        content=_encode(clean, fmt),
        thumbnail=_encode(thumb, "JPEG"),
        width=clean.width,
        height=clean.height,
        ext=FORMATS[fmt],
    )


def process_photos(uploads: Sequence[IO[bytes]]) -> list[ProcessedPhoto]:
    """Process several uploads, collecting every photo's error."""
    done, errors = [], []
    for index, upload in enumerate(uploads, start=1):
        try:
            done.append(process_photo(upload, name=_("Photo %(n)s") % {"n": index}))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return done


def save_photos(
    case: Case, photos: Sequence[ProcessedPhoto], *, event: CaseEvent | None = None
) -> list[CasePhoto]:
    """Store processed photos for ``case`` (and the event they belong to)."""
    saved = []
    for photo in photos:
        stem = secrets.token_hex(8)
        record = CasePhoto(
            case=case, event=event, width=photo.width, height=photo.height
        )
        record.image.save(f"{stem}.{photo.ext}", ContentFile(photo.content), save=False)
        record.thumbnail.save(f"{stem}_t.jpg", ContentFile(photo.thumbnail), save=False)
        record.save()
        saved.append(record)
    return saved
