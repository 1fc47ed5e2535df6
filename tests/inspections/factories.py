import io
from datetime import UTC, datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections.categories import seed_categories
from inspections.models import Category, Patrol, Point, Status
from tests.communities.factories import EstateFactory, UserFactory

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def category(code: str) -> Category:
    """One of the categories seeded by the data migration (re-seeded when a transactional
    test has flushed the table)."""
    if not Category.objects.filter(code=code).exists():
        seed_categories(Category)
    return Category.objects.get(code=code)


class PointFactory(factory.django.DjangoModelFactory):
    """A point put straight into a status (to test the step *from* it); the workflow itself is
    only ever driven through inspections.services."""

    class Meta:
        model = Point

    estate = factory.SubFactory(EstateFactory)
    category = factory.LazyFunction(lambda: category("rooftop_addition"))
    location = factory.Sequence(lambda n: f"{n % 9 + 1}号楼顶")
    status = Status.FOUND
    found_by = factory.SubFactory(UserFactory)
    found_at = NOW
    updated_at = NOW


class PatrolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patrol

    estate = factory.SubFactory(EstateFactory)
    worker = factory.SubFactory(UserFactory)
    started_at = NOW


def jpeg(name="site.jpg", *, gps=None, size=(40, 30), color="red") -> SimpleUploadedFile:
    """A small JPEG, with EXIF GPS ((deg, min, sec), (deg, min, sec)) when given."""
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: gps[0], 3: "E", 4: gps[1]}
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def not_an_image(name="notes.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"this is not a photo", content_type="image/jpeg")
