"""The email tasks: retry what may succeed later, give up on a final refusal, never send stale news."""

import logging
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from meetings import services, tasks
from meetings.models import Registration
from tests.factories import DelegateFactory, RegistrationFactory, VisitFactory
from tests.fixtures.smtp import _free_port as free_port

from .factories import submit_and_endorse

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_a_permanent_refusal_is_logged_and_not_retried(smtp_server, caplog):
    registration = RegistrationFactory()
    # Refused once only: a retry would get through and be received.
    smtp_server.refuse(registration.delegate.email, times=1, code="550 5.1.1 No such user")
    with caplog.at_level(logging.ERROR, logger="meetings.tasks"):
        result = tasks.send_registration_email.apply(args=(registration.pk, "confirmed"))
    assert result.successful()
    assert smtp_server.messages == []
    assert f"registration {registration.pk}" in caplog.text and "550" in caplog.text


def test_a_transient_refusal_is_retried_until_it_goes_through(smtp_server):
    registration = RegistrationFactory()
    smtp_server.refuse(registration.delegate.email, times=tasks.MAIL_RETRY["max_retries"])
    result = tasks.send_registration_email.apply(args=(registration.pk, "confirmed"))
    assert result.successful()
    assert [m.subject.split(":")[0] for m in smtp_server.messages_to(registration.delegate.email)] == [
        "Your seat is confirmed"
    ]


def test_a_transient_refusal_gives_up_after_the_last_retry(smtp_server):
    registration = RegistrationFactory()
    smtp_server.refuse(registration.delegate.email, times=1 + tasks.MAIL_RETRY["max_retries"])
    result = tasks.send_registration_email.apply(args=(registration.pk, "confirmed"))
    assert result.failed() and isinstance(result.result, smtplib.SMTPRecipientsRefused)
    assert smtp_server.messages == []
    # Every attempt was used: the next one goes through.
    tasks.send_registration_email.apply(args=(registration.pk, "confirmed"))
    assert len(smtp_server.messages) == 1


def test_a_relay_that_refuses_the_connection_is_retried(smtp_server, settings):
    registration = RegistrationFactory()
    settings.EMAIL_PORT = free_port()  # nothing listens there: the operating system refuses the connection
    result = tasks.send_registration_email.apply(args=(registration.pk, "confirmed"))
    # A permanent failure would have been logged and swallowed; this one reached the retry and ran out.
    assert result.failed() and isinstance(result.result, ConnectionRefusedError)


def test_a_permanent_refusal_of_the_staff_notice_is_not_retried(smtp_server, settings, caplog):
    settings.STAFF_NOTIFICATION_EMAILS = ["review@example.org"]
    registration = RegistrationFactory(status=Status.PENDING, confirmed_at=None)
    smtp_server.refuse("review@example.org", times=1, code="554 5.7.1 Rejected by policy")
    with caplog.at_level(logging.ERROR, logger="meetings.tasks"):
        result = tasks.notify_staff_of_pending_registration.apply(args=(registration.pk,))
    assert result.successful()
    assert smtp_server.messages_to("review@example.org") == []
    assert "554" in caplog.text


# The status each email needs when it is sent (not when it was queued).
EVENT_STATUS = {
    "received": Status.PENDING,
    "confirmed": Status.CONFIRMED,
    "promoted": Status.CONFIRMED,
    "waitlisted": Status.WAITLISTED,
    "declined": Status.DECLINED,
    "cancelled": Status.CANCELLED,
}


@pytest.mark.parametrize("event", EVENT_STATUS)
@pytest.mark.parametrize("status", Status.values)
def test_an_email_goes_only_while_the_status_still_matches(event, status, caplog):
    registration = RegistrationFactory(status=status, waitlisted_at=timezone.now())
    with caplog.at_level(logging.INFO, logger="meetings.tasks"):
        tasks.send_registration_email.apply(args=(registration.pk, event))
    if EVENT_STATUS[event] == status:
        assert len(mail.outbox) == 1
    else:
        assert mail.outbox == []
        assert f"registration {registration.pk}" in caplog.text and "not sent" in caplog.text


def test_no_seat_news_after_the_delegate_cancelled(django_capture_on_commit_callbacks):
    # Both emails queued in the same moment: the worker reaches them after the cancellation.
    visit = VisitFactory(capacity=1)
    first, second = DelegateFactory(), DelegateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = submit_and_endorse(visit, first)
        submit_and_endorse(visit, second)
        services.registration_cancel(registration=registration, by=first)

    def subjects_to(user):
        return [m.subject.split(":")[0] for m in mail.outbox if m.to == [user.email]]

    assert subjects_to(first) == ["Registration cancelled"]
    assert subjects_to(second) == ["A seat is yours"]
    assert mail.outbox[-1].attachments[0][0].endswith(".ics")
