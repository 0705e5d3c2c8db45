"""Sending deliveries: claim a batch of rows, send each, record each outcome; retries with backoff.

A task message carries a batch of ten to 25 delivery ids (`delivery_batch_size`). The task claims
them in one `UPDATE … RETURNING` that also loads what the email needs, renders and serializes the
email once per language and package (the recipient's address, name and personal link, the date and
a Message-ID are filled into those bytes per message: `PreparedMessage`), then for
each row: send, and commit `sent` before the next message leaves. So a worker killed mid-batch has
at most one message in flight whose row is not marked sent: the one possible duplicate, as with one
delivery per task. The batch's other claimed rows were never sent: the sweeper hands them back to
the queue once their claim is stale. Whether the distribution is finished is checked once per batch.
"""

import json
import logging
import re
import secrets
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formatdate
from enum import StrEnum
from functools import lru_cache
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import forbid_multi_line_headers, make_msgid, sanitize_address
from django.core.mail.utils import DNS_NAME
from django.db import connection, transaction
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from envcrime.emails import build_templated_email, is_transient_smtp_error
from programmes.models import Language

from ..models import Delivery
from .distribution import delivery_events_record
from .links import delivery_link_token

logger = logging.getLogger(__name__)

EMAIL_TEMPLATE_PREFIX = "recommendations/email/package_distributed"
# Exponential backoff doubles per attempt; the cap keeps the whole schedule far below the Redis
# broker's visibility timeout (one hour), after which an unacked message would be redelivered.
MAX_RETRY_COUNTDOWN_SECONDS = 600


class Outcome(StrEnum):
    SKIPPED = "skipped"  # another copy of the task message claimed the row first
    SENT = "sent"
    RETRY = "retry"  # a transient failure: the task retries after `countdown`
    FAILED = "failed"
    # The attempt failed, but the sweeper had meanwhile handed the row to another claim, which decides.
    OVERTAKEN = "overtaken"
    # Not attempted: the batch ran out of time before this row and gave its claim back (re-enqueue it).
    RELEASED = "released"


@dataclass(frozen=True)
class SendOutcome:
    status: Outcome
    countdown: int | None = None


def describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


@dataclass(frozen=True)
class ClaimedDelivery:
    """What sending one delivery needs, returned by the claim itself (no second query per row)."""

    pk: int
    distribution_id: int
    package_id: int
    email: str
    language: str
    attempts: int
    contact_name: str


_CLAIM_SQL = """
UPDATE recommendations_delivery AS d
   SET status = %s, claimed_at = %s, attempts = d.attempts + 1, next_attempt_at = NULL
  FROM programmes_contact AS c
 WHERE d.id = ANY(%s) AND d.status = %s AND c.id = d.contact_id
RETURNING d.id, d.distribution_id, d.package_id, d.email, d.language, d.attempts, c.name
"""

# The message has left, so the row is sent, whichever claim owns it now. Had the sweeper handed it
# to another claim meanwhile (this send outlasted the stale threshold), limiting the update to our
# claim would leave a delivered email recorded as queued or sending: sent again, or reported failed
# should the other attempt fail. The other claim's own outcome then changes nothing: a failure only
# applies to a row still `sending` under its claim, a success only to a row not sent.
# Committed without waiting for the WAL flush (this statement only, in the same round trip): other
# sessions see `sent` at once and a killed worker loses nothing, so the duplicate window stays one
# message; only a crash of PostgreSQL itself could lose the last fraction of a second of `sent` marks,
# whose rows the sweeper would then send again. On the loaded 2-core machine the flush was half of a
# delivery's time in the worker (11.2 -> 5.8 ms per delivery in one process, medians of 4).
_MARK_SENT_SQL = """
SET LOCAL synchronous_commit TO OFF;
UPDATE recommendations_delivery
   SET status = %s, sent_at = %s, last_error = '', next_attempt_at = NULL
 WHERE id = %s AND status <> %s
"""

