"""The email tasks: retry what may succeed later, give up on a final refusal, never send stale news."""

import logging
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from meetings import services, tasks
from meetings.models import Registration
from tests.factories import DelegateFactory, RegistrationFactory, VisitFactory

from .factories import submit_and_endorse

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def failing_send(monkeypatch):
    """The registration email fails with `failing_send.error`; `failing_send.attempts` lists the tries."""

    class FailingSend:
        def __init__(self):
            self.error: Exception | None = None
            self.attempts: list[str] = []

        def __call__(self, registration, event):
            self.attempts.append(event)
            raise self.error

    send = FailingSend()
    monkeypatch.setattr("meetings.notifications.send_registration_email", send)
    return send


def test_a_permanent_refusal_is_logged_and_not_retried(failing_send, caplog):
    registration = RegistrationFactory()
    failing_send.error = smtplib.SMTPRecipientsRefused({registration.delegate.email: (550, b"5.1.1 No such user")})
    with caplog.at_level(logging.ERROR, logger="meetings.tasks"):
        tasks.send_registration_email.apply(args=(registration.pk, "confirmed"))
    assert failing_send.attempts == ["confirmed"]
    assert f"registration {registration.pk}" in caplog.text and "550" in caplog.text


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"x@example.org": (451, b"4.3.0 Try again later")}),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
)
def test_a_transient_failure_is_retried(failing_send, error):
    registration = RegistrationFactory()
    failing_send.error = error
    result = tasks.send_registration_email.apply(args=(registration.pk, "confirmed"))
    assert len(failing_send.attempts) == 1 + tasks.MAIL_RETRY["max_retries"]
    assert result.failed()


def test_a_permanent_refusal_of_the_staff_notice_is_not_retried(monkeypatch, settings, caplog):
    settings.STAFF_NOTIFICATION_EMAILS = ["review@example.org"]
    registration = RegistrationFactory(status=Status.PENDING, confirmed_at=None)
    attempts = []

    def refuse(registration):
        attempts.append(registration.pk)
        raise smtplib.SMTPDataError(554, b"5.7.1 Rejected by policy")

    monkeypatch.setattr("meetings.notifications.send_staff_pending_notice", refuse)
    with caplog.at_level(logging.ERROR, logger="meetings.tasks"):
        tasks.notify_staff_of_pending_registration.apply(args=(registration.pk,))
    assert attempts == [registration.pk] and "554" in caplog.text


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
