from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Visit
from programmes.models import Contact, Language, MemberCountry, TimestampedModel


class Obstacle(TimestampedModel):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="obstacles", verbose_name=_("visit"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        ordering = ["visit", "order", "pk"]

    def __str__(self):
        return self.title


class Recommendation(TimestampedModel):
    class Audience(models.TextChoices):
        ALL_MEMBER_COUNTRIES = "member_countries", _("All member countries")
        REGIONAL_NETWORKS = "regional_networks", _("Regional networks")
        INTERNATIONAL_PARTNERS = "international_partners", _("International partners")
        NGOS = "ngos", _("NGOs")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("visit"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    obstacles = models.ManyToManyField(
        Obstacle, blank=True, related_name="recommendations", verbose_name=_("obstacles addressed")
    )
    audience = models.CharField(
        _("audience"), max_length=30, choices=Audience.choices, default=Audience.ALL_MEMBER_COUNTRIES
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["visit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "number"], name="recommendation_number_unique_per_visit"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


def package_document_path(package, filename):
    return f"packages/{package.visit_id}/v{package.version}/{filename}"


class RecommendationPackage(TimestampedModel):
    """A versioned, published set of a visit's obstacles and recommendations.

    Publishing snapshots the content into `content` and renders the PDF once; from then on both
    are frozen. A correction is a new version that supersedes this one.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="packages", verbose_name=_("visit"))
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(_("published content"), default=dict, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
        editable=False,
    )
    document = models.FileField(_("document"), upload_to=package_document_path, blank=True, editable=False)
    document_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    document_size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True, editable=False)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
        editable=False,
    )

    class Meta:
        verbose_name = _("recommendation package")
        verbose_name_plural = _("recommendation packages")
        ordering = ["visit", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "version"], name="package_version_unique_per_visit"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(published_at__isnull=False) & ~Q(document_sha256="") & Q(document_size__isnull=False)),
                name="published_package_has_document",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def download_filename(self) -> str:
        return f"envcrime-recommendations-{self.visit.slug}-v{self.version}.pdf"

    def language_filename(self, language: str) -> str:
        """The English file keeps the name it always had; the others say their language."""
        if language == Language.ENGLISH:
            return self.download_filename
        return f"envcrime-recommendations-{self.visit.slug}-v{self.version}-{language}.pdf"


def package_language_document_path(document, filename):
    return package_document_path(document.package, filename)


class PackageDocument(models.Model):
    """The frozen PDF of a published package in one language, with its own checksum.

    Publishing renders one per language whose translation is complete; English always (its file is
    also the package's `document`, kept for what predates the translations).
    """

    package = models.ForeignKey(
        RecommendationPackage, on_delete=models.PROTECT, related_name="documents", verbose_name=_("package")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    file = models.FileField(_("file"), upload_to=package_language_document_path, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)

    class Meta:
        verbose_name = _("package document")
        verbose_name_plural = _("package documents")
        ordering = ["package", "language"]
        constraints = [
            models.UniqueConstraint(fields=["package", "language"], name="one_document_per_package_and_language"),
            models.CheckConstraint(condition=~Q(sha256="") & ~Q(file=""), name="package_document_has_file"),
        ]

    def __str__(self):
        return f"{self.package} [{self.language}]"


class Distribution(models.Model):
    package = models.ForeignKey(
        RecommendationPackage, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("package")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Active member countries that had no active primary contact when the distribution started:
    # [{"iso2": ..., "name": ...}]. They are reported, never silently skipped.
    countries_without_contact = models.JSONField(_("countries without a primary contact"), default=list, blank=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.package} — {self.started_at:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One email of a package to one contact: the outbox row that is the truth, not the broker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    distribution = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("distribution")
    )
    package = models.ForeignKey(
        RecommendationPackage, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("package")
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("contact"))
    member_country = models.ForeignKey(
        MemberCountry, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("member country")
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    first_downloaded_at = models.DateTimeField(_("first downloaded at"), null=True, blank=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        # By id: the sweeper and the workers query deliveries without caring for order, and a
        # country ordering would add a join and a sort to each. Pages that show them order by country.
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["package", "contact"], name="one_delivery_per_package_and_contact"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="sent_delivery_has_sent_at"
            ),
        ]
        indexes = [
            models.Index(fields=["distribution", "status"], name="delivery_progress_idx"),
            models.Index(fields=["status", "claimed_at"], name="delivery_sweep_idx"),
        ]

    def __str__(self):
        return f"{self.package} → {self.email}"


class DownloadEvent(models.Model):
    class Via(models.TextChoices):
        EMAIL_LINK = "email_link", _("Email link")
        PORTAL = "portal", _("Portal")

    package = models.ForeignKey(
        RecommendationPackage, on_delete=models.PROTECT, related_name="download_events", verbose_name=_("package")
    )
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="download_events",
        verbose_name=_("delivery"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    downloaded_at = models.DateTimeField(_("downloaded at"), default=timezone.now)
    via = models.CharField(_("via"), max_length=12, choices=Via.choices)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-downloaded_at"]

    def __str__(self):
        return f"{self.package} — {self.downloaded_at:%Y-%m-%d %H:%M}"


class DeliveryEvent(models.Model):
    """Audit trail of a delivery off the plain path: failed attempts (deferred for a retry, or final,
    with the error), rows the sweeper took back from a dead worker, and staff retries (with who).

    A claim and a successful send are not events: the row itself holds them (`claimed_at`,
    `attempts`, `sent_at`). Recording them would add two rows per delivery, about a tenth more time
    per email sent, for nothing the row does not already say.
    """

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events", verbose_name=_("delivery"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=10, choices=Delivery.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Delivery.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"
