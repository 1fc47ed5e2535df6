"""Photos from phones: validation, GPS from EXIF, and metadata stripping. Shared by every app
that takes photos (progress reports, inspections)."""

import io
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
GPS_IFD = 0x8825


def validate_image(upload) -> None:
    """Refuse what is not a JPEG/PNG/WebP image, or is larger than MAX_UPLOAD_SIZE, with a
    message naming the file."""
    name = getattr(upload, "name", "") or _("the photo")
    if upload.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("%(name)s is %(size)s; photos may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.MAX_UPLOAD_SIZE),
            },
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(
            _("%(name)s is not an image we can read; please send a JPEG, PNG or WebP photo.")
            % {"name": name},
            code="not_an_image",
        ) from exc
    finally:
        upload.seek(0)
    if kind not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(name)s is a %(kind)s file; please send a JPEG, PNG or WebP photo.")
            % {"name": name, "kind": kind},
            code="bad_format",
        )


def _to_degrees(value, ref) -> Decimal:
    degrees, minutes, seconds = (Decimal(str(float(v))) for v in value)
    result = degrees + minutes / 60 + seconds / 3600
    if ref in ("S", "W"):
        result = -result
    return result.quantize(Decimal("0.000001"))


def read_gps(upload) -> tuple[Decimal, Decimal] | None:
    """(latitude, longitude) from the photo's EXIF, when the phone recorded them. A photo kept
    across a form error (`renovation.uploads`) lost its EXIF when stored and brings them along."""
    if getattr(upload, "kept_gps", None):
        return upload.kept_gps
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            gps = image.getexif().get_ifd(GPS_IFD)
    except (UnidentifiedImageError, OSError):
        return None
    finally:
        upload.seek(0)
    try:
        lat = _to_degrees(gps[2], gps.get(1, "N"))
        lng = _to_degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


def strip_metadata(upload, *, max_side: int = 2560) -> ContentFile:
    """A copy of the photo without EXIF (no GPS, no device data), turned upright and scaled
    down to `max_side` pixels: the version shown to anyone else."""
    upload.seek(0)
    with Image.open(upload) as image:
        kind = image.format if image.format in ALLOWED_FORMATS else "JPEG"
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side))
        if kind == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format=kind, quality=85)  # no exif= argument: metadata is dropped
    upload.seek(0)
    stem = (getattr(upload, "name", "") or "photo").rsplit("/", 1)[-1].rsplit(".", 1)[0] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.{ALLOWED_FORMATS[kind]}")
