"""Follow-up of a distributed package: reporting cycles, country reports, their items and reminders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Contact, Language, MemberCountry, TimestampedModel

from .packages import Delivery, Recommendation, RecommendationPackage


class ReportingCycle(TimestampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    package = models.ForeignKey(
        RecommendationPackage, on_delete=models.PROTECT, related_name="reporting_cycles", verbose_name=_("package")
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        ordering = ["-due_date", "-pk"]

    def __str__(self):
        return self.title


class CountryReport(TimestampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for clarification")

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.PROTECT, related_name="reports", verbose_name=_("cycle"))
    member_country = models.ForeignKey(
        MemberCountry, on_delete=models.PROTECT, related_name="country_reports", verbose_name=_("member country")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Optimistic lock: +1 on every save; a save carrying an older number is refused.
    version = models.PositiveIntegerField(_("version"), default=0)
    submission_count = models.PositiveIntegerField(_("submissions"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_request = models.TextField(_("clarification requested"), blank=True)

    class Meta:
        verbose_name = _("country report")
        verbose_name_plural = _("country reports")
        ordering = ["cycle", "member_country__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member_country"], name="one_report_per_cycle_and_country"),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False, submission_count__gt=0),
                name="submitted_report_has_submission",
            ),
        ]

    def __str__(self):
        return f"{self.cycle} — {self.member_country}"


class ImplementationItem(models.Model):
    class Response(models.TextChoices):
        SUPPORTED = "supported", _("Supported")
        NOTED = "noted", _("Noted")
        UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
        FULLY_IMPLEMENTED = "fully_implemented", _("Fully implemented")

    report = models.ForeignKey(CountryReport, on_delete=models.CASCADE, related_name="items", verbose_name=_("report"))
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="implementation_items", verbose_name=_("recommendation")
    )
    response = models.CharField(_("response"), max_length=20, choices=Response.choices, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    status = models.CharField(_("implementation status"), max_length=25, choices=Status.choices, blank=True)
    lead_agency = models.CharField(_("lead national agency"), max_length=200, blank=True)
    actions_taken = models.TextField(_("actions taken"), blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("implementation item")
        verbose_name_plural = _("implementation items")
        ordering = ["report", "recommendation__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "recommendation"], name="one_item_per_report_and_recommendation"),
            models.CheckConstraint(
                condition=Q(response="") | Q(response="supported") | ~Q(justification=""),
                name="item_justified_unless_supported",
            ),
        ]

    def __str__(self):
        return f"{self.report} — {self.recommendation}"

    @property
    def is_answered(self) -> bool:
        return bool(self.response and self.status)


def evidence_path(evidence, filename):
    """Under the private storage root (never served by URL); the name is random, not the user's."""
    return f"followup/{evidence.item.report.cycle_id}/{evidence.item.report.member_country_id}/{filename}"


class Evidence(models.Model):
    item = models.ForeignKey(
        ImplementationItem, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("item")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=300)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["item", "added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="evidence_is_file_xor_url",
            ),
        ]

    def __str__(self):
        return self.original_name or self.url


class Submission(models.Model):
    report = models.ForeignKey(
        CountryReport, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("report")
    )
    number = models.PositiveIntegerField(_("number"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    # The frozen items and their evidence list, as submitted: later edits never change it.
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="submission_number_unique_per_report"),
        ]

    def __str__(self):
        return f"{self.report} #{self.number}"


class Assessment(models.Model):
    class Verdict(models.TextChoices):
        AGREE = "agree", _("Agree")
        PARTLY_AGREE = "partly_agree", _("Partly agree")
        DISAGREE = "disagree", _("Disagree")

    item = models.ForeignKey(
        ImplementationItem, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("item")
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("submission")
    )
    verdict = models.CharField(_("verdict"), max_length=15, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["item", "-assessed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "submission"], name="one_assessment_per_item_and_submission"),
        ]

    def __str__(self):
        return f"{self.item} — {self.get_verdict_display()}"


class ReportEvent(models.Model):
    """History of a report: who did what when, with the changed fields (old → new)."""

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened as draft")
        RETURNED = "returned", _("Returned for clarification")
        ASSESSED = "assessed", _("Assessed")

    report = models.ForeignKey(CountryReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    item = models.ForeignKey(
        ImplementationItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("item"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The report version this event produced (saves) or found (others).
    version = models.PositiveIntegerField(_("version"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "at", "pk"]
        indexes = [models.Index(fields=["report", "version"], name="report_event_version_idx")]

    def __str__(self):
        return f"{self.report} v{self.version} {self.kind}"


class Reminder(models.Model):
    """One email to one country (its primary contact) about a cycle or a delivery: an outbox row.

    Claimed (queued → sending) before it is sent, like a `Delivery`; the unique constraints make
    each step of each kind exist once per country, so planning twice never sends twice.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation to report")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement reminder")
        DUE_SOON = "due_soon", _("Report due soon")
        OVERDUE = "overdue", _("Report overdue")
        CHASE = "chase", _("Chase by staff")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    member_country = models.ForeignKey(
        MemberCountry, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("member country")
    )
    cycle = models.ForeignKey(
        ReportingCycle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("cycle"),
    )
    delivery = models.ForeignKey(
        Delivery, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders", verbose_name=_("delivery")
    )
    step = models.PositiveSmallIntegerField(_("step"), default=0)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("contact"))
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "cycle", "member_country", "step"],
                condition=Q(cycle__isnull=False),
                name="one_cycle_reminder_per_step",
            ),
            models.UniqueConstraint(
                fields=["kind", "delivery", "member_country", "step"],
                condition=Q(delivery__isnull=False),
                name="one_delivery_reminder_per_step",
            ),
            models.CheckConstraint(
                condition=(Q(kind="acknowledgement") & Q(delivery__isnull=False) & Q(cycle__isnull=True))
                | (~Q(kind="acknowledgement") & Q(delivery__isnull=True) & Q(cycle__isnull=False)),
                name="reminder_about_cycle_xor_delivery",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="sent_reminder_has_sent_at"
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="reminder_sweep_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.step} → {self.email}"
