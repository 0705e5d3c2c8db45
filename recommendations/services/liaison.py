"""The liaison's side: downloads are recorded, receipt is acknowledged for the country."""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from programmes.roles import user_speaks_for_country

from ..models import Delivery, DownloadEvent


@transaction.atomic
def download_record(*, delivery: Delivery, user, via: str, client_address: str | None) -> DownloadEvent:
    """Every download is recorded; the delivery keeps the first time and a count for the report."""
    now = timezone.now()
    event = DownloadEvent.objects.create(
        package_id=delivery.package_id,
        delivery=delivery,
        user=user if user is not None and user.is_authenticated else None,
        downloaded_at=now,
        via=via,
        client_address=client_address,
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        download_count=F("download_count") + 1, first_downloaded_at=Coalesce("first_downloaded_at", now)
    )
    return event


@transaction.atomic
def delivery_acknowledge(*, delivery: Delivery, user) -> Delivery:
    """A user of the addressed country (any active contact of it with an account) confirms receipt.

    The emailed link lets its holder download, but acknowledging speaks for the country: it needs
    a signed-in account of that country's team, recorded in `acknowledged_by`. The first
    acknowledgement stands. Anyone else is refused with Http404 (they learn nothing).
    """
    if not user_speaks_for_country(user, delivery.member_country_id):
        raise Http404
    delivery = Delivery.objects.select_for_update(of=("self",)).get(pk=delivery.pk)
    if delivery.acknowledged_at is None:
        delivery.acknowledged_at = timezone.now()
        delivery.acknowledged_by = user
        delivery.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return delivery
