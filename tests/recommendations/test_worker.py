"""The distribution through a real Celery worker process, Redis, PostgreSQL and a local SMTP server."""

import asyncio
import re
import time
from collections import Counter

import pytest
from django.conf import settings

from recommendations import services
from recommendations.models import Delivery, Distribution
from tests.factories import StaffFactory, member_country

from .factories import primary_contacts_for_every_country, published_package

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LINK = re.compile(r"http://127\.0\.0\.1:8000(/packages/link/\S+/)")


def wait_until_nothing_pending(timeout: float) -> None:
    """Until no delivery is queued or sending and every distribution is marked finished.

    The task that sends the last delivery commits it, then marks its distribution finished in a
    second statement: a test checking `finished_at` must wait for both.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (
            not Delivery.objects.filter(status__in=["queued", "sending"]).exists()
            and not Distribution.objects.filter(finished_at__isnull=True).exists()
        ):
            return
        time.sleep(0.2)
    counts = Counter(Delivery.objects.values_list("status", flat=True))
    unfinished = Distribution.objects.filter(finished_at__isnull=True).count()
    raise AssertionError(
        f"still pending after {timeout} s: deliveries {dict(counts)}, {unfinished} unfinished distributions"
    )


def wait_until_sent(count: int, timeout: float) -> None:
    """Until `count` deliveries are sent and nothing is pending, within `timeout` in all."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Delivery.objects.filter(status="sent").count() == count:
            break
        time.sleep(0.5)
    wait_until_nothing_pending(timeout=max(1.0, deadline - time.monotonic()))


def test_190_deliveries_one_message_per_contact_each_with_a_working_link(celery_worker, smtp_server, client):
    contacts = primary_contacts_for_every_country()
    assert len(contacts) == 190
    package = published_package()
    celery_worker(concurrency=2)

    started = services.distribution_start(package=package, started_by=StaffFactory())

    smtp_server.wait_for(190, timeout=120)
    wait_until_nothing_pending(timeout=30)
    received = Counter(r.lower() for m in smtp_server.messages for r in m.rcpt_tos)
    assert received == Counter({c.email: 1 for c in contacts})
    assert Delivery.objects.filter(status="sent").count() == 190
    started.distribution.refresh_from_db()
    assert started.distribution.finished_at is not None
    for message in smtp_server.messages:
        (path,) = set(LINK.findall(message.text()))
        response = client.get(path)
        assert response.status_code == 200, message.rcpt_tos
        delivery = response.context["delivery"]
        assert [delivery.email] == message.rcpt_tos, "each link opens its own recipient's delivery"


def test_refusals_retried_then_sent_or_failed_and_retry_failed_sends_only_those(
    celery_worker, smtp_server, django_capture_on_commit_callbacks
):
    countries = ["KE", "NP", "TH", "CN", "GB", "US", "FR", "BR"]
    primary_contacts_for_every_country()
    from programmes.models import Contact

    Contact.objects.exclude(member_country__iso2__in=countries).update(is_active=False)
    smtp_server.refuse("liaison-ke@example.org", times=2)  # the relay is busy for a while
    smtp_server.refuse("liaison-np@example.org", times=None)  # refuses for good
    package = published_package()
    celery_worker(concurrency=2, env={"DELIVERY_RETRY_BACKOFF_SECONDS": "1", "DELIVERY_MAX_ATTEMPTS": "3"})

    started = services.distribution_start(package=package)
    wait_until_nothing_pending(timeout=60)

    kenya = Delivery.objects.get(member_country=member_country("KE"))
    nepal = Delivery.objects.get(member_country=member_country("NP"))
    assert (kenya.status, kenya.attempts) == ("sent", 3)
    assert (nepal.status, nepal.attempts) == ("failed", 3)
    assert "451" in nepal.last_error
    assert Delivery.objects.filter(status="sent").count() == len(countries) - 1
    assert len(smtp_server.messages) == len(countries) - 1
    assert len(smtp_server.messages_to("liaison-ke@example.org")) == 1

    smtp_server.handler.refusals.clear()  # the mailbox is fixed
    assert services.deliveries_retry_failed(distribution=started.distribution, by=None) == 1
    smtp_server.wait_for(len(countries), timeout=30)
    wait_until_nothing_pending(timeout=30)

    assert len(smtp_server.messages) == len(countries), "only the failed delivery was sent again"
    assert len(smtp_server.messages_to("liaison-np@example.org")) == 1
    nepal.refresh_from_db()
    assert nepal.status == "sent"


