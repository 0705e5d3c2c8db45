"""The emails of the registration workflow, built and sent (called by the tasks in tasks.py)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from envcrime.emails import Attachment, send_templated_email

from . import selectors
from .documents import build_visit_calendar, calendar_filename
from .models import Registration

Status = Registration.Status

# Every registration email, with the status the registration must still have for it to go out: an
# email is queued with the news of the moment, and by the time a worker sends it the delegate may
# have cancelled (no .ics for a seat they gave up) or been promoted (no "waiting list" after "a seat
# is yours").
EVENT_STATUS = {
    "nominated": Status.NOMINATED,
    "received": Status.PENDING,
    "confirmed": Status.CONFIRMED,
    "promoted": Status.CONFIRMED,
    "waitlisted": Status.WAITLISTED,
    "declined": Status.DECLINED,
    "nomination_rejected": Status.DECLINED,
    "cancelled": Status.CANCELLED,
}
# The calendar file goes with the news that the delegate has a seat.
EVENTS_WITH_CALENDAR = ("confirmed", "promoted")


def send_registration_status_email(registration: Registration, event: str) -> None:
    if event not in EVENT_STATUS:
        raise ValueError(f"unknown registration email {event!r}")
    visit = registration.visit
    context = {
        "registration": registration,
        "visit": visit,
        "visit_url": settings.SITE_URL + visit.get_absolute_url(),
        "my_registrations_url": settings.SITE_URL + reverse("meetings:my_registrations"),
        "waitlist_position": selectors.waitlist_position(registration) if event == "waitlisted" else None,
        "reason": _rejection_reason(registration) if event == "nomination_rejected" else "",
    }
    attachments = []
    if event in EVENTS_WITH_CALENDAR:
        attachments.append(
            Attachment(
                calendar_filename(visit),
                build_visit_calendar(visit, language=registration.language),
                "text/calendar",
            )
        )
    send_templated_email(
        to=[registration.delegate.email],
        template_prefix=f"meetings/email/registration_{event}",
        context=context,
        language=registration.language,
        attachments=attachments,
    )


def _rejection_reason(registration: Registration) -> str:
    return selectors.nomination_rejections(registration).values_list("note", flat=True).first() or ""


def send_liaison_nomination_notice(registration: Registration, contact) -> None:
    """Ask the liaison to endorse or reject, in the contact's preferred language."""
    send_templated_email(
        to=[contact.user.email or contact.email],
        template_prefix="meetings/email/liaison_nomination",
        context={
            "registration": registration,
            "visit": registration.visit,
            "contact": contact,
            "nominations_url": settings.SITE_URL + reverse("meetings:nominations"),
        },
        language=contact.preferred_language,
    )


def staff_recipients() -> list[str]:
    if settings.STAFF_NOTIFICATION_EMAILS:
        return list(settings.STAFF_NOTIFICATION_EMAILS)
    return list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )


def send_staff_pending_notice(registration: Registration) -> None:
    recipients = staff_recipients()
    if not recipients:
        return
    send_templated_email(
        to=recipients,
        template_prefix="meetings/email/staff_registration_pending",
        context={
            "registration": registration,
            "visit": registration.visit,
            "review_url": settings.SITE_URL
            + reverse("admin:meetings_registration_changelist")
            + f"?visit__id__exact={registration.visit_id}&status__exact=pending",
        },
        language=settings.LANGUAGE_CODE,
    )