_RELEASE_SQL = """
UPDATE recommendations_delivery
   SET status = %s, attempts = attempts - 1
 WHERE id = ANY(%s) AND status = %s AND claimed_at = %s
"""


# `distributions_mark_finished` for the distributions of a batch, in raw SQL for the same reason.
_FINISH_SQL = """
UPDATE recommendations_distribution AS dist
   SET finished_at = %s
 WHERE dist.id = ANY(%s) AND dist.finished_at IS NULL
   AND NOT EXISTS (
       SELECT 1 FROM recommendations_delivery AS d WHERE d.distribution_id = dist.id AND d.status = ANY(%s)
   )
"""


def deliveries_claim(*, delivery_ids: Iterable[int], claimed_at: datetime) -> list[ClaimedDelivery]:
    """queued → sending for every row of `delivery_ids` still queued, as one conditional UPDATE: of
    two copies of a task message only one claims a row. Raw SQL: it runs for every batch, and the
    ORM cannot return the contact's name from an UPDATE.

    `claimed_at` names this claim, since the sweeper may hand a row claimed too long ago to another one.
    """
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [Delivery.Status.SENDING, claimed_at, list(delivery_ids), Delivery.Status.QUEUED])
        rows = [ClaimedDelivery(*row) for row in cursor.fetchall()]
    return sorted(rows, key=lambda row: row.pk)


def _mark_sent(delivery_id: int, now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SENT_SQL, [Delivery.Status.SENT, now, delivery_id, Delivery.Status.SENT])


def _mark_finished(distribution_ids: set[int], now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_FINISH_SQL, [now, list(distribution_ids), [Delivery.Status.QUEUED, Delivery.Status.SENDING]])


def _release(rows: list[ClaimedDelivery], claimed_at: datetime) -> None:
    """Give back claims not attempted (attempts restored), while they are still ours."""
    with connection.cursor() as cursor:
        cursor.execute(
            _RELEASE_SQL, [Delivery.Status.QUEUED, [row.pk for row in rows], Delivery.Status.SENDING, claimed_at]
        )


# --- The email, rendered once per package and language ------------------------------------------

# Stand-ins for the per-recipient parts: rendered through the templates like any value (they survive
# translation and HTML escaping unchanged), then replaced in the rendered text per recipient.
_NAME = "\ue000name\ue001"
_LINK = "\ue000link\ue001"


@dataclass(frozen=True)
class PackageFacts:
    """The package's fields the email shows (not its content JSON), with its visit's, in every language:
    `titles`, `visit_titles` and `checksums` are ((language, text), ...) pairs (hashable, for the cache)."""

    titles: tuple
    version: int
    checksums: tuple
    visit_titles: tuple
    visit_start_date: object
    visit_end_date: object

    def in_language(self, language: str) -> tuple[str, str, str]:
        """Title, document checksum and visit title as a reader of `language` gets them: the package's
        translation where it exists (the link serves that language's document), else English."""
        checksums = dict(self.checksums)
        if language not in checksums:
            language = Language.ENGLISH
        titles, visit_titles = dict(self.titles), dict(self.visit_titles)
        return (
            titles.get(language) or titles[Language.ENGLISH],
            checksums[language],
            visit_titles.get(language) or visit_titles[Language.ENGLISH],
        )


LANGUAGE_CODES = tuple(Language.values)


# Raw SQL, as the claim: it runs for every batch, and through the ORM (with modeltranslation's values
# iterable) building this query cost more CPU in the worker than sending a message (1.1 ms per batch).
# The title columns are modeltranslation's, one per language; only the snapshot's small `documents`
# key is read from the content JSON (one checksum per language).
_FACTS_SQL = f"""
SELECT p.id, p.version, p.document_sha256, (p.content -> 'documents')::text, v.start_date, v.end_date,
       {", ".join(f"p.title_{code}" for code in LANGUAGE_CODES)},
       {", ".join(f"v.title_{code}" for code in LANGUAGE_CODES)}
  FROM recommendations_recommendationpackage AS p
  JOIN meetings_visit AS v ON v.id = p.visit_id
 WHERE p.id = ANY(%s)
"""