def test_a_worker_killed_mid_distribution_recovers_on_restart_nobody_missed(celery_worker, smtp_server):
    contacts = primary_contacts_for_every_country()
    package = published_package()
    concurrency = 2
    # A relay that takes a moment per message, so the kill lands mid-distribution.
    original_handle_data = smtp_server.handler.handle_DATA

    async def slow_handle_data(server, session, envelope):
        await asyncio.sleep(0.04)
        return await original_handle_data(server, session, envelope)

    smtp_server.handler.handle_DATA = slow_handle_data
    worker = celery_worker(
        concurrency=concurrency,
        beat=True,
        env={"DELIVERY_STALE_AFTER_SECONDS": "5", "DELIVERY_SWEEP_INTERVAL": "2"},
    )

    services.distribution_start(package=package)
    smtp_server.wait_for(30, timeout=60)
    worker.kill()

    # A pool process claims a batch of deliveries at once (one claim time per batch) and sends them one
    # by one, each marked sent before the next leaves: only the one message in flight per process that
    # was sending may go out twice.
    sending = Delivery.objects.filter(status="sending")
    in_flight = sending.order_by().values("claimed_at").distinct().count()
    pending = Delivery.objects.filter(status__in=["queued", "sending"]).count()
    assert pending > 0, "the kill came after the end: the test proves nothing"
    assert in_flight <= concurrency and sending.count() <= concurrency * settings.DELIVERY_BATCH_SIZE_MAX

    worker.start()
    wait_until_sent(190, timeout=120)

    received = Counter(r.lower() for m in smtp_server.messages for r in m.rcpt_tos)
    assert set(received) == {c.email for c in contacts}, "nobody missed"
    duplicates = sum(received.values()) - len(contacts)
    print(f"killed with {pending} pending, {in_flight} in flight; {duplicates} duplicates")
    assert duplicates <= in_flight, f"{duplicates} duplicates for {in_flight} pool processes sending"


def test_two_workers_one_killed_halfway_the_other_and_its_restart_finish_nobody_missed(celery_worker, smtp_server):
    """Scaling out: two separately started workers (nodes a@host and b@host) on the same broker and
    database; a is killed with SIGKILL halfway through and restarted, as after a crash of its host."""
    contacts = primary_contacts_for_every_country()
    package = published_package()
    concurrency = 2
    original_handle_data = smtp_server.handler.handle_DATA

    async def slow_handle_data(server, session, envelope):
        await asyncio.sleep(0.04)
        return await original_handle_data(server, session, envelope)

    smtp_server.handler.handle_DATA = slow_handle_data
    env = {"DELIVERY_STALE_AFTER_SECONDS": "5", "DELIVERY_SWEEP_INTERVAL": "2"}
    a = celery_worker(concurrency=concurrency, env=env, name="a")
    celery_worker(concurrency=concurrency, env=env, name="b", beat=True)  # beat runs once per deployment

    services.distribution_start(package=package)
    smtp_server.wait_for(95, timeout=60)
    a.kill()

    pending = Delivery.objects.filter(status__in=["queued", "sending"]).count()
    assert pending > 0, "the kill came after the end: the test proves nothing"
    assert "a@" in a.log_text() and "b@" not in a.log_text()

    a.start()
    wait_until_sent(190, timeout=120)

    received = Counter(r.lower() for m in smtp_server.messages for r in m.rcpt_tos)
    assert set(received) == {c.email for c in contacts}, "nobody missed"
    duplicates = sum(received.values()) - len(contacts)
    print(f"worker a killed with {pending} pending; {duplicates} duplicates")
    assert duplicates <= concurrency, f"{duplicates} duplicates: more than one per pool process of the killed worker"
