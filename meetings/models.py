import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Language, MemberCountry, Organisation, Programme, TimestampedModel


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Enter a time zone name such as Europe/Paris."), code="invalid_time_zone")


class Visit(TimestampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for registration")
        CLOSED = "closed", _("Registration closed")
        HELD = "held", _("Held")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="visits", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Shown on the list of past visits."))
    venue = models.CharField(_("venue"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    host_country = models.ForeignKey(
        MemberCountry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_visits",
        verbose_name=_("host country"),
    )
    # Agenda times are wall-clock times at the venue; calendar files need the zone to place them.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Paris",
        validators=[validate_time_zone],
        help_text=_("Time zone of the venue, e.g. Europe/Paris; agenda times are local times."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Number of delegate seats."))
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    requires_approval = models.BooleanField(
        _("requires approval"),
        default=False,
        help_text=_("When ticked, registrations stay pending until programme staff confirm them."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        verbose_name = _("familiarization visit")
        verbose_name_plural = _("familiarization visits")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="visit_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="visit_capacity_positive"),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="visit_registration_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:visit_detail", kwargs={"slug": self.slug})

    def is_open_for_registration(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.registration_opens_at <= now < self.registration_closes_at

    @property
    def has_started(self) -> bool:
        return self.status == self.Status.HELD or self.start_date <= timezone.localdate()

    @property
    def is_over(self) -> bool:
        return self.status == self.Status.HELD or self.end_date < timezone.localdate()

    @property
    def days(self) -> list:
        return [
            self.start_date + datetime.timedelta(days=offset)
            for offset in range((self.end_date - self.start_date).days + 1)
        ]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        SITE_VISIT = "site_visit", _("Site visit")
        PRESENTATION = "presentation", _("Presentation")
        TOOL_REVIEW = "tool_review", _("Tool review")
        CASE_STUDY = "case_study", _("Case study")
        DISCUSSION = "discussion", _("Discussion")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("visit"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["visit", "date", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="agenda_item_ends_after_start"),
        ]

    def __str__(self):
        return self.title


def new_letter_reference() -> str:
    # The key of the public verification page: 128 random bits, so references cannot be enumerated.
    return secrets.token_urlsafe(16)


class Registration(TimestampedModel):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Awaiting endorsement")
        PENDING = "pending", _("Pending approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("visit"))
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("delegate"),
    )
    member_country = models.ForeignKey(
        MemberCountry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("represents member country"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("represents organisation"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200)
    agency = models.CharField(
        _("agency"),
        max_length=200,
        blank=True,
        help_text=_("The service within the ministry, e.g. the national wildlife service."),
    )
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    arrival_date = models.DateField(_("arrival date"))
    departure_date = models.DateField(_("departure date"))
    needs_visa_letter = models.BooleanField(_("needs a visa invitation letter"), default=False)
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    passport_number = models.CharField(_("passport number"), max_length=40, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    consent_to_participant_list = models.BooleanField(_("consent to appear on the participant list"), default=False)
    language = models.CharField(
        _("language for emails"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # How the registration was vetted: endorsed by the liaison of the country or organisation it
    # represents (or by staff on its behalf), or approved by programme staff.
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endorsed by"),
    )
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    endorsed_by_staff = models.BooleanField(
        _("endorsed by staff on the country's behalf"), default=False, editable=False
    )
    vetted_by_staff = models.BooleanField(_("approved by programme staff"), default=False, editable=False)
    letter_reference = models.CharField(
        _("invitation letter reference"),
        max_length=32,
        unique=True,
        default=new_letter_reference,
        editable=False,
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["visit", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "delegate"],
                name="one_registration_per_delegate_per_visit",
                violation_error_message=_("You are already registered for this visit."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(member_country__isnull=False, organisation__isnull=True)
                    | Q(member_country__isnull=True, organisation__isnull=False)
                ),
                name="registration_represents_country_xor_organisation",
            ),
            models.CheckConstraint(
                condition=Q(departure_date__gte=F("arrival_date")), name="registration_departs_after_arrival"
            ),
            # The waiting list is served in `waitlisted_at` order: a waitlisted row without it would be lost.
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_timestamp",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="registration_confirmed_has_timestamp",
            ),
            # A seat (and with it an invitation letter) only for a vetted registration.
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "waitlisted"])
                | Q(endorsed_at__isnull=False)
                | Q(vetted_by_staff=True),
                name="registration_seat_needs_vetting",
            ),
            # The invitation letter states the nationality; a letter without it is useless at a consulate.
            models.CheckConstraint(
                condition=Q(needs_visa_letter=False) | ~Q(nationality=""),
                name="registration_visa_letter_needs_nationality",
            ),
        ]
        indexes = [models.Index(fields=["visit", "status", "waitlisted_at"], name="registration_queue_idx")]

    def __str__(self):
        return f"{self.full_name} — {self.visit}"

    @property
    def affiliation(self):
        return self.member_country or self.organisation

    @property
    def is_vetted(self) -> bool:
        return self.endorsed_at is not None or self.vetted_by_staff

    @property
    def may_download_visa_letter(self) -> bool:
        return (
            self.status == self.Status.CONFIRMED
            and self.is_vetted
            and self.needs_visa_letter
            and not self.visit.is_over
        )

    @property
    def letter_is_valid(self) -> bool:
        """What the public verification page states: the letter stands while the seat does."""
        return self.status == self.Status.CONFIRMED and self.is_vetted and self.needs_visa_letter

    @property
    def is_cancellable(self) -> bool:
        """Whether the delegate may still withdraw (once the visit has started, staff handle it)."""
        active = self.status in (
            self.Status.NOMINATED,
            self.Status.PENDING,
            self.Status.CONFIRMED,
            self.Status.WAITLISTED,
        )
        return active and not self.visit.has_started


class RegistrationStatusChange(models.Model):
    """Audit trail: every change of a registration's status.

    `changed_by` is the staff user for staff actions, the delegate for their own submission or
    cancellation, and None for the system (a promotion from the waiting list).
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("registration")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Registration.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Registration.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class Attendance(models.Model):
    """A confirmed delegate checked in on one day of the visit."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("registration")
    )
    date = models.DateField(_("date"))
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["date", "registration"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "date"], name="one_attendance_per_registration_per_day"),
        ]

    def __str__(self):
        return f"{self.registration.full_name} — {self.date}"
