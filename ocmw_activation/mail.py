import sys

from django.core.mail.backends.console import EmailBackend


class StderrConsoleBackend(EmailBackend):
    """The embedded demo's e-mail, printed to stderr so it never mixes with what commands print
    for a person on stdout (send_reminders ends with 'aangemaakt: N')."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("stream", sys.stderr)
        super().__init__(*args, **kwargs)
