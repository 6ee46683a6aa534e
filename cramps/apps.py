from django.apps import AppConfig


class CrampsConfig(AppConfig):
    name = "cramps"
    verbose_name = "Crampless"

    def ready(self):
        from tracker.celery import ensure_broker_folders

        ensure_broker_folders()
