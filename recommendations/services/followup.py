"""Writes of the follow-up: cycles, the country's report and its items, evidence, submission, review.

Every write locks the report row first, then re-checks: the report's `version` is the optimistic
lock the team's forms carry, so a save made on an outdated page is refused instead of overwriting.
History is a `ReportEvent` per change (who, when, the fields old → new) rather than a copy of every
row (django-simple-history): the changes since a version are what a refused save must show, and
one indexed query on (report, version) gives exactly them.
"""

import hashlib
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import tasks
from ..models import (
    Assessment,
    CountryReport,
    Evidence,
    ImplementationItem,
    ReportEvent,
    ReportingCycle,
    Submission,
)
from ..models import RecommendationPackage as Package
from ..selectors.followup import cycle_recommendations
from .reminders import reminder_chase, reminders_chase_late, reminders_invite

__all__ = [
    "EVIDENCE_TYPES",
    "ITEM_FIELDS",
    "FollowupError",
    "ReportChanged",
    "cycle_open",
    "evidence_add",
    "evidence_remove",
    "item_assess",
    "item_save",
    "reminder_chase",
    "reminders_chase_late",
    "report_send_back",
    "report_start",
    "report_submit",
]

# What a team may change on an item; the history records these, old → new.
ITEM_FIELDS = ("response", "justification", "status", "lead_agency", "actions_taken", "planned_completion")

# Checked on the content, never on the name or the browser's word: PDF, images, office documents.
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tif",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


class FollowupError(Exception):
    """A rule of the follow-up was broken; the message is for the user."""


@dataclass(frozen=True)
class Change:
    by: str
    at: object
    kind: str
    item: str
    changes: dict


class ReportChanged(FollowupError):
    """The report changed since the page was loaded: the save is refused, the changes are listed."""

    def __init__(self, message: str, changes: list[Change]):
        super().__init__(message)
        self.changes = changes


# --- Cycles ------------------------------------------------------------------------------------------


@transaction.atomic
def cycle_open(*, package: Package, title: str, due_date, by, translated_titles=None) -> ReportingCycle:
    """Open a reporting cycle for a distributed package; every country with a primary contact is invited.

    `title` is the English one; `translated_titles` ({"fr": ..., ...}) the others, where staff gave them.
    """
    package = Package.objects.select_for_update().get(pk=package.pk)
    if package.status == Package.Status.DRAFT or not package.distributions.exists():
        raise FollowupError(_("Only a published package that has been distributed can be followed up."))
    if due_date <= timezone.localdate():
        raise FollowupError(_("The due date must be in the future."))
    titles = {f"title_{code}": text for code, text in (translated_titles or {}).items() if text}
    cycle = ReportingCycle.objects.create(
        package=package, title_en=title, **titles, due_date=due_date, opened_by=by, opened_at=timezone.now()
    )
    reminders_invite(cycle=cycle)
    return cycle


@transaction.atomic
def report_start(*, cycle: ReportingCycle, member_country_id: int) -> CountryReport:
    """The country's report for the cycle, created with one item per recommendation on the first save."""
    if cycle.status != ReportingCycle.Status.OPEN:
        raise FollowupError(_("This reporting cycle is closed."))
    report, _created = CountryReport.objects.get_or_create(cycle=cycle, member_country_id=member_country_id)
    report = CountryReport.objects.select_for_update().get(pk=report.pk)
    have = set(report.items.values_list("recommendation_id", flat=True))
    ImplementationItem.objects.bulk_create(
        [
            ImplementationItem(report=report, recommendation_id=pk)
            for pk in cycle_recommendations(cycle).values_list("pk", flat=True)
            if pk not in have
        ]
    )
    return report


# --- The team's side ---------------------------------------------------------------------------------


def _locked(report: CountryReport) -> CountryReport:
    report = CountryReport.objects.select_for_update().select_related("cycle").get(pk=report.pk)
    if report.cycle.status != ReportingCycle.Status.OPEN:
        raise FollowupError(_("This reporting cycle is closed."))
    return report


def _changes_since(report: CountryReport, version: int, *, item_id=None) -> list[Change]:
    events = (
        ReportEvent.objects.filter(report=report, version__gt=version)
        .select_related("by", "item__recommendation")
        .order_by("at", "pk")
    )
    if item_id is not None:
        # Saves of other items cannot be overwritten by this one; only this item's and the report's fate matter.
        events = [
            e
            for e in events
            if e.item_id == item_id or e.kind in (ReportEvent.Kind.SUBMITTED, ReportEvent.Kind.RETURNED)
        ]
    return [
        Change(
            by=(e.by.get_full_name() or e.by.email) if e.by else "",
            at=e.at,
            kind=e.get_kind_display(),
            item=str(e.item.recommendation.number) if e.item else "",
            changes=e.changes,
        )
        for e in events
    ]


