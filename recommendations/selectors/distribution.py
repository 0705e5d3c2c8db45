"""Reads of distributions: progress counts, the broker's backlog, the per-country and report rows."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields

from django.db.models import Count, Q

from programmes.models import MemberCountry

from .. import tasks
from ..models import Delivery, Distribution


@dataclass(frozen=True)
class Progress:
    total: int
    queued: int
    sending: int
    sent: int
    failed: int

    @property
    def pending(self) -> int:
        return self.queued + self.sending

    @property
    def done(self) -> bool:
        return self.pending == 0

    @property
    def percent(self) -> int:
        return round(100 * (self.sent + self.failed) / self.total) if self.total else 100

    def as_dict(self) -> dict:
        """Every count and the derived values, for the JSON a progress page polls."""
        return {
            **{field.name: getattr(self, field.name) for field in fields(self)},
            "pending": self.pending,
            "percent": self.percent,
            "done": self.done,
        }


def progress_counts(relation: str = "") -> dict[str, Count]:
    """The counts behind `Progress`, named `progress_<field>`: aggregated over a delivery queryset,
    or annotated on each row of another one, e.g. `progress_counts("deliveries__")` on distributions."""
    return {
        "progress_total": Count(f"{relation}pk"),
        **{
            f"progress_{status}": Count(f"{relation}pk", filter=Q(**{f"{relation}status": status}))
            for status in Delivery.Status.values
        },
    }


def progress_from(counts) -> Progress:
    """The `Progress` of a `.values()` row or an aggregate (a mapping), or of an object annotated
    with `progress_counts()`."""
    get = counts.__getitem__ if isinstance(counts, Mapping) else lambda name: getattr(counts, name)
    return Progress(**{field.name: get(f"progress_{field.name}") for field in fields(Progress)})


def progress_for(deliveries) -> Progress:
    return progress_from(deliveries.aggregate(**progress_counts()))


def broker_queue_length() -> int:
    """Messages waiting in the broker queue of `send_deliveries`, not yet taken by a worker.

    Messages a worker holds (running, prefetched, or waiting for a retry countdown) are not in the
    queue. Eager mode has no queue: nothing waits. A queue that does not exist yet is empty.
    """
    app = tasks.send_deliveries.app
    if app.conf.task_always_eager:
        return 0
    queue = app.amqp.router.route({}, tasks.send_deliveries.name)["queue"].name
    with app.connection_for_write() as connection:
        try:
            # A passive declare only reads: with Redis it is LLEN of the queue's lists (one per priority).
            return connection.default_channel.queue_declare(queue=queue, passive=True).message_count
        except connection.channel_errors:
            return 0


def distribution_country_rows(distribution: Distribution) -> list[dict]:
    """One row per addressed country: its progress, downloads and acknowledgements (one query)."""
    rows = (
        Delivery.objects.filter(distribution=distribution)
        .values("member_country__name", "member_country__iso2")
        .annotate(
            **progress_counts(),
            downloaded=Count("pk", filter=Q(first_downloaded_at__isnull=False)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        )
        .order_by("member_country__name")
    )
    return [
        {
            "name": row["member_country__name"],
            "iso2": row["member_country__iso2"],
            "progress": progress_from(row),
            "downloaded": row["downloaded"],
            "acknowledged": row["acknowledged"],
        }
        for row in rows
    ]


# The status the delivery report gives a country that had no primary contact to address.
NO_PRIMARY_CONTACT = "no_primary_contact"


def delivery_report_rows(distribution: Distribution) -> Iterator[dict]:
    """Every delivery of the distribution, then every country it could not address (two queries)."""
    deliveries = (
        Delivery.objects.filter(distribution=distribution)
        .select_related("member_country", "contact")
        .order_by("member_country__name", "pk")
    )
    for delivery in deliveries.iterator(chunk_size=2000):
        yield {
            "country_iso2": delivery.member_country.iso2,
            "country": delivery.member_country.name,
            "region": delivery.member_country.get_region_display(),
            "contact": delivery.contact.name,
            "email": delivery.email,
            "language": delivery.language,
            "status": delivery.status,
            "attempts": delivery.attempts,
            "last_error": delivery.last_error,
            "sent_at": delivery.sent_at,
            "first_downloaded_at": delivery.first_downloaded_at,
            "download_count": delivery.download_count,
            "acknowledged_at": delivery.acknowledged_at,
        }
    missing = distribution.countries_without_contact
    regions = {
        country.iso2: country.get_region_display()
        for country in MemberCountry.objects.filter(iso2__in=[country["iso2"] for country in missing])
    }
    for country in missing:
        yield {
            "country_iso2": country["iso2"],
            "country": country["name"],
            "region": regions.get(country["iso2"], ""),
            "contact": "",
            "email": "",
            "language": "",
            "status": NO_PRIMARY_CONTACT,
            "attempts": 0,
            "last_error": "",
            "sent_at": None,
            "first_downloaded_at": None,
            "download_count": 0,
            "acknowledged_at": None,
        }
