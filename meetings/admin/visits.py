"""Visits in the admin: the change form (capacity through the service), seats summary, per-day check-in."""

import datetime
import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from envcrime.translation_admin import BoundedTranslationInline, TabbedTranslationAdmin

from .. import selectors, services
from ..models import AgendaItem, Visit


class AgendaItemInline(BoundedTranslationInline):
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
        if "registration_opens_at" not in self.fields:
            # Staff with view permission only get a form without editable fields: nothing to adjust.
            return
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

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and (error := services.capacity_error(visit=self.instance, capacity=capacity)):
            raise forms.ValidationError(error.message)
        return capacity

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
        days = selectors.REGISTRATION_WINDOW_DAYS
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
        window = selectors.registration_window(timezone.now())
        if self.value() in window:
            return queryset.filter(window[self.value()])
        return queryset


@admin.register(Visit)
class VisitAdmin(TabbedTranslationAdmin):
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
        if not (change and "capacity" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        # The capacity goes through the service (visit locked, confirmed seats re-counted, waiting list
        # filled); the other fields are saved as usual.
        capacity, obj.capacity = obj.capacity, form.initial["capacity"]
        super().save_model(request, obj, form, change)
        try:
            promoted = services.visit_change_capacity(visit=obj, capacity=capacity)
        except services.CapacityBelowConfirmed as error:
            # A seat was confirmed between the form's check and the save.
            self.message_user(request, error.message, messages.ERROR)
        else:
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
            # As everywhere in the admin: staff who may not change visits are refused, not misled.
            raise PermissionDenied
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
        registrations = selectors.check_in_sheet(visit=visit, date=date)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Check-in: %(visit)s, %(day)s")
            % {"visit": visit.title, "day": date_format(date, "l j F Y")},
            "visit": visit,
            "date": date,
            "days": visit.days,
            "registrations": registrations,
            "present_count": sum(registration.attendance is not None for registration in registrations),
        }
        return TemplateResponse(request, "meetings/admin/check_in.html", context)