def _package_facts(package_ids: set[int]) -> dict[int, PackageFacts]:
    with connection.cursor() as cursor:
        cursor.execute(_FACTS_SQL, [list(package_ids)])
        rows = cursor.fetchall()
    facts = {}
    for pk, version, english_sha256, documents, start, end, *texts in rows:
        titles, visit_titles = texts[: len(LANGUAGE_CODES)], texts[len(LANGUAGE_CODES) :]
        checksums = {code: document["sha256"] for code, document in (json.loads(documents or "null") or {}).items()}
        checksums.setdefault(Language.ENGLISH, english_sha256)  # a package frozen before the translations
        facts[pk] = PackageFacts(
            titles=tuple(zip(LANGUAGE_CODES, titles, strict=True)),
            version=version,
            checksums=tuple(sorted(checksums.items())),
            visit_titles=tuple(zip(LANGUAGE_CODES, visit_titles, strict=True)),
            visit_start_date=start,
            visit_end_date=end,
        )
    return facts


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None

    def message(self, *, to: str, name: str, link: str, connection) -> EmailMultiAlternatives:
        text = self.text.replace(_LINK, link).replace(_NAME, name)
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            connection=connection,
        )
        if self.html:
            message.attach_alternative(self.html.replace(_LINK, escape(link)).replace(_NAME, escape(name)), "text/html")
        return message


@lru_cache(maxsize=64)
def _rendered(facts: PackageFacts, language: str, link_max_age_days: int, site_url: str) -> RenderedEmail:
    """Keyed by everything the templates read, so a changed fact renders anew. The templates get only
    these: a new per-recipient field in them needs a stand-in here."""
    title, document_sha256, visit_title = facts.in_language(language)
    context = {
        "package": SimpleNamespace(title=title, version=facts.version, document_sha256=document_sha256),
        "visit": SimpleNamespace(title=visit_title, start_date=facts.visit_start_date, end_date=facts.visit_end_date),
        "contact": SimpleNamespace(name=_NAME),
        "link": _LINK,
        "link_max_age_days": link_max_age_days,
        "SITE_URL": site_url,
    }
    message = build_templated_email(to=[], template_prefix=EMAIL_TEMPLATE_PREFIX, context=context, language=language)
    html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), None)
    return RenderedEmail(message.subject, message.body, html)


# A token is made of URL-safe characters (digits, letters, ":", "-", "_"), which `reverse` leaves as they
# are: the link's URL is reversed once, around a placeholder, rather than per message (a third of a
# message's preparation in the worker).
_TOKEN = "token-placeholder"


@lru_cache(maxsize=8)
def _link_template(site_url: str, script_prefix: str, urlconf) -> str:
    return site_url + reverse("recommendations:link", kwargs={"token": _TOKEN})


def _link_url(delivery_id: int) -> str:
    """`links.delivery_link_url(delivery_id)`."""
    template = _link_template(settings.SITE_URL, get_script_prefix(), get_urlconf())
    return template.replace(_TOKEN, delivery_link_token(delivery_id))


def delivery_email(row: ClaimedDelivery, facts: PackageFacts, *, connection=None) -> EmailMultiAlternatives:
    """The email of one claimed delivery, from the rendering shared by its package and language."""
    rendered = _rendered(facts, row.language, settings.PACKAGE_LINK_MAX_AGE_DAYS, settings.SITE_URL)
    return rendered.message(to=row.email, name=row.contact_name, link=_link_url(row.pk), connection=connection)


# --- The message bytes, built once per package and language --------------------------------------

