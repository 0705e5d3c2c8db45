"""Reads of the recommendations app. Here: the liaison portal (what a liaison may see is decided
here, once); distributions' progress and reports in `distribution`."""

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404

from programmes.models import Contact
from programmes.roles import liaison_contact_of

from ..models import Delivery, RecommendationPackage
from .content import next_recommendation_number
from .distribution import (
    NO_PRIMARY_CONTACT,
    Progress,
    broker_queue_length,
    delivery_report_rows,
    distribution_country_rows,
    progress_counts,
    progress_for,
    progress_from,
)

__all__ = [
    "NO_PRIMARY_CONTACT",
    "Progress",
    "broker_queue_length",
    "country_delivery",
    "delivery_report_rows",
    "distribution_country_rows",
    "liaison_contact",
    "next_recommendation_number",
    "packages_for_country",
    "progress_counts",
    "progress_for",
    "progress_from",
]


def liaison_contact(user) -> Contact:
    """The active member-country contact of a signed-in liaison; anyone else learns nothing (404).

    The Liaison group alone is not enough: the role follows from the contact link (programmes.roles).
    """
    contact = liaison_contact_of(user)
    if contact is None:
        raise Http404
    return contact


def packages_for_country(country_id: int):
    """Published (or superseded) packages that were addressed to the country, newest first."""
    # EXISTS rather than a join on the deliveries made distinct; the list never shows the frozen content.
    return (
        RecommendationPackage.objects.filter(
            Exists(Delivery.objects.filter(package_id=OuterRef("pk"), member_country_id=country_id))
        )
        .exclude(status=RecommendationPackage.Status.DRAFT)
        .defer("content")
        .select_related("visit")
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.filter(member_country_id=country_id)
                .only("pk", "package_id", "contact_id", "first_downloaded_at", "acknowledged_at")
                .order_by("-pk"),
                to_attr="country_deliveries",
            )
        )
        .order_by("-published_at", "-pk")
    )


def country_delivery(*, package_id: int, contact: Contact) -> Delivery:
    """The delivery of a package to the liaison's country; their own one first when there are several."""
    deliveries = list(
        Delivery.objects.select_related("package__visit", "member_country")
        .filter(package_id=package_id, member_country_id=contact.member_country_id)
        .exclude(package__status=RecommendationPackage.Status.DRAFT)
        .order_by("-pk")
    )
    if not deliveries:
        raise Http404
    return next((d for d in deliveries if d.contact_id == contact.pk), deliveries[0])
