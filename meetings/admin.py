import datetime
import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from envcrime import workplace
from envcrime.admin import BoundedInline, ReadOnlyInline, RegionalNetworkFilter, SafeExportMixin
from programmes.models import Organisation

from . import selectors, services
from .models import AgendaItem, Attendance, Registration, RegistrationStatusChange, Visit
from .resources import PublicParticipantResource, RegistrationResource


class AgendaItemInline(BoundedInline):
    model = AgendaItem
    extra = 1
    # A form post is bounded (a 1,001-row agenda is a form error, not minutes of validation).
    max_num = 200
    fields = ["date", "start_time", "end_time", "kind", "title", "location", "speaker", "description"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "kind":
            field.initial = AgendaItem.Kind.PRESENTATION
        elif db_field.name in ("start_time", "end_time"):
            field.help_text = _("Local time at the venue, in the visit's time zone.")
        return field


class VisitAdminForm(forms.ModelForm):
    """Registration times are entered in the portal's time zone, and named; closing defaults to the
    visit's start (midnight at the venue)."""

    class Meta:
        model = Visit
        fields = [
            *["programme", "title", "slug", "status", "description", "summary"],
            *["venue", "city", "host_country", "time_zone", "start_date", "end_date"],
            *["capacity", "requires_approval", "registration_opens_at", "registration_closes_at"],
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["registration_opens_at"].help_text = gettext("Time in %(zone)s.") % {"zone": zone}
        self.fields["registration_closes_at"].required = False
        self.fields["registration_closes_at"].help_text = gettext(
            "Time in %(zone)s. Leave empty to close registration when the visit starts."
        ) % {"zone": zone}
        for name in ("registration_opens_at", "registration_closes_at"):
            # The <label> names the date input only; each half of the pair gets its own name.
            field = self.fields[name]
            date_input, time_input = field.widget.widgets
            date_input.attrs["aria-label"] = gettext("%(field)s: date") % {"field": field.label}
            time_input.attrs["aria-label"] = gettext("%(field)s: time") % {"field": field.label}

    def clean(self):
        cleaned = super().clean()
        start, zone = cleaned.get("start_date"), cleaned.get("time_zone")
        if cleaned.get("registration_closes_at") is None and start and zone:
            cleaned["registration_closes_at"] = datetime.datetime.combine(
                start, datetime.time(), tzinfo=zoneinfo.ZoneInfo(zone)
            )
        return cleaned


class RegistrationWindowFilter(admin.SimpleListFilter):
    title = _("registration")
    parameter_name = "registration"

    def lookups(self, request, model_admin):
        days = workplace.REGISTRATION_WINDOW_DAYS
        return [
            (
                "opening",
                ngettext("Opens within %(days)d day", "Opens within %(days)d days", days) % {"days": days},
            ),
            (
                "closing",
                ngettext("Closes within %(days)d day", "Closes within %(days)d days", days) % {"days": days},
            ),
        ]

    def queryset(self, request, queryset):
        window = workplace.registration_window(timezone.now())
        if self.value() in window:
            return queryset.filter(window[self.value()])
        return queryset


class RegistrationNetworkFilter(RegionalNetworkFilter):
    organisation_field = "organisation"


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    form = VisitAdminForm
    # The seat counts share one compact column: seven narrow columns overflowed the changelist.
    list_display = ["title", "dates", "status", "seats_left", "seats", "check_in_links"]
    list_filter = ["status", RegistrationWindowFilter, "requires_approval"]
    search_fields = ["title", "city", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    inlines = [AgendaItemInline]
    list_select_related = ["host_country"]
    fieldsets = [
        (None, {"fields": ["programme", "title", "slug", "status", "description", "summary"]}),
        (_("Place and dates"), {"fields": ["venue", "city", "host_country", "time_zone", "start_date", "end_date"]}),
        (
            _("Registration"),
            {"fields": ["capacity", "requires_approval", "registration_opens_at", "registration_closes_at"]},
        ),
    ]

    readonly_fields = ["seats_left", "seats", "check_in_links"]

    def get_changeform_initial_data(self, request):
        return {"registration_opens_at": timezone.now(), **super().get_changeform_initial_data(request)}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Seats and attendance"), {"fields": ["seats_left", "seats", "check_in_links"]})]

    def get_queryset(self, request):
        # One query for the whole seats summary: counts are annotations, never per-row queries.
        return selectors.with_seat_counts(super().get_queryset(request))

    @admin.display(description=_("dates"), ordering="start_date")
    def dates(self, visit):
        return f"{date_format(visit.start_date, 'j M')} – {date_format(visit.end_date, 'j M Y')}"

    @admin.display(description=_("seats left"), ordering="seats_left")
    def seats_left(self, visit):
        return gettext("%(left)d of %(capacity)d") % {"left": visit.seats_left, "capacity": visit.capacity}

    @admin.display(description=_("registrations"))
    def seats(self, visit):
        registrations = reverse("admin:meetings_registration_changelist")
        return format_html_join(
            " · ",
            '<a href="{}?visit__id__exact={}&amp;status__exact={}">{}</a>',
            (
                (registrations, visit.pk, status, label % {"count": count})
                for status, label, count in (
                    ("confirmed", gettext("%(count)d confirmed"), visit.confirmed_count),
                    ("pending", gettext("%(count)d pending"), visit.pending_count),
                    ("waitlisted", gettext("%(count)d waitlisted"), visit.waitlisted_count),
                )
            ),
        )

    @admin.display(description=_("check-in"))
    def check_in_links(self, visit):
        # One short link per day, one per line: the changelist is narrow beside the admin's sidebars.
        return format_html_join(
            mark_safe("<br>"),  # a constant separator, nothing from the user
            '<a href="{}" title="{}">{}</a>',
            (
                (
                    reverse("admin:meetings_visit_check_in", args=[visit.pk, day.isoformat()]),
                    date_format(day, "l j F Y"),
                    gettext("Day %(number)d") % {"number": number},
                )
                for number, day in enumerate(visit.days, start=1)
            ),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = services.visit_fill_from_waitlist(visit=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d delegate was promoted from the waiting list.",
                        "%(count)d delegates were promoted from the waiting list.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    def get_urls(self):
        return [
            path(
                "<id:pk>/check-in/<str:day>/",
                self.admin_site.admin_view(self.check_in_view),
                name="meetings_visit_check_in",
            ),
            *super().get_urls(),
        ]

    def check_in_view(self, request, pk, day):
        """Tick who is in the room on one day of the visit; records who checked them in and when."""
        visit = get_object_or_404(Visit, pk=pk)
        if not self.has_change_permission(request, visit):
            raise Http404
        try:
            date = datetime.date.fromisoformat(day)
        except ValueError as error:
            raise Http404 from error
        if date not in visit.days:
            raise Http404
        if request.method == "POST":
            try:
                present = [int(value) for value in request.POST.getlist("present")]
                outcome = services.attendance_record(
                    visit=visit, date=date, present_registration_ids=present, by=request.user
                )
            except (ValueError, services.RegistrationError) as error:
                return HttpResponseBadRequest(getattr(error, "message", gettext("Invalid check-in.")))
            self.message_user(
                request,
                gettext("Attendance saved: %(added)d checked in, %(removed)d unchecked.")
                % {"added": outcome.checked_in, "removed": outcome.unchecked},
                messages.SUCCESS,
            )
            return redirect(request.path)
        attendances = {
            attendance.registration_id: attendance
            for attendance in Attendance.objects.filter(registration__visit=visit, date=date).select_related(
                "checked_in_by"
            )
        }
        registrations = list(
            Registration.objects.filter(visit=visit, status=Registration.Status.CONFIRMED)
            .select_related("member_country", "organisation")
            .order_by("full_name", "pk")
        )
        for registration in registrations:
            registration.attendance = attendances.get(registration.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Check-in: %(visit)s, %(day)s")
            % {"visit": visit.title, "day": date_format(date, "l j F Y")},
            "visit": visit,
            "date": date,
            "days": visit.days,
            "registrations": registrations,
            "present_count": len(attendances),
        }
        return TemplateResponse(request, "meetings/admin/check_in.html", context)


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
class RegistrationAdmin(SafeExportMixin, ExportMixin, admin.ModelAdmin):
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
    # The status only changes through the actions below (services: lock, capacity, history, emails).
    readonly_fields = [
        "visit",
        "delegate",
        "status",
        "language",
        "submitted_at",
        "confirmed_at",
        "waitlisted_at",
        "declined_at",
        "cancelled_at",
        *VETTING_FIELDS,
    ]
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
