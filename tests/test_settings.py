"""The production configuration: `check --deploy` is clean, and the development key is refused."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k3v$9x!q2Lw7#pZr4Tn8@bYc6Hd1&Fg5Jm0*Vs-Ue_Ai+Ro=Ek",
    "DJANGO_ALLOWED_HOSTS": "activering.example.be",
    "DATABASE_URL": "postgres://ocmw@db:5432/ocmw",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example.be:587",
}


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_in_production():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_missing_or_empty_secret_key_is_refused_without_debug():
    without_key = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    for environment in (without_key, {**PRODUCTION, "DJANGO_SECRET_KEY": ""}):
        result = manage("check", **environment)
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_healthcheck_is_reachable_over_plain_http_in_production():
    code = ("from django.test import Client; c = Client(HTTP_HOST='activering.example.be'); "
            "print(c.get('/healthz').status_code, c.get('/login/').status_code)")
    result = manage("shell", "-c", code, **{**PRODUCTION, "DATABASE_URL": "sqlite://:memory:"})
    assert result.stdout.split()[-2:] == ["200", "301"], result.stderr


def test_documents_can_be_kept_in_an_s3_compatible_bucket():
    code = ("from django.core.files.storage import storages; s = storages['documents']; "
            "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl)")
    result = manage("shell", "-c", code, **{**PRODUCTION, "DATABASE_URL": "sqlite://:memory:",
                                             "DJANGO_DOCUMENTS_STORAGE": "s3", "DJANGO_DOCUMENTS_S3_BUCKET": "dossiers",
                                             "DJANGO_DOCUMENTS_S3_ENDPOINT_URL": "https://s3.example.be"})
    assert result.stdout.split()[-4:] == ["S3Storage", "dossiers", "https://s3.example.be", "private"], result.stderr
