"""Follow-up in the admin: cycles, country reports with their items, reminders (read-only outbox)."""

from django.contrib import admin

from envcrime.admin import ReadOnlyInline, ReadOnlyModelAdmin

from ..models import CountryReport, ImplementationItem, Reminder, ReportEvent, ReportingCycle, Submission


@admin.register(ReportingCycle)
class ReportingCycleAdmin(admin.ModelAdmin):
    list_display = ["title", "package", "due_date", "status", "opened_at"]
    list_filter = ["status"]
    list_select_related = ["package"]
    readonly_fields = ["opened_at", "opened_by", "closed_at"]


class ItemInline(ReadOnlyInline):
    model = ImplementationItem
    fields = ["recommendation", "response", "status", "lead_agency", "planned_completion", "updated_at"]


class SubmissionInline(ReadOnlyInline):
    model = Submission
    fields = ["number", "submitted_at", "submitted_by"]


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["at", "by", "kind", "version", "item", "changes", "note"]


@admin.register(CountryReport)
class CountryReportAdmin(ReadOnlyModelAdmin):
    list_display = ["member_country", "cycle", "status", "submission_count", "submitted_at", "returned_at"]
    list_filter = ["status", "cycle", "member_country__region"]
    search_fields = ["member_country__name", "member_country__iso2"]
    list_select_related = ["member_country", "cycle"]
    inlines = [ItemInline, SubmissionInline, ReportEventInline]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyModelAdmin):
    list_display = ["kind", "step", "member_country", "cycle", "email", "status", "attempts", "sent_at", "created_by"]
    list_filter = ["kind", "status", "cycle"]
    search_fields = ["email", "member_country__name"]
    list_select_related = ["member_country", "cycle", "created_by"]
