import os

from celery import Celery

from . import broker_loss  # noqa: F401 (the worker survives Redis going away while it holds a task)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocmw_activation.settings")

app = Celery("ocmw_activation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
