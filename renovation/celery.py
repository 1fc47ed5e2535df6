import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")

app = Celery("renovation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="renovation.ping")
def ping() -> str:
    """Round-trip check used by health pages and tests."""
    return "pong"