# Each slot of a prepared message: what fills it for one recipient. `tcte`/`hcte` are the parts'
# Content-Transfer-Encoding, which Python's email package sets to 7bit for an ASCII part, 8bit otherwise.
_SLOTS = ("to", "date", "msgid", "tname", "tlink", "hname", "hlink", "tcte", "hcte")
# RFC 5322's limit: Django quoted-printable encodes a part with a longer line (and we then build the
# message the normal way); headers longer than a line would be folded (also the normal way then).
_LINE_LIMIT = 998
_HEADER_LINE = 78
# An ASCII dot-atom address with a plain domain (the usual one): Django's address sanitizing and the To
# header give it back unchanged, so its email parser, which cost half a message's preparation, is skipped.
_SIMPLE_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
)


@dataclass(frozen=True)
class PreparedMessage:
    """A distribution email serialized once, with slots for the per-recipient parts.

    Filling the slots gives the bytes Django's SMTP backend would send for that recipient: same headers
    in the same order (To, Date and a new Message-ID per message), the same text and HTML parts. Only
    the MIME boundary is shared by the messages of one package and language (Django draws a new one per
    message; any boundary absent from the content is as good). Recipients whose parts would change the
    message's structure (a name with a line break, a line too long, a non-ASCII or long address, a name
    containing the boundary) get the message built the normal way.
    """

    segments: tuple[bytes, ...]  # static bytes around the slots: len(slots) + 1
    slots: tuple[str, ...]
    boundary: str
    text_ascii: bool  # the text part is ASCII apart from the recipient's parts
    html_ascii: bool
    sender: str  # the envelope sender, as Django's backend sanitizes it

    def fill(self, *, to: str, name: str, link: str) -> tuple[str, bytes] | None:
        """(envelope recipient, message bytes), or None when this recipient needs the normal path."""
        if "\r" in name or "\n" in name or "\r" in link or "\n" in link or self.boundary in name:
            return None
        if _SIMPLE_ADDRESS.fullmatch(to):
            recipient = to_header = to
        else:
            recipient = sanitize_address(to, settings.DEFAULT_CHARSET)
            to_header = forbid_multi_line_headers("To", to, settings.DEFAULT_CHARSET)[1]
        msgid = make_msgid(domain=DNS_NAME)
        if (
            not to_header.isascii()
            or any(char.isspace() for char in to_header)
            or len(to_header) + 4 > _HEADER_LINE
            or len(msgid) + 12 > _HEADER_LINE
        ):
            return None
        ascii_parts = name.isascii() and link.isascii()
        values = {
            "to": to_header,
            "date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            "msgid": msgid,
            "tname": name,
            "tlink": link,
            "hname": escape(name),
            "hlink": escape(link),
            "tcte": "7bit" if self.text_ascii and ascii_parts else "8bit",
            "hcte": "7bit" if self.html_ascii and ascii_parts else "8bit",
        }
        out = [self.segments[0]]
        for slot, segment in zip(self.slots, self.segments[1:], strict=True):
            out.append(values[slot].encode())
            out.append(segment)
        data = b"".join(out)
        if max(map(len, data.split(b"\r\n"))) > _LINE_LIMIT:
            return None
        return recipient, data


