"""Writes and workflows of the recommendations app: publishing, distributing, delivering, tracking.

Distribution is an outbox: the `Delivery` rows are the outbox and the truth; the
broker only carries ids. Every step is safe to run twice.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from envcrime.emails import build_templated_email, is_transient_smtp_error
from envcrime.pdf import render_pdf
from meetings.models import Registration
from programmes.models import Contact, MemberCountry
from programmes.roles import user_speaks_for_country

# A cycle: tasks.py calls these services. Importing the module (not its names) lets either side be
# imported first; `tasks.send_delivery` is looked up when enqueueing, long after both are loaded.
from .. import tasks
from ..models import Delivery, DeliveryEvent, Distribution, DownloadEvent, Obstacle, Recommendation
from ..models import RecommendationPackage as Package

logger = logging.getLogger(__name__)

LINK_SALT = "recommendations.package-link"
EMAIL_TEMPLATE_PREFIX = "recommendations/email/package_distributed"
PDF_TEMPLATE = "recommendations/pdf/package.html"
# Exponential backoff doubles per attempt; the cap keeps the whole schedule far below the Redis
# broker's visibility timeout (one hour), after which an unacked message would be redelivered.
MAX_RETRY_COUNTDOWN_SECONDS = 600


class RecommendationsError(Exception):
    """A rule of the workflow was broken; the message is for the user."""


class PackageNotDraft(RecommendationsError):
    pass


class PackageNotPublished(RecommendationsError):
    pass


class PackageIsEmpty(RecommendationsError):
    pass


class PackageVersionOutdated(RecommendationsError):
    pass


# --- Publishing -----------------------------------------------------------------------------------


def _snapshot_content(package: Package) -> dict:
    """The frozen content of a package: what the PDF shows, independent of later edits."""
    visit = package.visit
    obstacles = list(Obstacle.objects.filter(visit=visit).order_by("order", "pk"))
    obstacle_numbers = {obstacle.pk: index for index, obstacle in enumerate(obstacles, start=1)}
    recommendations = Recommendation.objects.filter(visit=visit).prefetch_related("obstacles").order_by("number")
    registrations = (
        Registration.objects.filter(visit=visit, status=Registration.Status.CONFIRMED)
        .select_related("member_country", "organisation")
        .order_by("member_country__name", "organisation__name", "full_name")
    )
    affiliations: dict[str, list[str]] = {}
    for registration in registrations:
        names = affiliations.setdefault(str(registration.affiliation), [])
        # Names appear only with the delegate's consent; the affiliation is always listed.
        if registration.consent_to_participant_list:
            names.append(registration.full_name)
    return {
        "visit": {
            "title": visit.title,
            "slug": visit.slug,
            "venue": visit.venue,
            "city": visit.city,
            "host_country": str(visit.host_country or ""),
            "start_date": visit.start_date.isoformat(),
            "end_date": visit.end_date.isoformat(),
        },
        "participants": [{"affiliation": key, "names": names} for key, names in affiliations.items()],
        "obstacles": [
            {"number": obstacle_numbers[o.pk], "title": o.title, "description": o.description} for o in obstacles
        ],
        "recommendations": [
            {
                "number": r.number,
                "title": r.title,
                "text": r.text,
                "audience": r.audience,
                "priority": r.priority,
                "obstacles": sorted(obstacle_numbers[o.pk] for o in r.obstacles.all() if o.pk in obstacle_numbers),
            }
            for r in recommendations
        ],
    }


def package_document_context(package: Package, content: dict, published_at) -> dict:
    """The frozen content as the PDF and the package pages show it."""
    audiences = dict(Recommendation.Audience.choices)
    priorities = dict(Recommendation.Priority.choices)
    obstacles_by_number = {o["number"]: o for o in content["obstacles"]}
    recommendations = [
        {
            **r,
            "audience_label": audiences.get(r["audience"], r["audience"]),
            "priority_label": priorities.get(r["priority"], r["priority"]),
            "obstacle_items": [obstacles_by_number[n] for n in r["obstacles"] if n in obstacles_by_number],
        }
        for r in content["recommendations"]
    ]
    visit = dict(content["visit"])
    visit["start_date"] = date.fromisoformat(visit["start_date"])
    visit["end_date"] = date.fromisoformat(visit["end_date"])
    return {
        "package": package,
        "visit": visit,
        "published_at": published_at,
        "participants": content["participants"],
        "obstacles": content["obstacles"],
        "recommendations": recommendations,
    }


@transaction.atomic
def package_publish(*, package: Package, by) -> Package:
    """Snapshot the content, render the PDF once, store it with its checksum, freeze the package.

    The published version of the same visit, always a lower one, becomes superseded by this one. A
    draft older than the visit's latest published version is refused: it would replace newer content.
    """
    visit_id = Package.objects.values_list("visit_id", flat=True).get(pk=package.pk)
    # Every version of the visit is locked, so two publications of one visit happen one after the other.
    versions = {
        p.pk: p
        for p in Package.objects.select_for_update(of=("self",))
        .select_related("visit")
        .filter(visit_id=visit_id)
        .order_by("pk")
    }
    package = versions[package.pk]
    if package.status != Package.Status.DRAFT:
        raise PackageNotDraft(_("Only a draft package can be published; this one is already frozen."))
    latest = max((p.version for p in versions.values() if p.is_frozen), default=None)
    if latest is not None and package.version < latest:
        raise PackageVersionOutdated(
            _(
                "Version %(version)d cannot be published: version %(latest)d of this visit is already "
                "published. Make the corrections in a new version instead."
            )
            % {"version": package.version, "latest": latest}
        )
    content = _snapshot_content(package)
    if not content["recommendations"]:
        raise PackageIsEmpty(_("The visit has no recommendations yet: there is nothing to publish."))
    now = timezone.now()
    document = render_pdf(PDF_TEMPLATE, package_document_context(package, content, now))
    package.document.save(package.download_filename, ContentFile(document), save=False)
    # Should the transaction roll back, the file written above is an orphan, not a lie:
    # no row points at it.
    package.content = content
    package.document_sha256 = hashlib.sha256(document).hexdigest()
    package.document_size = len(document)
    package.status = Package.Status.PUBLISHED
    package.published_at = now
    package.published_by = by
    package.save(
        update_fields=[
            "content",
            "document",
            "document_sha256",
            "document_size",
            "status",
            "published_at",
            "published_by",
            "updated_at",
        ]
    )
    superseded = [p for p in versions.values() if p.status == Package.Status.PUBLISHED and p.version < package.version]
    for older in superseded:
        older.status = Package.Status.SUPERSEDED
        older.superseded_by = package
        older.save(update_fields=["status", "superseded_by", "updated_at"])
    return package


@transaction.atomic
def package_new_version(*, package: Package) -> Package:
    """A new draft for the same visit: the way to correct a frozen package."""
    latest = Package.objects.select_for_update().filter(visit_id=package.visit_id).aggregate(v=Max("version"))["v"]
    return Package.objects.create(
        visit_id=package.visit_id,
        version=(latest or 0) + 1,
        title=package.title,
        summary=package.summary,
    )


# --- Personal links ---------------------------------------------------------------------------------


def _link_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LINK_SALT)


def delivery_link_token(delivery_id: int) -> str:
    return _link_signer().sign(str(delivery_id))


def delivery_id_from_token(token: str, *, allow_expired: bool = False) -> int:
    """Raises `signing.SignatureExpired` (a genuine but old link) or `signing.BadSignature` (tampered).

    `allow_expired`: the signature is still checked, only not its age (an expired link may still
    show the way to the package, behind the login).
    """
    max_age = None if allow_expired else timedelta(days=settings.PACKAGE_LINK_MAX_AGE_DAYS)
    value = _link_signer().unsign(token, max_age=max_age)
    try:
        return int(value)
    except ValueError as error:  # only reachable with the secret key: still refuse it
        raise signing.BadSignature("not a delivery id") from error


def delivery_link_url(delivery_id: int) -> str:
    return settings.SITE_URL + reverse("recommendations:link", kwargs={"token": delivery_link_token(delivery_id)})


# --- Distribution -------------------------------------------------------------------------------------


def _addressed_contacts():
    """Every active primary contact of every active member country."""
    return Contact.objects.active_primary().filter(member_country__is_active=True)


def _countries_without_contact() -> list[dict]:
    has_contact = Contact.objects.active_primary().filter(member_country=OuterRef("pk"))
    return list(MemberCountry.objects.active().exclude(Exists(has_contact)).order_by("name").values("iso2", "name"))


@dataclass
class Publishing:
    """Whether the task messages reached the broker: known on commit, after the service returned."""

    broker_unavailable: bool = False


def _publish_deliveries(delivery_ids: list[int], publishing: Publishing) -> None:
    """One task message per delivery, all over one producer: one broker connection, not one per message.

    In eager mode (no broker) `apply_async` runs each task in this process, as `.delay()` would.
    A broker outage must not fail the request that committed the rows: the rows are the outbox
    and the beat sweeper enqueues them again once the broker is back.
    """
    send_delivery = tasks.send_delivery
    try:
        with send_delivery.app.producer_or_acquire() as producer:
            for delivery_id in delivery_ids:
                send_delivery.apply_async((delivery_id,), producer=producer)
    except (OperationalError, ConnectionError, OSError) as error:
        logger.warning("Broker unavailable: %d deliveries stay queued for the sweeper (%s)", len(delivery_ids), error)
        publishing.broker_unavailable = True


# What staff are told when the broker was down: the command and the admin action show the same words.
BROKER_UNAVAILABLE_MESSAGE = gettext_lazy(
    "The task queue is unavailable: the deliveries are queued and will be sent when the queue is back."
)


def _enqueue_deliveries(delivery_ids: list[int]) -> Publishing:
    """Publish on commit, so a worker never looks for a row that is not committed yet."""
    publishing = Publishing()
    if delivery_ids:
        ids = list(delivery_ids)
        transaction.on_commit(lambda: _publish_deliveries(ids, publishing))
    return publishing


def broker_queue_length() -> int:
    """Messages waiting in the broker queue of `send_delivery`, not yet taken by a worker.

    Messages a worker holds (running, prefetched, or waiting for a retry countdown) are not in the
    queue. Eager mode has no queue: nothing waits. A queue that does not exist yet is empty.
    """
    app = tasks.send_delivery.app
    if app.conf.task_always_eager:
        return 0
    queue = app.amqp.router.route({}, tasks.send_delivery.name)["queue"].name
    with app.connection_for_write() as connection:
        try:
            # A passive declare only reads: with Redis it is LLEN of the queue's lists (one per priority).
            return connection.default_channel.queue_declare(queue=queue, passive=True).message_count
        except connection.channel_errors:
            return 0


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


def _mark_finished(distributions, *, now) -> int:
    """Set `finished_at` on those of `distributions` that are not finished and have nothing pending."""
    return distributions.filter(finished_at__isnull=True).exclude(_pending_deliveries()).update(finished_at=now)


def _record_events(delivery_ids: Iterable[int], *, at, from_status: str, to_status: str, note: str, by=None) -> None:
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
        (_addressed_contacts() if addressed is None else addressed)
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
        return DistributionStart(latest, 0, len(requeued), _enqueue_deliveries(requeued))

    distribution = Distribution.objects.create(
        package=package,
        started_by=started_by,
        started_at=now,
        countries_without_contact=_countries_without_contact(),
        finished_at=None if contacts else now,
    )
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                distribution=distribution,
                package=package,
                contact_id=contact_id,
                member_country_id=country_id,
                email=email,
                language=language,
                queued_at=now,
            )
            for contact_id, country_id, email, language in contacts
        ],
        batch_size=1000,
    )
    publishing = _enqueue_deliveries([d.pk for d in deliveries] + requeued)
    return DistributionStart(distribution, len(deliveries), len(requeued), publishing)


def distribution_mark_finished_if_done(*, distribution_id: int) -> bool:
    """Set `finished_at` once no delivery is queued or sending: counted from rows, never from the broker.

    One statement: run after the caller's own change is committed, the last finisher always sees
    every other finisher's commit, so some call sets it.
    """
    return bool(_mark_finished(Distribution.objects.filter(pk=distribution_id), now=timezone.now()))


# --- Sending one delivery -------------------------------------------------------------------------


class TransientDeliveryError(Exception):
    """The relay said "try later": the task retries with backoff."""


@dataclass(frozen=True)
class SendOutcome:
    # "skipped" (another copy claimed the row first), "sent", "retry", "failed", or "overtaken" (the
    # attempt failed, but the sweeper had meanwhile handed the row to another claim, which decides).
    status: str
    countdown: int | None = None


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def delivery_claim(*, delivery_id: int) -> datetime | None:
    """queued → sending, as one conditional UPDATE: of two copies of a task message only one wins.

    Returns the time of the claim (None when another copy won): it names this claim, since the
    sweeper may hand a row claimed too long ago to another one.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, next_attempt_at=None
    )
    return now if claimed else None


