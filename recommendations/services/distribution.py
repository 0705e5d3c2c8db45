"""Distribution is an outbox: the `Delivery` rows are the outbox and the truth; the broker only
carries ids. Every step is safe to run twice."""

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from programmes.models import Contact, MemberCountry

from ..models import Delivery, DeliveryEvent, Distribution
from ..models import RecommendationPackage as Package
from .errors import PackageNotPublished

logger = logging.getLogger(__name__)


def _countries_without_contact() -> list[dict]:
    has_contact = Contact.objects.active_primary().filter(member_country=OuterRef("pk"))
    return list(MemberCountry.objects.active().exclude(Exists(has_contact)).order_by("name").values("iso2", "name"))


@dataclass
class Publishing:
    """Whether the task messages reached the broker: known on commit, after the service returned."""

    broker_unavailable: bool = False


def publish_task_messages(task, ids: list[int], *, rows: str, batch_size: int | None = None) -> bool:
    """One message of `task` per id (or per batch of `batch_size` ids, passed as a list), all over one
    producer: one broker connection, not one per message.

    In eager mode (no broker) `apply_async` runs each task in this process, as `.delay()` would.
    A broker outage must not fail the request that committed the rows: the rows are the outbox
    and the beat sweeper enqueues them again once the broker is back. False when the broker was down.
    """
    try:
        with task.app.producer_or_acquire() as producer:
            if batch_size is None:
                for pk in ids:
                    task.apply_async((pk,), producer=producer)
            else:
                for start in range(0, len(ids), batch_size):
                    task.apply_async((ids[start : start + batch_size],), producer=producer)
    except (OperationalError, ConnectionError, OSError) as error:
        logger.warning("Broker unavailable: %d %s stay queued for the sweeper (%s)", len(ids), rows, error)
        return False
    return True


def delivery_batch_size(count: int) -> int:
    """Deliveries per task message when `count` are enqueued together.

    At least DELIVERY_BATCH_SIZE (ten): Celery's own cost per message (receiving, acknowledging, the
    pool's round trip) and the batch's claim are then paid once per ten emails or more, while a killed
    worker still holds few rows. Up to DELIVERY_BATCH_SIZE_MAX (25) so that a distribution makes at least
    DELIVERY_PARALLEL_MESSAGES messages (8): 190 deliveries go out as 8 messages of 24 rather than 19 of
    10 (each pool process of a 4-process worker takes two), which measured 0.31 -> 0.25 s for 190
    contacts (medians of 4); fewer, larger messages left a process idle while another finished.
    """
    spread = math.ceil(count / settings.DELIVERY_PARALLEL_MESSAGES)
    return max(settings.DELIVERY_BATCH_SIZE, min(spread, settings.DELIVERY_BATCH_SIZE_MAX))


def _publish_deliveries(delivery_ids: list[int], publishing: Publishing) -> None:
    # Imported here: the task module imports the services inside its tasks, never at module level.
    from ..tasks import send_deliveries

    batch_size = delivery_batch_size(len(delivery_ids))
    if not publish_task_messages(send_deliveries, delivery_ids, rows="deliveries", batch_size=batch_size):
        publishing.broker_unavailable = True


# What staff are told when the broker was down: the command and the admin action show the same words.
BROKER_UNAVAILABLE_MESSAGE = gettext_lazy(
    "The task queue is unavailable: the deliveries are queued and will be sent when the queue is back."
)


def deliveries_enqueue(delivery_ids: list[int]) -> Publishing:
    """Publish on commit, so a worker never looks for a row that is not committed yet."""
    publishing = Publishing()
    if delivery_ids:
        ids = list(delivery_ids)
        transaction.on_commit(lambda: _publish_deliveries(ids, publishing))
    return publishing


def _due_for_sending(now):
    """Queued rows whose retry time (if any) has come."""
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def _pending_deliveries():
    """For a distribution (the outer row): some delivery is still queued or sending."""
    return Exists(
        Delivery.objects.filter(
            distribution_id=OuterRef("pk"), status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
        )
    )


def distributions_mark_finished(distributions, *, now) -> int:
    """Set `finished_at` on those of `distributions` that are not finished and have nothing pending."""
    return distributions.filter(finished_at__isnull=True).exclude(_pending_deliveries()).update(finished_at=now)


def delivery_events_record(
    delivery_ids: Iterable[int], *, at, from_status: str, to_status: str, note: str, by=None
) -> None:
    DeliveryEvent.objects.bulk_create(
        [
            # The note may quote an SMTP error of any length: the column keeps 500 characters.
            DeliveryEvent(delivery_id=pk, at=at, from_status=from_status, to_status=to_status, by=by, note=note[:500])
            for pk in delivery_ids
        ]
    )


