"""`make demo` ends calmly (issue 22). seed_demo used to bury the logins under some 300 lines of
digest e-mails (the embedded demo prints e-mail on the console, and the seeding's own tasks run in
process), Celery's English "Task … succeeded in …" lines, kombu's "No hostname was supplied" warning,
and the Makefile's English last line. Now it ends with the Dutch logins block (e-mail, Dutch role, what
to look at), the password and the address, and prints nothing else of what its tasks do."""

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings

from demo.builders import DEMO_PASSWORD
from reminders.models import Digest

PROJECT = Path(__file__).resolve().parent.parent
CONSOLE = "ocmw_activation.mail.StderrConsoleBackend"  # the embedded demo's e-mail backend (settings)
MAIL_LINES = ("Subject:", "Content-Type:", "MIME-Version:", "Content-Transfer-Encoding:", "Message-ID:", "From:",
              "To:", "Date:", "--====")
# What the demo used to print in English, and a few words that would betray another English line.
ENGLISH = ("No hostname", "Reverting to default", "Task ", "succeeded in", "log in with", "accounts above",
           "Demo ready", "Demo logins", "password", " the ", " and ")
ROLES = {"regiocoordinator@regio.demo": "regiocoördinator", "trajectbegeleider@menen.demo": "trajectbegeleider",
         "trajectbegeleider2@menen.demo": "trajectbegeleider", "diensthoofd@menen.demo": "diensthoofd",
         "schepen@menen.demo": "schepen", "beheerder@menen.demo": "beheerder",
         "trajectbegeleider@wervik.demo": "trajectbegeleider", "trajectbegeleider2@wervik.demo": "trajectbegeleider",
         "diensthoofd@wervik.demo": "diensthoofd"}
LAST_LINE = f"Open {settings.SITE_URL} en meld je aan met een van de accounts hierboven (wachtwoord: {DEMO_PASSWORD})."


def assert_calm_and_dutch(out, err=""):
    """The output of seed_demo as a person reads it: ends with the logins and the address, in Dutch."""
    assert err == ""
    lines = out.rstrip("\n").splitlines()
    assert settings.SITE_URL == "http://127.0.0.1:8000"  # what `make demo` serves
    assert lines[-1] == LAST_LINE
    block = lines[lines.index("Demo-aanmeldingen (wachtwoord voor allemaal: demo-wachtwoord):"):]
    logins = {line.split()[0]: line.split(maxsplit=2)[1:] for line in block if line.startswith("  ")}
    assert {email: role for email, (role, _shows) in logins.items()} == ROLES
    assert all(len(shows) > 10 for _role, shows in logins.values())  # what to look at, for each login
    assert "authenticator-app" in block[-3]
    for line in lines:
        assert not line.lstrip().startswith(MAIL_LINES), line
        assert not any(english in line for english in ENGLISH), line
    assert len(lines) < 25


@pytest.mark.django_db(transaction=True)  # the tasks run on the real commit, as in `make demo`
def test_seed_demo_prints_the_logins_and_not_what_its_tasks_do(capsys, caplog):
    out, err = io.StringIO(), io.StringIO()
    caplog.set_level(logging.INFO)
    with override_settings(EMAIL_BACKEND=CONSOLE):
        call_command("seed_demo", stdout=out, stderr=err)
    printed = capsys.readouterr()
    assert printed.out == printed.err == ""  # the console backend printed no e-mail
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.INFO] == []
    assert_calm_and_dutch(out.getvalue(), err.getvalue())
    # The seeding's tasks did run: today's digests were sent, to the kept mailbox, and counted.
    sent = Digest.objects.exclude(sent_at=None).count()
    assert sent >= 4 and len(mail.outbox) > sent
    assert f"({len(mail.outbox)} e-mails aan de demo-accounts, hier niet getoond)" in out.getvalue()


def test_make_demo_seeds_quietly_in_a_fresh_process(tmp_path):
    """Exactly `make demo`'s two steps before the server, in a process of their own with the embedded
    defaults (no REDIS_URL, no EMAIL_URL: tasks in process, e-mail to the console), on a fresh SQLite
    database: kombu's warning comes once per process, so only a fresh one shows it."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("REDIS_URL", "EMAIL_URL", "SITE_URL", "DJANGO_LOG_LEVEL", "DJANGO_DEBUG")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", DJANGO_MEDIA_ROOT=str(tmp_path / "media"))

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True,
                              text=True, timeout=600, check=False)

    migrated = manage("migrate", "--noinput", "--verbosity", "0")
    assert (migrated.returncode, migrated.stdout, migrated.stderr) == (0, "", "")
    seeded = manage("seed_demo")
    assert seeded.returncode == 0
    assert_calm_and_dutch(seeded.stdout, seeded.stderr)


def test_the_makefile_says_nothing_in_english_before_the_server():
    makefile = (PROJECT / "Makefile").read_text()
    recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py seed_demo" in recipe and "migrate --noinput --verbosity 0" in recipe
    assert "log in with" not in recipe and "Open http" not in recipe
    assert recipe.rstrip().endswith("manage.py runserver 127.0.0.1:8000")