def _prepare(rendered: RenderedEmail) -> PreparedMessage | None:
    """The message of `rendered` with a token in each slot, serialized as the SMTP backend does, then
    cut at the tokens. None when the content itself needs an encoding (a line too long: quoted-printable)."""
    if rendered.html is None:
        return None
    tokens = {slot: f"slot{secrets.token_hex(8)}{slot}" for slot in _SLOTS}
    text = rendered.text.replace(_LINK, tokens["tlink"]).replace(_NAME, tokens["tname"])
    html = rendered.html.replace(_LINK, tokens["hlink"]).replace(_NAME, tokens["hname"])
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{tokens['to']}@example.invalid"],
        headers={"Date": tokens["date"], "Message-ID": tokens["msgid"]},
    )
    email.attach_alternative(html, "text/html")
    message = email.message()
    text_part, html_part = message.get_payload()
    for part, slot in ((text_part, "tcte"), (html_part, "hcte")):
        if part["Content-Transfer-Encoding"] not in ("7bit", "8bit"):
            return None
        part.replace_header("Content-Transfer-Encoding", tokens[slot])
    data = message.as_bytes(linesep="\r\n").replace(f"{tokens['to']}@example.invalid".encode(), tokens["to"].encode())
    pieces = re.split(rb"(slot[0-9a-f]{16}[a-z]+)", data)
    by_token = {token.encode(): slot for slot, token in tokens.items()}
    slots = tuple(by_token[token] for token in pieces[1::2])
    expected = {"to": 1, "date": 1, "msgid": 1, "tcte": 1, "hcte": 1}
    expected |= {slot: rendered.text.count(_NAME if slot == "tname" else _LINK) for slot in ("tname", "tlink")}
    expected |= {slot: rendered.html.count(_NAME if slot == "hname" else _LINK) for slot in ("hname", "hlink")}
    if any(slots.count(slot) != count for slot, count in expected.items()):
        return None  # a token was encoded or folded away: not a message we can fill
    return PreparedMessage(
        segments=tuple(pieces[0::2]),
        slots=slots,
        boundary=message.get_boundary(),
        text_ascii=text.isascii(),
        html_ascii=html.isascii(),
        sender=sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET),
    )


@lru_cache(maxsize=64)
def _prepared(facts: PackageFacts, language: str, link_max_age_days: int, site_url: str) -> PreparedMessage | None:
    return _prepare(_rendered(facts, language, link_max_age_days, site_url))


def delivery_message_bytes(row: ClaimedDelivery, facts: PackageFacts) -> tuple[str, str, bytes] | None:
    """(envelope sender, recipient, bytes) of one claimed delivery's email from its package and
    language's prepared message, or None when it must be built the normal way (`delivery_email`)."""
    prepared = _prepared(facts, row.language, settings.PACKAGE_LINK_MAX_AGE_DAYS, settings.SITE_URL)
    if prepared is None:
        return None
    filled = prepared.fill(to=row.email, name=row.contact_name, link=_link_url(row.pk))
    if filled is None:
        return None
    return prepared.sender, *filled


def delivery_email_warm() -> None:
    """Load the email's templates, every language's catalog and the URL resolver in this process:
    run in the worker's main process before the pool forks, so no child pays for them on its first task."""
    from datetime import date

    texts = tuple((code, "") for code in LANGUAGE_CODES)
    facts = PackageFacts(texts, 1, texts, texts, date.today(), date.today())
    for language, _name in settings.LANGUAGES:
        _prepared(facts, language, settings.PACKAGE_LINK_MAX_AGE_DAYS, settings.SITE_URL)
    _link_url(0)
    _prepared.cache_clear()
    _rendered.cache_clear()


# --- Sending --------------------------------------------------------------------------------------


def deliveries_send(
    *, delivery_ids: list[int], open_connection: Callable, drop_connection: Callable | None = None
) -> dict[int, SendOutcome]:
    """Claim the rows, send one email per row, record each outcome. Constant queries per batch plus
    one per delivery (its `sent`).

    `open_connection()` returns an open email backend (a worker reuses one across tasks); it is
    called after the claim, so an unreachable relay counts as an attempt like any other failure.
    `drop_connection()` is called after a failed send: the SMTP session may be in any state.

    Deliberately not one transaction: the claim must be committed before talking to the relay, so a
    crash mid-send leaves `sending` rows the sweeper can see; each `sent` is committed before the next
    message leaves, so a crash duplicates at most the one message in flight; no lock is held while
    waiting on SMTP. A batch that has run for half the stale threshold gives back the claims it has
    not attempted (outcome RELEASED): the sweeper never hands a row this batch may still send to another.
    """
    claimed_at = timezone.now()
    outcomes = {pk: SendOutcome(Outcome.SKIPPED) for pk in delivery_ids}
    rows = deliveries_claim(delivery_ids=delivery_ids, claimed_at=claimed_at)
    if not rows:
        return outcomes
    facts = _package_facts({row.package_id for row in rows})
    started = time.monotonic()
    budget = settings.DELIVERY_STALE_AFTER_SECONDS / 2
    for index, row in enumerate(rows):
        if index and time.monotonic() - started > budget:
            _release(rows[index:], claimed_at)
            outcomes.update({later.pk: SendOutcome(Outcome.RELEASED) for later in rows[index:]})
            break
        outcomes[row.pk] = _send_one(row, facts[row.package_id], claimed_at, open_connection, drop_connection)
    if any(outcomes[row.pk].status in (Outcome.SENT, Outcome.FAILED) for row in rows):
        _mark_finished({row.distribution_id for row in rows}, timezone.now())
    return outcomes