def _still_claimed(delivery_id: int, claimed_at: datetime):
    """The row, if this claim still owns it."""
    return Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING, claimed_at=claimed_at)


def delivery_send(*, delivery_id: int, open_connection: Callable) -> SendOutcome:
    """Claim the row, send one email, record the outcome. Constant queries.

    `open_connection()` returns an open email backend (a worker reuses one across tasks); it is
    called after the claim, so an unreachable relay counts as an attempt like any other failure.

    Deliberately not one transaction: the claim must be committed before talking to the relay, so
    a crash mid-send leaves a `sending` row the sweeper can see; no lock is held while waiting on SMTP.
    """
    claimed_at = delivery_claim(delivery_id=delivery_id)
    if claimed_at is None:
        return SendOutcome("skipped")
    delivery = Delivery.objects.select_related("package__visit", "contact").get(pk=delivery_id)
    try:
        message = build_templated_email(
            to=[delivery.email],
            template_prefix=EMAIL_TEMPLATE_PREFIX,
            context={
                "delivery": delivery,
                "package": delivery.package,
                "visit": delivery.package.visit,
                "contact": delivery.contact,
                "link": delivery_link_url(delivery.pk),
                "link_max_age_days": settings.PACKAGE_LINK_MAX_AGE_DAYS,
            },
            language=delivery.language,
            connection=open_connection(),
        )
        message.send(fail_silently=False)
    except Exception as error:
        if is_transient_smtp_error(error):
            outcome = delivery_defer(delivery=delivery, claimed_at=claimed_at, error=error)
        else:
            logger.exception("delivery %s failed permanently", delivery_id)
            outcome = delivery_fail(delivery=delivery, claimed_at=claimed_at, error=error)
        if outcome.status == "failed":
            distribution_mark_finished_if_done(distribution_id=delivery.distribution_id)
        return outcome
    # The message has left, so the row is sent, whichever claim owns it now. Had the sweeper handed
    # it to another claim meanwhile (this send outlasted the stale threshold), limiting the update to
    # our claim would leave a delivered email recorded as queued or sending: sent again, or reported
    # failed should the other attempt fail. The other claim's own outcome then changes nothing: a
    # failure only applies to a row still `sending` under its claim, a success only to a row not sent.
    now = timezone.now()
    Delivery.objects.filter(pk=delivery_id).exclude(status=Delivery.Status.SENT).update(
        status=Delivery.Status.SENT, sent_at=now, last_error="", next_attempt_at=None
    )
    distribution_mark_finished_if_done(distribution_id=delivery.distribution_id)
    return SendOutcome("sent")


