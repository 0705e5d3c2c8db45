"""A broker outage while starting a distribution: the rows are committed, the request does not fail,
and the sweeper delivers once a worker runs on a reachable broker. Real Redis ports, no mocks."""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

from recommendations import services
from recommendations.models import Delivery
from tests.conftest import PROJECT_DIR, _database_url

from .factories import published_package
from .test_worker import wait_until_nothing_pending

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_distributing_while_the_broker_is_down_succeeds_and_the_sweeper_delivers_later(celery_worker, smtp_server):
    from tests.factories import make_liaison

    _kenya, kenya = make_liaison("KE")
    _nepal, nepal = make_liaison("NP")
    package = published_package()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
        "CACHE_URL": settings.CACHE_URL,
        "PYTHONUNBUFFERED": "1",
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "distribute_package", str(package.pk)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert str(services.BROKER_UNAVAILABLE_MESSAGE) in result.stdout
    assert time.monotonic() - started < 60
    assert set(Delivery.objects.values_list("contact_id", "status")) == {(kenya.pk, "queued"), (nepal.pk, "queued")}

    # The queue is back: a worker with beat on the real Redis; the sweeper re-enqueues the rows.
    celery_worker(beat=True, env={"DELIVERY_STALE_AFTER_SECONDS": "1", "DELIVERY_SWEEP_INTERVAL": "1"})
    wait_until_nothing_pending(timeout=90)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == sorted([kenya.email, nepal.email])