def _deliver(row: ClaimedDelivery, facts: PackageFacts, backend) -> None:
    """Send one delivery's email: the prepared bytes straight over the backend's SMTP session when it
    has one (as its `send_messages` would, without building the MIME tree per message), else the
    message built the normal way."""
    smtp = getattr(backend, "connection", None)
    prepared = delivery_message_bytes(row, facts) if isinstance(smtp, smtplib.SMTP) else None
    if prepared is None:
        delivery_email(row, facts, connection=backend).send(fail_silently=False)
        return
    sender, recipient, data = prepared
    smtp.sendmail(sender, [recipient], data)


def _send_one(row, facts, claimed_at, open_connection, drop_connection) -> SendOutcome:
    try:
        _deliver(row, facts, open_connection())
    except Exception as error:
        if drop_connection is not None:
            drop_connection()
        if is_transient_smtp_error(error):
            return delivery_defer(delivery=row, claimed_at=claimed_at, error=error)
        logger.exception("delivery %s failed permanently", row.pk)
        return delivery_fail(delivery=row, claimed_at=claimed_at, error=error)
    _mark_sent(row.pk, timezone.now())
    return SendOutcome(Outcome.SENT)


def delivery_send(*, delivery_id: int, open_connection: Callable) -> SendOutcome:
    """Claim one row, send its email, record the outcome (a batch of one)."""
    return deliveries_send(delivery_ids=[delivery_id], open_connection=open_connection)[delivery_id]


def retry_countdown(attempts: int) -> int:
    base = settings.DELIVERY_RETRY_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), MAX_RETRY_COUNTDOWN_SECONDS)


def _still_claimed(delivery_id: int, claimed_at: datetime):
    """The row, if this claim still owns it."""
    return Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING, claimed_at=claimed_at)


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
        last_error=describe_error(error),
    )
    if not deferred:
        return SendOutcome(Outcome.OVERTAKEN)
    delivery_events_record(
        [delivery.pk],
        at=timezone.now(),
        from_status=Delivery.Status.SENDING,
        to_status=Delivery.Status.QUEUED,
        note=_("Attempt %(attempt)d failed, retrying in %(seconds)d s: %(error)s")
        % {"attempt": delivery.attempts, "seconds": countdown, "error": describe_error(error)},
    )
    return SendOutcome(Outcome.RETRY, countdown)


@transaction.atomic
def delivery_fail(*, delivery: Delivery, claimed_at: datetime, error: BaseException) -> SendOutcome:
    """A permanent failure (or the last attempt): only while the row is still this claim's."""
    failed = _still_claimed(delivery.pk, claimed_at).update(
        status=Delivery.Status.FAILED, last_error=describe_error(error), next_attempt_at=None
    )
    if not failed:
        return SendOutcome(Outcome.OVERTAKEN)
    delivery_events_record(
        [delivery.pk],
        at=timezone.now(),
        from_status=Delivery.Status.SENDING,
        to_status=Delivery.Status.FAILED,
        note=_("Attempt %(attempt)d failed: %(error)s")
        % {"attempt": delivery.attempts, "error": describe_error(error)},
    )
    return SendOutcome(Outcome.FAILED)