def _bump(report: CountryReport, *, by, kind: str, item=None, changes=None, note="") -> ReportEvent:
    """+1 on the report's version, and the history line saying who did what."""
    fields = ["version", "updated_at"]
    report.version += 1
    if report.status == CountryReport.Status.SUBMITTED and kind != ReportEvent.Kind.SUBMITTED:
        # Changing a submitted report reopens it; the next submission gets the next number.
        report.status = CountryReport.Status.DRAFT
        fields.append("status")
        ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.REOPENED, version=report.version, by=by)
    report.save(update_fields=fields)
    return ReportEvent.objects.create(
        report=report, item=item, kind=kind, version=report.version, changes=changes or {}, note=note, by=by
    )


def item_errors(values: dict, *, evidence_count: int, previous_planned=None) -> dict:
    """The rules of one answered item, as {field: message}; empty when it may be saved."""
    errors = {}
    response = values.get("response")
    if (
        response
        and response != ImplementationItem.Response.SUPPORTED
        and not (values.get("justification") or "").strip()
    ):
        errors["justification"] = _("Explain why the recommendation is not supported.")
    if values.get("status") == ImplementationItem.Status.FULLY_IMPLEMENTED and evidence_count == 0:
        errors["status"] = _("“Fully implemented” needs at least one piece of evidence: add a file or a link first.")
    planned = values.get("planned_completion")
    # A date stored earlier may have passed since; only a newly entered one must lie ahead.
    if planned and planned != previous_planned and planned < timezone.localdate():
        errors["planned_completion"] = _("A planned completion date cannot be in the past.")
    return errors


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def item_save(*, item: ImplementationItem, values: dict, version: int, by) -> ImplementationItem:
    """Save one item of a report (a draft). Refused when the item changed since `version` was read."""
    report = _locked(item.report)
    item = ImplementationItem.objects.select_for_update().get(pk=item.pk, report=report)
    if report.version != version:
        changes = _changes_since(report, version, item_id=item.pk)
        if changes:
            raise ReportChanged(
                _(
                    "Someone else changed this report after you opened it. Nothing of yours was saved over "
                    "theirs: review their changes below and save again."
                ),
                changes,
            )
    values = {name: values.get(name, getattr(item, name)) for name in ITEM_FIELDS}
    for name in ("response", "justification", "status", "lead_agency", "actions_taken"):
        values[name] = (values[name] or "").strip()
    errors = item_errors(values, evidence_count=item.evidence.count(), previous_planned=item.planned_completion)
    if errors:
        raise ValidationError(errors)
    diff = {
        name: [_plain(getattr(item, name)), _plain(values[name])]
        for name in ITEM_FIELDS
        if getattr(item, name) != values[name]
    }
    if not diff:
        return item
    for name in ITEM_FIELDS:
        setattr(item, name, values[name])
    item.updated_at = timezone.now()
    item.updated_by = by
    item.save(update_fields=[*ITEM_FIELDS, "updated_at", "updated_by"])
    _bump(report, by=by, kind=ReportEvent.Kind.SAVED, item=item, changes=diff)
    return item


def _check_upload(upload) -> tuple[str, str]:
    """(content type, extension) judged from the bytes; refuses what is too big or not an accepted type."""
    if upload.size > settings.FOLLOWUP_EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.FOLLOWUP_EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise ValidationError(_("Only PDF files, images and office documents can be uploaded."))
    return kind.mime, EVIDENCE_TYPES[kind.mime]


@transaction.atomic
def evidence_add(*, item: ImplementationItem, by, upload=None, url: str = "") -> Evidence:
    """A file (checked by content, stored privately under a random name) or a link, on one item."""
    if bool(upload) == bool(url):
        raise ValidationError(_("Give either a file or a link."))
    report = _locked(item.report)
    item = ImplementationItem.objects.select_for_update().get(pk=item.pk, report=report)
    evidence = Evidence(item=item, added_by=by, added_at=timezone.now(), url=url)
    if upload:
        content_type, extension = _check_upload(upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        evidence.original_name = (upload.name or "")[-255:]
        evidence.content_type = content_type
        evidence.size = upload.size
        evidence.sha256 = digest.hexdigest()
        upload.seek(0)
        evidence.file.save(f"{uuid.uuid4().hex}.{extension}", File(upload), save=False)
        # Should the transaction roll back, the file is an orphan no row points at, never a lie.
    evidence.save()
    _bump(report, by=by, kind=ReportEvent.Kind.EVIDENCE_ADDED, item=item, changes={"evidence": [None, str(evidence)]})
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by) -> None:
    report = _locked(evidence.item.report)
    item = ImplementationItem.objects.select_for_update().get(pk=evidence.item_id, report=report)
    if item.status == ImplementationItem.Status.FULLY_IMPLEMENTED and item.evidence.count() <= 1:
        raise ValidationError(_("A fully implemented recommendation keeps at least one piece of evidence."))
    name = str(evidence)
    file = evidence.file
    evidence.delete()
    if file:
        # The file goes only once the row's deletion is committed: a rollback keeps both.
        transaction.on_commit(lambda: file.storage.delete(file.name))
    _bump(report, by=by, kind=ReportEvent.Kind.EVIDENCE_REMOVED, item=item, changes={"evidence": [name, None]})


