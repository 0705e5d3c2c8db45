"""The emails go through a real Celery worker on Redis to a real SMTP server."""

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

    # The nomination emails are dropped by the worker: the nominations were endorsed before it ran.
    smtp_server.wait_for(2, timeout=60)
    confirmed_mail = smtp_server.messages_to(first.email)[-1]
    assert confirmed_mail.subject == "Your seat is confirmed: Familiarization visit to Lyon"
    assert "number 1 on the waiting list" in smtp_server.messages_to(second.email)[-1].text()
    (attachment,) = confirmed_mail.attachments()
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries == ["Familiarization visit to Lyon", "Presentation: Tour of the Command and Coordination Centre"]

    services.registration_cancel(registration=registration, by=first)
    smtp_server.wait_for(4, timeout=60)
    assert smtp_server.messages_to(first.email)[-1].subject.startswith("Registration cancelled")
    promoted = smtp_server.messages_to(second.email)[-1]
    assert promoted.subject.startswith("A seat is yours")
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
