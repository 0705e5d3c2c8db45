"""Follow-up reminders through a real Celery worker (and beat), Redis, PostgreSQL and aiosmtpd."""

import asyncio
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
from django.utils import timezone

from recommendations.models import CountryReport, Delivery, Reminder
from recommendations.services import followup, reminders
from tests.factories import StaffFactory

from ..factories import primary_contacts_for_every_country
from .factories import distributed_package, open_cycle, primary_contact

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COUNTRIES = ("KE", "NP", "BR", "FR", "TH", "PE")


def wait_until_all_sent(expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (
            Reminder.objects.filter(status="sent").count() >= expected
            and not Reminder.objects.filter(status__in=["queued", "sending"]).exists()
        ):
            return
        time.sleep(0.3)
    raise AssertionError(
        f"reminders not all sent after {timeout} s: {Counter(Reminder.objects.values_list('status', flat=True))}"
    )


def at_noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(12)))


def test_each_step_goes_once_to_each_country_that_has_not_submitted(celery_worker, smtp_server):
    package = distributed_package(countries=COUNTRIES)
    cycle = open_cycle(package, due_in_days=20, opened_days_ago=30)
    # Every country acknowledged the package: only cycle reminders are due (acknowledgement ones are tested apart).
    Delivery.objects.update(acknowledged_at=timezone.now())
    submitted = primary_contact("FR")
    CountryReport.objects.create(
        cycle=cycle,
        member_country=submitted.member_country,
        status="submitted",
        submitted_at=timezone.now(),
        submission_count=1,
    )
    owing = {primary_contact(iso2).email for iso2 in COUNTRIES if iso2 != "FR"}
    celery_worker(concurrency=2)

    steps = [
        (cycle.due_date - timedelta(days=14), ("due_soon", 14)),
        (cycle.due_date - timedelta(days=3), ("due_soon", 3)),
        (cycle.due_date + timedelta(days=1), ("overdue", 1)),
        (cycle.due_date + timedelta(days=8), ("overdue", 2)),
    ]
    for number, (day, _step) in enumerate(steps, start=1):
        created = reminders.reminders_plan(now=at_noon(day))
        assert created == len(owing), day
        # Planning again the same day (beat runs hourly) creates nothing and sends nothing.
        assert reminders.reminders_plan(now=at_noon(day) + timedelta(hours=1)) == 0
        assert reminders.reminders_plan(now=at_noon(day) + timedelta(hours=5)) == 0
        smtp_server.wait_for(number * len(owing), timeout=60)
        wait_until_all_sent(number * len(owing), timeout=30)

    time.sleep(1)  # a duplicate would arrive now, if any were on its way
    received = Counter(r.lower() for m in smtp_server.messages for r in m.rcpt_tos)
    assert received == Counter({email: len(steps) for email in owing}), "FR submitted: never reminded"
    rows = Counter(Reminder.objects.values_list("kind", "step", "member_country__iso2"))
    assert set(rows.values()) == {1}
    assert {(kind, step) for kind, step, _iso2 in rows} == {step for _day, step in steps}
    assert all(r.sent_at is not None for r in Reminder.objects.all())


def test_a_staff_chase_is_a_new_step_each_time_chase_all_late_skips_who_submitted(celery_worker, smtp_server):
    package = distributed_package(countries=COUNTRIES)
    cycle = open_cycle(package, due_in_days=-2, opened_days_ago=40)
    submitted = primary_contact("FR")
    CountryReport.objects.create(
        cycle=cycle,
        member_country=submitted.member_country,
        status="submitted",
        submitted_at=timezone.now(),
        submission_count=1,
    )
    staff = StaffFactory()
    celery_worker(concurrency=2)

    kenya = primary_contact("KE")
    first = reminders.reminder_chase(cycle=cycle, member_country=kenya.member_country, by=staff)
    second = reminders.reminder_chase(cycle=cycle, member_country=kenya.member_country, by=staff)
    assert (first.step, second.step) == (1, 2)
    assert reminders.reminders_chase_late(cycle=cycle, by=staff) == len(COUNTRIES) - 1

    smtp_server.wait_for(2 + len(COUNTRIES) - 1, timeout=60)
    wait_until_all_sent(2 + len(COUNTRIES) - 1, timeout=30)
    received = Counter(r.lower() for m in smtp_server.messages for r in m.rcpt_tos)
    assert received[kenya.email] == 3
    assert submitted.email not in received
    assert set(Reminder.objects.values_list("created_by", flat=True)) == {staff.pk}


def test_a_worker_killed_mid_invitations_recovers_on_restart_no_country_skipped(celery_worker, smtp_server):
    contacts = primary_contacts_for_every_country()
    package = distributed_package(countries=("KE",))
    # A relay that takes a moment per message, so the kill lands mid-run.
    original_handle_data = smtp_server.handler.handle_DATA

    async def slow_handle_data(server, session, envelope):
        await asyncio.sleep(0.04)
        return await original_handle_data(server, session, envelope)

    smtp_server.handler.handle_DATA = slow_handle_data
    concurrency = 2
    worker = celery_worker(
        concurrency=concurrency,
        beat=True,
        env={"DELIVERY_STALE_AFTER_SECONDS": "5", "FOLLOWUP_REMINDER_INTERVAL": "2"},
    )

    followup.cycle_open(
        package=package, title="Six-month progress report", due_date=timezone.localdate() + timedelta(days=90), by=None
    )
    smtp_server.wait_for(30, timeout=60)
    worker.kill()

    in_flight = Reminder.objects.filter(status="sending").count()
    pending = Reminder.objects.filter(status__in=["queued", "sending"]).count()
    assert pending > 0, "the kill came after the end: the test proves nothing"
    assert in_flight <= concurrency

    worker.start()
    wait_until_all_sent(len(contacts), timeout=120)
    time.sleep(1)

    received = Counter(r.lower() for m in smtp_server.messages for r in m.rcpt_tos)
    assert set(received) == {c.email for c in contacts}, "no country skipped"
    duplicates = sum(received.values()) - len(contacts)
    print(f"killed with {pending} pending, {in_flight} in flight; {duplicates} duplicates")
    # Only a message the relay had accepted when the worker died can go twice: at most one per task in flight.
    assert duplicates <= in_flight
    assert Reminder.objects.filter(kind="invitation").count() == len(contacts)
