"""Reads that pages, emails and the admin share; annotated so list pages never query per row."""

from itertools import groupby

from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import AgendaItem, Registration, Visit

Status = Registration.Status


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


def registrations_of(user) -> QuerySet:
    return (
        Registration.objects.filter(delegate=user)
        .select_related("visit", "visit__host_country", "member_country", "organisation")
        .prefetch_related(
            Prefetch("visit__agenda_items", queryset=AgendaItem.objects.order_by("date", "start_time", "pk"))
        )
        .order_by("-visit__start_date", "-pk")
    )