def retry_countdown(attempts: int) -> int:
    base = settings.DELIVERY_RETRY_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), MAX_RETRY_COUNTDOWN_SECONDS)


@transaction.atomic
def delivery_defer(*, delivery: Delivery, claimed_at: datetime, error: BaseException) -> SendOutcome:
    """A transient failure: back to queued with a time for the next attempt, or failed when out of attempts.

    Only while the row is still this claim's (`claimed_at`); otherwise the claim that owns it now
    decides ("overtaken": no retry of this task).
    """
    if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        return delivery_fail(delivery=delivery, claimed_at=claimed_at, error=error)
    countdown = retry_countdown(delivery.attempts)
    deferred = _still_claimed(delivery.pk, claimed_at).update(
        status=Delivery.Status.QUEUED,
        next_attempt_at=timezone.now() + timedelta(seconds=countdown),
        last_error=_describe(error),
    )
    if not deferred:
        return SendOutcome("overtaken")
    _record_events(
        [delivery.pk],
        at=timezone.now(),
        from_status=Delivery.Status.SENDING,
        to_status=Delivery.Status.QUEUED,
        note=_("Attempt %(attempt)d failed, retrying in %(seconds)d s: %(error)s")
        % {"attempt": delivery.attempts, "seconds": countdown, "error": _describe(error)},
    )
    return SendOutcome("retry", countdown)


