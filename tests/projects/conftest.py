import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English (the msgids); pages are checked in Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield
