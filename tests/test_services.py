"""The services CI provides: PostgreSQL for the test database, Redis for Celery and the cache.
Locally an absent service skips these tests; under CI it fails them."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from ocmw_activation.celery import app


def test_the_test_database_is_postgresql_when_database_url_is_set():
    from tests.conftest import require_service

    require_service(os.environ.get("DATABASE_URL", "").startswith("postgres"), "DATABASE_URL (PostgreSQL) not set")
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_redis_serves_as_cache_and_celery_broker():
    from tests.conftest import require_service

    require_service(bool(os.environ.get("REDIS_URL")), "REDIS_URL not set")
    assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
    cache.set("ci-probe", "ok", 10)
    assert cache.get("ci-probe") == "ok"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.connected


def test_tasks_run_in_process_exactly_when_redis_is_absent():
    assert getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) is (not os.environ.get("REDIS_URL"))
