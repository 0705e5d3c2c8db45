"""Reads that pages, emails and the admin share; annotated so list pages never query per row."""

import datetime
from itertools import groupby

from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from programmes.roles import user_is_liaison

from .models import AgendaItem, Attendance, Registration, RegistrationStatusChange, Visit

Status = Registration.Status

REGISTRATION_WINDOW_DAYS = 7


def registration_window(now) -> dict[str, Q]:
    """Visits whose registration opens, or closes, within the next REGISTRATION_WINDOW_DAYS (the staff
    to-do panel counts them, the visit admin's list filter shows them)."""
    soon = (now, now + datetime.timedelta(days=REGISTRATION_WINDOW_DAYS))
    return {"opening": Q(registration_opens_at__range=soon), "closing": Q(registration_closes_at__range=soon)}


def with_seat_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        pending_count=Count("registrations", filter=Q(registrations__status=Status.PENDING)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED)),
    ).annotate(seats_left=Greatest(F("capacity") - F("confirmed_count"), Value(0)))


def public_visits() -> QuerySet:
    return Visit.objects.exclude(status=Visit.Status.DRAFT).select_related("host_country", "programme")


def upcoming_visits() -> QuerySet:
    return with_seat_counts(
        public_visits().filter(status__in=[Visit.Status.OPEN, Visit.Status.CLOSED], end_date__gte=timezone.localdate())
    ).order_by("start_date", "pk")


def past_visits() -> QuerySet:
    return with_seat_counts(
        public_visits().filter(Q(status=Visit.Status.HELD) | Q(end_date__lt=timezone.localdate()))
    ).order_by("-start_date", "-pk")


def visit_for_page(slug: str) -> Visit:
    """Raises Visit.DoesNotExist for unknown and draft visits."""
    return with_seat_counts(public_visits()).get(slug=slug)


def agenda_by_day(visit: Visit) -> list[tuple]:
    """[(day number within the visit, date, items)], days without items left out."""
    # AgendaItem's default ordering is (visit, date, start_time): .all() uses a prefetch when there is one.
    items = visit.agenda_items.all()
    return [
        ((day - visit.start_date).days + 1, day, list(day_items))
        for day, day_items in groupby(items, key=lambda item: item.date)
    ]


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(visit_id=registration.visit_id, status=Status.WAITLISTED).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def public_participants(visit: Visit) -> QuerySet:
    """Only confirmed delegates who agreed to be listed."""
    return (
        Registration.objects.filter(visit=visit, status=Status.CONFIRMED, consent_to_participant_list=True)
        .select_related("member_country", "organisation")
        .order_by("full_name", "pk")
    )


def check_in_sheet(*, visit: Visit, date) -> list[Registration]:
    """The confirmed delegates of a visit by name, each with `attendance` on `date` (None when absent)."""
    attendances = {
        attendance.registration_id: attendance
        for attendance in Attendance.objects.filter(registration__visit=visit, date=date).select_related(
            "checked_in_by"
        )
    }
    registrations = list(
        Registration.objects.filter(visit=visit, status=Status.CONFIRMED)
        .select_related("member_country", "organisation")
        .order_by("full_name", "pk")
    )
    for registration in registrations:
        registration.attendance = attendances.get(registration.pk)
    return registrations


def nomination_rejections(registration) -> QuerySet:
    """The rejections of a registration's nomination, newest first; each note is the reason as written."""
    return RegistrationStatusChange.objects.filter(
        registration=registration, from_status=Status.NOMINATED, to_status=Status.DECLINED
    ).order_by("-changed_at", "-pk")


def registrations_of(user) -> QuerySet:
    """The delegate's registrations, each with `position` on its waiting list (None when not waitlisted)."""
    ahead = Registration.objects.filter(visit_id=OuterRef("visit_id"), status=Status.WAITLISTED).filter(
        Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
        | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
    )
    position = Subquery(ahead.values("visit_id").annotate(n=Count("pk")).values("n")[:1])
    rejection = nomination_rejections(OuterRef("pk"))
    return (
        Registration.objects.filter(delegate=user)
        .annotate(
            rejection_reason=Case(
                When(status=Status.DECLINED, then=Subquery(rejection.values("note")[:1])), default=Value("")
            ),
            position=Case(
                When(status=Status.WAITLISTED, then=Coalesce(position, Value(0)) + 1),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .select_related("visit", "visit__host_country", "member_country", "organisation")
        .prefetch_related(
            Prefetch("visit__agenda_items", queryset=AgendaItem.objects.order_by("date", "start_time", "pk"))
        )
        .order_by("-visit__start_date", "-pk")
    )


def nominations_for(affiliation_filter: dict) -> QuerySet:
    """The nominations a liaison decides on: their country's (or organisation's), awaiting endorsement first."""
    return (
        Registration.objects.filter(**affiliation_filter, visit__status__in=[Visit.Status.OPEN, Visit.Status.CLOSED])
        .filter(Q(status=Status.NOMINATED) | Q(endorsed_at__isnull=False))
        .select_related("visit", "member_country", "organisation", "endorsed_by")
        .order_by(
            Case(When(status=Status.NOMINATED, then=Value(0)), default=Value(1)), "visit__start_date", "submitted_at"
        )
    )


def may_see_participants(user, visit: Visit) -> bool:
    """Staff, liaisons and the visit's confirmed delegates; nobody else learns who comes."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user_is_liaison(user):
        return True
    return Registration.objects.filter(visit=visit, delegate=user, status=Status.CONFIRMED).exists()


def participants_for_package(visit) -> QuerySet:
    """The confirmed registrations of a visit, in the order a recommendations package lists them."""
    return (
        Registration.objects.filter(visit=visit, status=Status.CONFIRMED)
        .select_related("member_country", "organisation")
        .order_by("member_country__name", "organisation__name", "full_name")
    )
