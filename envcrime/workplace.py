"""The staff to-do panel at the top of the admin index: what needs doing, each with a link to the
admin list filtered to exactly those rows.

`ITEMS` is the panel: each entry is a small function `(user, now) -> list[Todo]` making one query,
so the panel takes the same number of queries whatever the rows. A new kind of work is one more
function in the list. The querysets the items count are also
what the admin list filters apply, so a link always shows the rows its item counted.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from meetings.models import Registration, Visit
from meetings.selectors import REGISTRATION_WINDOW_DAYS, registration_window
from recommendations.models import CountryReport, Delivery, Distribution, RecommendationPackage
from recommendations.selectors.attention import (
    deliveries_acknowledgement_overdue,
    distributions_with_failures,
    packages_not_distributed,
    reports_awaiting_review,
)


@dataclass(frozen=True)
class Todo:
    text: str
    url: str


def changelist_url(model, **filters) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def can_view(user, model) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


# --- The items ------------------------------------------------------------------------------


def _registrations_per_visit(user, status, message):
    if not can_view(user, Registration):
        return []
    rows = (
        Registration.objects.filter(status=status)
        .values("visit", "visit__title", "visit__start_date")
        .annotate(count=Count("pk"))
        .order_by("visit__start_date", "visit")
    )
    return [
        Todo(
            message % {"count": row["count"], "visit": row["visit__title"]},
            changelist_url(Registration, visit__id__exact=row["visit"], status__exact=status),
        )
        for row in rows
    ]


def registrations_awaiting_approval(user, now):
    return _registrations_per_visit(
        user,
        Registration.Status.PENDING,
        ngettext_lazy(
            "%(count)d registration awaits approval for %(visit)s.",
            "%(count)d registrations await approval for %(visit)s.",
            "count",
        ),
    )


def registrations_awaiting_endorsement(user, now):
    return _registrations_per_visit(
        user,
        Registration.Status.NOMINATED,
        ngettext_lazy(
            "%(count)d nomination awaits its country's endorsement for %(visit)s.",
            "%(count)d nominations await their country's endorsement for %(visit)s.",
            "count",
        ),
    )


REGISTRATION_WINDOW_MESSAGES = {
    "opening": ngettext_lazy(
        "Registration opens within %(days)d days for %(count)d visit.",
        "Registration opens within %(days)d days for %(count)d visits.",
        "count",
    ),
    "closing": ngettext_lazy(
        "Registration closes within %(days)d days for %(count)d visit.",
        "Registration closes within %(days)d days for %(count)d visits.",
        "count",
    ),
}


def registration_windows(user, now):
    if not can_view(user, Visit):
        return []
    counts = Visit.objects.aggregate(**{key: Count("pk", filter=q) for key, q in registration_window(now).items()})
    return [
        Todo(
            REGISTRATION_WINDOW_MESSAGES[key] % {"days": REGISTRATION_WINDOW_DAYS, "count": count},
            changelist_url(Visit, registration=key),
        )
        for key, count in counts.items()
        if count
    ]


def _counted(user, model, count, text, url, **values) -> list[Todo]:
    """One item, "`text` % count" linking to `url`, for someone who may view `model` when `count()` (one
    query, not run for anyone else) is not zero."""
    if not can_view(user, model):
        return []
    counted = count()
    return [Todo(text % {"count": counted, **values}, url)] if counted else []


def packages_to_distribute(user, now):
    text = ngettext_lazy(
        "%(count)d package is published but not distributed.",
        "%(count)d packages are published but not distributed.",
        "count",
    )
    url = changelist_url(RecommendationPackage, distributed="no")
    return _counted(user, RecommendationPackage, packages_not_distributed().count, text, url)


def failed_deliveries(user, now):
    text = ngettext_lazy(
        "%(count)d distribution has failed deliveries.", "%(count)d distributions have failed deliveries.", "count"
    )
    return _counted(
        user, Distribution, distributions_with_failures().count, text, changelist_url(Distribution, failed="yes")
    )


def overdue_acknowledgements(user, now):
    text = ngettext_lazy(
        "%(count)d member country has not acknowledged a package delivered over %(days)d days ago.",
        "%(count)d member countries have not acknowledged a package delivered over %(days)d days ago.",
        "count",
    )
    countries = deliveries_acknowledgement_overdue(now).values("member_country").distinct()
    url = changelist_url(Delivery, acknowledged="overdue")
    return _counted(user, Delivery, countries.count, text, url, days=settings.ACKNOWLEDGEMENT_OVERDUE_DAYS)


def reports_to_review(user, now):
    text = ngettext_lazy(
        "%(count)d country report awaits the secretariat's assessment.",
        "%(count)d country reports await the secretariat's assessment.",
        "count",
    )
    url = changelist_url(CountryReport, awaiting_review="yes")
    return _counted(user, CountryReport, reports_awaiting_review().count, text, url)


ITEMS = [
    registrations_awaiting_approval,
    registrations_awaiting_endorsement,
    registration_windows,
    packages_to_distribute,
    failed_deliveries,
    overdue_acknowledgements,
    reports_to_review,
]


def todo(user) -> list[Todo]:
    now = timezone.now()
    return [entry for item in ITEMS for entry in item(user, now)]
