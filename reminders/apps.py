from django.apps import AppConfig


def retry_unsent_digests(sender=None, **kwargs):
    """A worker that starts (again, after one died) first sends the digests left unsent whose claim
    expired (reminders.digest); beat does the same every 10 minutes."""
    from .tasks import send_digests

    send_digests.delay()


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self):
        from celery.signals import worker_ready

        from . import signals

        signals.connect()
        worker_ready.connect(retry_unsent_digests, dispatch_uid="reminders-retry-unsent-digests")
