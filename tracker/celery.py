import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders before the first message is sent."""
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if settings.CELERY_BROKER_FOLDER is None:
        return
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        os.makedirs(options[key], exist_ok=True)


@worker_init.connect
def _worker_init(**kwargs):
    ensure_broker_folders()
