"""The emails go through a real Celery worker on Redis to a real SMTP server."""

import time

import pytest
from icalendar import Calendar

from meetings import services
from meetings.models import Registration
from tests.factories import AgendaItemFactory, DelegateFactory, VisitFactory

from .factories import registration_data, submit_and_endorse

# serialized_rollback: the flush after each test would otherwise drop the member countries loaded by a migration.
pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data"),
]


def wait_for_mail(smtp_server, address: str, subject_start: str, timeout: float = 60.0):
    """The newest message to `address` whose subject starts so.

    Waiting by count is not enough: a nomination's "awaiting endorsement" email goes out or is dropped
    depending on whether the worker ran it before or after the endorsement committed.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in smtp_server.messages_to(address) if m.subject.startswith(subject_start)]
        if found:
            return found[-1]
        time.sleep(0.05)
    subjects = [m.subject for m in smtp_server.messages_to(address)]
    raise AssertionError(f"no message to {address} starting {subject_start!r}; received {subjects}")


def test_confirmation_with_calendar_and_promotion_after_a_cancellation(celery_worker, smtp_server):
    celery_worker(concurrency=2)
    visit = VisitFactory(capacity=1, title="Familiarization visit to Lyon")
    AgendaItemFactory(visit=visit, title="Tour of the Command and Coordination Centre")
    first, second = DelegateFactory(), DelegateFactory()
    # The SMTP server refuses the first attempt for the first delegate: the task must retry.
    smtp_server.refuse(first.email, times=1)

    registration = submit_and_endorse(visit, first)
    waiting = submit_and_endorse(visit, second)
    assert (registration.status, waiting.status) == (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)

    confirmed_mail = wait_for_mail(smtp_server, first.email, "Your seat is confirmed")
    assert confirmed_mail.subject == "Your seat is confirmed: Familiarization visit to Lyon"
    assert (
        "number 1 on the waiting list" in wait_for_mail(smtp_server, second.email, "You are on the waiting list").text()
    )
    (attachment,) = confirmed_mail.attachments()
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries == ["Familiarization visit to Lyon", "Presentation: Tour of the Command and Coordination Centre"]

    services.registration_cancel(registration=registration, by=first)
    wait_for_mail(smtp_server, first.email, "Registration cancelled")
    promoted = wait_for_mail(smtp_server, second.email, "A seat is yours")
    assert promoted.attachments()[0].get_content_type() == "text/calendar"


def test_staff_are_told_of_registrations_awaiting_approval(celery_worker, smtp_server, settings):
    celery_worker(concurrency=1, env={"STAFF_NOTIFICATION_EMAILS": "review@example.org"})
    visit = VisitFactory(requires_approval=True)
    registration = services.registration_submit(visit=visit, user=DelegateFactory(), data=registration_data(visit))
    smtp_server.wait_for(2, timeout=60)
    staff_mail = smtp_server.messages_to("review@example.org")[0]
    assert registration.full_name in staff_mail.subject
    assert f"visit__id__exact={visit.pk}" in staff_mail.text()
    assert smtp_server.messages_to(registration.delegate.email)[0].subject.startswith("Registration received")
