import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from renovation.images import read_gps, strip_metadata, validate_image


def jpeg_with_gps(lat=(31, 11, 30), lng=(121, 27, 0)):
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    gps = {1: "N", 2: lat, 3: "E", 4: lng}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_text_file_is_not_an_image():
    upload = SimpleUploadedFile("notes.jpg", b"not really a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="notes.jpg"):
        validate_image(upload)


def test_a_photo_over_the_limit_is_refused(settings):
    settings.MAX_UPLOAD_SIZE = 100
    with pytest.raises(ValidationError) as info:
        validate_image(jpeg_with_gps())
    assert info.value.code == "too_large"


def test_gps_is_read_from_exif_and_stripped_from_the_copy_shown_to_others():
    upload = jpeg_with_gps()
    validate_image(upload)
    lat, lng = read_gps(upload)
    assert str(lat) == "31.191667" and str(lng) == "121.450000"
    clean = strip_metadata(upload)
    assert read_gps(clean) is None
    with Image.open(clean) as image:
        assert not image.getexif()
