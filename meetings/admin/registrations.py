"""Registrations and attendance in the admin: shown, exported and moved through the workflow's services,
never edited or deleted by hand."""

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from envcrime.admin import FastChangeListMixin, ReadOnlyInline, RegionalNetworkFilter, SafeExportMixin
from programmes.models import Organisation

from .. import services
from ..models import Attendance, Registration, RegistrationStatusChange
from ..resources import PublicParticipantResource, RegistrationResource


class RegistrationNetworkFilter(RegionalNetworkFilter):
    organisation_field = "organisation"


class AffiliationKindFilter(admin.SimpleListFilter):
    title = _("affiliation kind")
    parameter_name = "affiliation"

    def lookups(self, request, model_admin):
        return [("country", _("Member country")), *Organisation.Kind.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "country":
            return queryset.filter(member_country__isnull=False)
        if value in Organisation.Kind.values:
            return queryset.filter(organisation__kind=value)
        return queryset


class StatusChangeInline(ReadOnlyInline):
    model = RegistrationStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    verbose_name_plural = _("status history")


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["date", "checked_in_at", "checked_in_by"]


# How a registration was vetted: shown, never edited by hand.
VETTING_FIELDS = ["endorsed_by", "endorsed_at", "endorsed_by_staff", "vetted_by_staff", "letter_reference"]


@admin.register(Registration)
class RegistrationAdmin(FastChangeListMixin, SafeExportMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [RegistrationResource, PublicParticipantResource]
    list_display = [
        "full_name",
        "visit",
        "affiliation_display",
        "status",
        "submitted_at",
        "needs_visa_letter",
        "consent_to_participant_list",
    ]
    list_filter = [
        "visit",
        "status",
        AffiliationKindFilter,
        "member_country__region",
        RegistrationNetworkFilter,
        "needs_visa_letter",
    ]
    list_select_related = ["visit", "member_country", "organisation"]
    search_fields = ["full_name", "delegate__email", "job_title", "member_country__name", "organisation__short_name"]
    date_hierarchy = "submitted_at"
    actions = ["confirm_selected", "decline_selected", "waitlist_selected", "endorse_selected"]
    inlines = [StatusChangeInline, AttendanceInline]
    fieldsets = [
        (None, {"fields": ["visit", "delegate", "status", "language"]}),
        (
            _("Delegate"),
            {"fields": ["full_name", "job_title", "responsibilities", "member_country", "organisation"]},
        ),
        (
            _("Travel and visa"),
            {"fields": ["arrival_date", "departure_date", "needs_visa_letter", "nationality", "passport_number"]},
        ),
        (_("Needs and consent"), {"fields": ["dietary_needs", "accessibility_needs", "consent_to_participant_list"]}),
        (_("Timeline"), {"fields": ["submitted_at", "confirmed_at", "waitlisted_at", "declined_at", "cancelled_at"]}),
        (_("Vetting and letter"), {"fields": VETTING_FIELDS}),
    ]
    # Everything is shown, nothing is edited by hand: the status changes through the actions below and the
    # delegate's data through the registration service (stay, affiliation and visa rules, history, emails).
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    def has_add_permission(self, request):
        # Registrations are made by delegates on the portal, where the rules and emails apply.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would erase the status history; decline instead.
        return False

    @admin.display(description=_("represents"), ordering="member_country__name")
    def affiliation_display(self, registration):
        return registration.affiliation

    def _bulk_action(self, request, queryset, service, done_message):
        """Run one bulk service on the selection; `done_message` is an ngettext_lazy keyed on "count"."""
        outcome = service(registration_ids=list(queryset.values_list("pk", flat=True)), by=request.user)
        if outcome.done:
            self.message_user(request, done_message % {"count": len(outcome.done)}, messages.SUCCESS)
        for refusal in outcome.refused:
            self.message_user(request, refusal, messages.WARNING)
        if not outcome.done and not outcome.refused:
            self.message_user(request, gettext("Nothing to do."), messages.INFO)

    @admin.action(description=_("Confirm the selected registrations (within capacity)"))
    def confirm_selected(self, request, queryset):
        self._bulk_action(
            request,
            queryset,
            services.registrations_confirm,
            ngettext_lazy("%(count)d registration confirmed.", "%(count)d registrations confirmed.", "count"),
        )

    @admin.action(description=_("Decline the selected registrations"))
    def decline_selected(self, request, queryset):
        self._bulk_action(
            request,
            queryset,
            services.registrations_decline,
            ngettext_lazy("%(count)d registration declined.", "%(count)d registrations declined.", "count"),
        )

    @admin.action(description=_("Move the selected pending registrations to the waiting list"))
    def waitlist_selected(self, request, queryset):
        self._bulk_action(
            request,
            queryset,
            services.registrations_waitlist,
            ngettext_lazy(
                "%(count)d registration moved to the waiting list.",
                "%(count)d registrations moved to the waiting list.",
                "count",
            ),
        )

    @admin.action(description=_("Endorse the selected nominations on the country's behalf"))
    def endorse_selected(self, request, queryset):
        endorsed = 0
        for registration in queryset.order_by("submitted_at", "pk"):
            try:
                services.registration_endorse(registration=registration, by=request.user)
            except services.RegistrationError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                endorsed += 1
        if endorsed:
            self.message_user(
                request,
                ngettext_lazy(
                    "%(count)d nomination endorsed on the country's behalf.",
                    "%(count)d nominations endorsed on the country's behalf.",
                    "count",
                )
                % {"count": endorsed},
                messages.SUCCESS,
            )


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["registration", "date", "checked_in_at", "checked_in_by"]
    list_filter = ["registration__visit", "date"]
    list_select_related = ["registration", "registration__visit", "checked_in_by"]
    readonly_fields = ["registration", "date", "checked_in_at", "checked_in_by"]

    def has_add_permission(self, request):
        # Check-in happens on the per-day page of the visit, which records who did it.
        return False

    def has_delete_permission(self, request, obj=None):
        # Unchecking on the per-day page is the way to correct a record; a deleted one would leave no trace.
        return False