@dataclass(frozen=True)
class DistributionStart:
    distribution: Distribution
    created: int
    requeued: int
    publishing: Publishing = field(default_factory=Publishing)

    @property
    def broker_unavailable(self) -> bool:
        """The rows are committed but their messages did not reach the broker: the sweeper sends them later."""
        return self.publishing.broker_unavailable


@transaction.atomic
def distribution_start(*, package: Package, started_by=None, addressed=None) -> DistributionStart:
    """Start (or resume) distributing a published package.

    Contacts that already have a delivery of this package are never addressed again: distributing
    again reaches only contacts added since. Queued deliveries of earlier runs whose retry time has
    come are enqueued again (resuming), which is harmless because a delivery task claims its row
    before sending; one waiting out a retry backoff keeps its wait (its task message is scheduled).
    `addressed` replaces the default contact queryset (the benchmark addresses 10,000 contacts).
    """
    package = Package.objects.select_for_update().get(pk=package.pk)
    if package.status != Package.Status.PUBLISHED:
        raise PackageNotPublished(_("Only the published version of a package can be distributed."))
    already = Delivery.objects.filter(package=package, contact=OuterRef("pk"))
    contacts = list(
        (Contact.objects.addressed() if addressed is None else addressed)
        .exclude(Exists(already))
        .values_list("pk", "member_country_id", "email", "preferred_language")
    )
    now = timezone.now()
    requeued = list(
        Delivery.objects.filter(_due_for_sending(now), package=package, status=Delivery.Status.QUEUED).values_list(
            "pk", flat=True
        )
    )
    latest = package.distributions.order_by("-started_at", "-pk").first()
    if not contacts and latest is not None:
        return DistributionStart(latest, 0, len(requeued), deliveries_enqueue(requeued))

    distribution = Distribution.objects.create(
        package=package,
        started_by=started_by,
        started_at=now,
        countries_without_contact=_countries_without_contact(),
        finished_at=None if contacts else now,
    )
    delivery_ids = _deliveries_insert(Delivery(distribution=distribution, package=package, queued_at=now), contacts)
    publishing = deliveries_enqueue(delivery_ids + requeued)
    return DistributionStart(distribution, len(delivery_ids), len(requeued), publishing)


# The columns that differ from one delivery to the next, in the order of `contacts` rows.
_PER_CONTACT = ("contact", "member_country", "email", "language")


def _deliveries_insert(template: Delivery, contacts: list[tuple]) -> list[int]:
    """Insert one delivery per (contact id, country id, email, language) row, every other column as in
    `template`; the new ids.

    On PostgreSQL one `INSERT … SELECT … FROM unnest(…)`: the rows' values go as four arrays, so no model
    object is built and no value compiled per field and row. Those were half of a 190-contact start (about
    25 of 50 ms, before any task message could leave). Elsewhere (SQLite: `make run`), `bulk_create`.
    """
    if connection.vendor != "postgresql":
        shared = {field.attname: getattr(template, field.attname) for field in Delivery._meta.concrete_fields}
        shared.pop(Delivery._meta.pk.attname)
        per_contact = ("contact_id", "member_country_id", "email", "language")
        rows = [Delivery(**(shared | dict(zip(per_contact, row, strict=True)))) for row in contacts]
        return [delivery.pk for delivery in Delivery.objects.bulk_create(rows, batch_size=1000)]
    sql, constants = _insert_sql()
    # In the statement's order: the shared values (in the SELECT list), then the four arrays.
    params = [field.get_db_prep_save(getattr(template, field.attname), connection) for field in constants]
    params += [list(column) for column in zip(*contacts, strict=True)] or [[] for _ in _PER_CONTACT]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def _base_type(field) -> str:
    return re.sub(r"\(.*\)", "", field.db_type(connection))


def _insert_sql() -> tuple[str, list]:
    meta = Delivery._meta
    quote = connection.ops.quote_name
    per_contact = [meta.get_field(name) for name in _PER_CONTACT]
    constants = [field for field in meta.concrete_fields if not field.primary_key and field not in per_contact]
    columns = ", ".join(quote(field.column) for field in per_contact + constants)
    # Cast to the base types ("varchar", not "varchar(254)"): an explicit cast to a length truncates
    # silently, where the INSERT's own assignment refuses a value too long, as bulk_create's would.
    arrays = ", ".join(f"CAST(%s AS {_base_type(field)}[])" for field in per_contact)
    values = ", ".join(f"CAST(%s AS {_base_type(field)})" for field in constants)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT rows.*, {values} FROM unnest({arrays}) AS rows "
        f"RETURNING {quote(meta.pk.column)}"
    )
    return sql, constants
