"""Photo uploads: sniffing, limits, EXIF and GPS removal, rotation, thumbnails."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from gongzhi.cases import photos
from gongzhi.cases.models import CasePhoto
from gongzhi.cases.photos import process_photo, process_photos, save_photos

GPS_IFD = 34853
ORIENTATION = 0x0112
MAKE = 0x010F


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "Phone Maker"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {
        1: "N",
        2: (23.0, 1.0, 30.0),
        3: "E",
        4: (113.0, 6.0, 15.0),
    }
    return exif


def encode(image: Image.Image, fmt: str, **params) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    out.seek(0)
    return out


def landscape(size=(400, 200)) -> Image.Image:
    """A wide image, red on the left half and blue on the right."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    return image


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_jpeg_loses_exif_and_gps():
    upload = encode(landscape(), "JPEG", exif=camera_exif())
    assert Image.open(upload).getexif().get_ifd(GPS_IFD)  # the test photo has GPS
    upload.seek(0)

    done = process_photo(upload)

    for data in (done.content, done.thumbnail):
        image = reopen(data)
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert "exif" not in image.info
        assert b"Exif" not in data
        assert b"Phone Maker" not in data
    assert done.ext == "jpg"
    assert (done.width, done.height) == (400, 200)


def test_camera_orientation_is_applied():
    # Orientation 6: the camera was turned; the picture is shown rotated 90° CW.
    done = process_photo(encode(landscape(), "JPEG", exif=camera_exif(6)))
    image = reopen(done.content)
    assert image.size == (200, 400) == (done.width, done.height)
    top, bottom = image.getpixel((100, 20)), image.getpixel((100, 380))
    # Red, on the left of the stored picture, is now on top.
    assert top[0] > 200
    assert top[2] < 60
    assert bottom[2] > 200
    assert bottom[0] < 60


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_are_accepted_without_metadata(fmt, ext):
    done = process_photo(encode(landscape(), fmt, exif=camera_exif()))
    image = reopen(done.content)
    assert (image.format, done.ext) == (fmt, ext)
    assert dict(image.getexif()) == {}
    assert reopen(done.thumbnail).format == "JPEG"


def test_png_with_transparency_gets_a_jpeg_thumbnail():
    image = Image.new("RGBA", (50, 50), (255, 0, 0, 0))
    done = process_photo(encode(image, "PNG"))
    assert reopen(done.thumbnail).mode == "RGB"


def test_multi_picture_jpeg_from_a_phone_is_accepted():
    upload = encode(
        landscape(),
        "MPO",
        save_all=True,
        append_images=[landscape()],
        exif=camera_exif(),
    )
    assert Image.open(upload).format == "MPO"
    upload.seek(0)
    done = process_photo(upload)
    image = reopen(done.content)
    assert (image.format, done.ext) == ("JPEG", "jpg")
    assert image.getexif().get_ifd(GPS_IFD) == {}


def test_large_photo_is_scaled_and_thumbnail_is_small():
    done = process_photo(encode(landscape((3000, 1500)), "JPEG"))
    assert (done.width, done.height) == (2048, 1024)
    thumb = reopen(done.thumbnail)
    assert max(thumb.size) <= 320
    assert thumb.size == (320, 160)


def test_small_photo_keeps_its_size():
    done = process_photo(encode(landscape((120, 90)), "JPEG"))
    assert (done.width, done.height) == (120, 90)
    assert reopen(done.thumbnail).size == (120, 90)


# --- Refusals ---------------------------------------------------------------------


def test_text_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        process_photo(io.BytesIO(b"just some text, not a photo\n" * 10))
    assert exc.value.messages == ["This file is not a photo that can be read."]


def test_gif_is_refused():
    with pytest.raises(ValidationError) as exc:
        process_photo(encode(Image.new("P", (10, 10)), "GIF"), name="Photo 2")
    assert exc.value.messages == ["Photo 2 is not a JPEG, PNG or WebP photo."]


def test_oversized_file_is_refused_before_it_is_read():
    upload = io.BytesIO(b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        process_photo(upload, name="Photo 1")
    assert exc.value.messages == ["Photo 1 is 10.0 MB; photos may be at most 10 MB."]


def test_truncated_jpeg_is_refused():
    data = encode(landscape(), "JPEG").getvalue()
    with pytest.raises(ValidationError) as exc:
        process_photo(io.BytesIO(data[: len(data) // 2]), name="Photo 1")
    assert exc.value.messages == ["Photo 1 is not a photo that can be read."]


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused():
    bomb = io.BytesIO(_png_header(100_000, 100_000))
    assert len(bomb.getvalue()) < 200
    with pytest.raises(ValidationError) as exc:
        process_photo(bomb, name="Photo 1")
    assert exc.value.messages == ["Photo 1 has too many pixels."]


def test_more_pixels_than_a_phone_takes_is_refused():
    with pytest.raises(ValidationError) as exc:
        process_photo(io.BytesIO(_png_header(8000, 6000)), name="Photo 3")
    assert exc.value.messages == ["Photo 3 has too many pixels (8000 × 6000)."]


def test_pixel_limit_is_the_modules(monkeypatch):
    monkeypatch.setattr(photos, "MAX_PIXELS", 100 * 100)
    with pytest.raises(ValidationError) as exc:
        process_photo(encode(landscape((101, 100)), "PNG"), name="Photo 1")
    assert exc.value.messages == ["Photo 1 has too many pixels (101 × 100)."]
    assert process_photo(encode(landscape((100, 100)), "PNG")).width == 100


def test_several_uploads_report_every_bad_one():
    good = encode(landscape(), "JPEG")
    with pytest.raises(ValidationError) as exc:
        process_photos(
            [io.BytesIO(b"text"), good, encode(Image.new("P", (4, 4)), "GIF")]
        )
    assert exc.value.messages == [
        "Photo 1 is not a photo that can be read.",
        "Photo 3 is not a JPEG, PNG or WebP photo.",
    ]
    good.seek(0)
    assert len(process_photos([good, encode(landscape(), "PNG")])) == 2


# --- Storage ------------------------------------------------------------------------


@pytest.mark.django_db
def test_save_photos_stores_files_under_media_root(settings, tmp_path):
    from .factories import make_world
    from .journeys import report

    settings.MEDIA_ROOT = tmp_path
    case = report(make_world())
    done = process_photo(encode(landscape(), "JPEG", exif=camera_exif()))
    event = case.events.get()

    [saved] = save_photos(case, [done], event=event)

    saved = CasePhoto.objects.get(pk=saved.pk)
    assert saved.event == event
    assert (saved.width, saved.height) == (400, 200)
    image_path = tmp_path / saved.image.name
    thumb_path = tmp_path / saved.thumbnail.name
    assert image_path.read_bytes() == done.content
    assert thumb_path.read_bytes() == done.thumbnail
    assert saved.image.name.startswith(f"cases/{case.reported_at:%Y/%m}/{case.number}/")
    assert saved.image.name.endswith(".jpg")
    assert saved.thumbnail.name.endswith("_t.jpg")
    assert b"Phone Maker" not in image_path.read_bytes()