def _snapshot(report: CountryReport) -> dict:
    items = report.items.select_related("recommendation").prefetch_related("evidence")
    return {
        "version": report.version,
        "items": [
            {
                "recommendation": item.recommendation.number,
                "title": item.recommendation.title,
                **{name: _plain(getattr(item, name)) for name in ITEM_FIELDS},
                "evidence": [
                    {"name": e.original_name, "url": e.url, "sha256": e.sha256, "size": e.size}
                    for e in item.evidence.all()
                ],
            }
            for item in items.order_by("recommendation__number")
        ],
    }


@transaction.atomic
def report_submit(*, report: CountryReport, version: int, by) -> Submission:
    """Freeze the report as the next numbered submission; every item must be answered and valid."""
    report = _locked(report)
    if report.version != version:
        raise ReportChanged(
            _("The report changed after you opened it: review it and submit again."), _changes_since(report, version)
        )
    if report.status == CountryReport.Status.SUBMITTED:
        raise FollowupError(_("This report is already submitted."))
    items = list(report.items.select_related("recommendation").prefetch_related("evidence"))
    unanswered = [str(i.recommendation.number) for i in items if not i.is_answered]
    if not items or unanswered:
        raise FollowupError(
            _("Answer every recommendation (response and status) before submitting: %(numbers)s.")
            % {"numbers": ", ".join(unanswered)}
        )
    for item in items:
        values = {name: getattr(item, name) for name in ITEM_FIELDS}
        if item_errors(values, evidence_count=len(item.evidence.all()), previous_planned=item.planned_completion):
            raise FollowupError(
                _("Recommendation %(number)s breaks a rule: open it and save it again.")
                % {"number": item.recommendation.number}
            )
    now = timezone.now()
    report.submission_count += 1
    submission = Submission.objects.create(
        report=report, number=report.submission_count, submitted_at=now, submitted_by=by, snapshot=_snapshot(report)
    )
    report.status = CountryReport.Status.SUBMITTED
    report.submitted_at = now
    report.submitted_by = by
    report.save(update_fields=["status", "submission_count", "submitted_at", "submitted_by", "updated_at"])
    _bump(report, by=by, kind=ReportEvent.Kind.SUBMITTED, note=str(submission.number))
    return submission


# --- Staff review ------------------------------------------------------------------------------------


@transaction.atomic
def item_assess(*, item: ImplementationItem, verdict: str, comment: str, by) -> Assessment:
    """The secretariat's assessment of one item of the latest submission (a second one replaces it)."""
    report = CountryReport.objects.select_for_update().get(pk=item.report_id)
    submission = report.submissions.order_by("-number").first()
    if submission is None:
        raise FollowupError(_("Only a submitted report can be assessed."))
    if verdict not in Assessment.Verdict.values:
        raise ValidationError({"verdict": _("Choose a verdict.")})
    assessment, _created = Assessment.objects.update_or_create(
        item=item,
        submission=submission,
        defaults={"verdict": verdict, "comment": comment.strip(), "assessed_by": by, "assessed_at": timezone.now()},
    )
    ReportEvent.objects.create(
        report=report,
        item=item,
        kind=ReportEvent.Kind.ASSESSED,
        version=report.version,
        changes={"verdict": [None, verdict]},
        note=comment.strip()[:500],
        by=by,
    )
    return assessment


@transaction.atomic
def report_send_back(*, report: CountryReport, request_text: str, by) -> CountryReport:
    """Return a submitted report to the country with a request for clarification; the team is emailed."""
    report = CountryReport.objects.select_for_update().get(pk=report.pk)
    request_text = (request_text or "").strip()
    if not request_text:
        raise ValidationError({"request_text": _("Say what the country should clarify.")})
    if report.status != CountryReport.Status.SUBMITTED:
        raise FollowupError(_("Only a submitted report can be sent back."))
    report.status = CountryReport.Status.RETURNED
    report.returned_at = timezone.now()
    report.return_request = request_text
    report.version += 1
    report.save(update_fields=["status", "returned_at", "return_request", "version", "updated_at"])
    ReportEvent.objects.create(
        report=report, kind=ReportEvent.Kind.RETURNED, version=report.version, note=request_text, by=by
    )
    report_id = report.pk
    transaction.on_commit(lambda: tasks.send_report_returned.delay(report_id))
    return report
