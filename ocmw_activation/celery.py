import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocmw_activation.settings")

app = Celery("ocmw_activation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