@transaction.atomic
def delivery_fail(*, delivery: Delivery, claimed_at: datetime, error: BaseException) -> SendOutcome:
    """A permanent failure (or the last attempt): only while the row is still this claim's."""
    failed = _still_claimed(delivery.pk, claimed_at).update(
        status=Delivery.Status.FAILED, last_error=_describe(error), next_attempt_at=None
    )
    if not failed:
        return SendOutcome("overtaken")
    _record_events(
        [delivery.pk],
        at=timezone.now(),
        from_status=Delivery.Status.SENDING,
        to_status=Delivery.Status.FAILED,
        note=_("Attempt %(attempt)d failed: %(error)s") % {"attempt": delivery.attempts, "error": _describe(error)},
    )
    return SendOutcome("failed")


# --- Recovery ------------------------------------------------------------------------------------


@transaction.atomic
def deliveries_retry_failed(*, distribution: Distribution, by) -> int:
    """Staff asked to try the failed deliveries again: only those, each recorded with who asked."""
    failed = list(
        Delivery.objects.select_for_update()
        .filter(distribution=distribution, status=Delivery.Status.FAILED)
        .values_list("pk", flat=True)
    )
    if not failed:
        return 0
    now = timezone.now()
    Delivery.objects.filter(pk__in=failed).update(
        status=Delivery.Status.QUEUED, attempts=0, queued_at=now, next_attempt_at=None, claimed_at=None
    )
    _record_events(
        failed,
        at=now,
        from_status=Delivery.Status.FAILED,
        to_status=Delivery.Status.QUEUED,
        by=by,
        note=_("Retry requested by staff"),
    )
    Distribution.objects.filter(pk=distribution.pk).update(finished_at=None)
    _enqueue_deliveries(failed)
    return len(failed)


@dataclass(frozen=True)
class SweepResult:
    reset: int
    requeued: int
    finished: int


@transaction.atomic
def deliveries_sweep(*, now=None) -> SweepResult:
    """Re-enqueue what a lost message or a killed worker left behind (run by Celery beat).

    `sending` rows claimed longer ago than the stale threshold belong to a dead worker: back to
    queued and enqueued again. A `queued` row whose due time passed the threshold may have lost its
    message, or may simply wait behind thousands of others: the row cannot tell. The broker can:
    while `send_delivery`'s queue holds messages the workers are still draining it, and each row's
    message will come; once it is empty, a stale queued row has no message left (or one a worker has
    just taken, which its claim makes harmless), so it is enqueued again. Its due time moves to now,
    so a row is re-enqueued at most once per threshold even while no worker runs. A re-enqueued row
    whose email had left before the crash is the one possible duplicate: at most one per task in flight.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.DELIVERY_STALE_AFTER_SECONDS)
    backlog = broker_queue_length()  # before taking any lock: a round trip to the broker
    stuck = list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(status=Delivery.Status.SENDING, claimed_at__lt=stale)
        .values_list("pk", flat=True)
    )
    if stuck:
        Delivery.objects.filter(pk__in=stuck, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.QUEUED, next_attempt_at=now
        )
        _record_events(
            stuck,
            at=now,
            from_status=Delivery.Status.SENDING,
            to_status=Delivery.Status.QUEUED,
            note=_("Claimed too long ago: reset by the sweeper"),
        )
    overdue = []
    if not backlog:
        overdue = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .annotate(due_at=Coalesce("next_attempt_at", "queued_at"))
            .filter(status=Delivery.Status.QUEUED, due_at__lt=stale)
            .values_list("pk", flat=True)
        )
    if overdue:
        Delivery.objects.filter(pk__in=overdue).update(next_attempt_at=now)
    _enqueue_deliveries(stuck + overdue)
    finished = _mark_finished(Distribution.objects.all(), now=now)
    return SweepResult(len(stuck), len(overdue), finished)


# --- Progress and reports -------------------------------------------------------------------------


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


# --- The liaison's side ---------------------------------------------------------------------------


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
