"""Follow-up in the admin: cycles (opened through the service), country reports and their review, reminders.

The review is an admin view, so the staff second-factor rule of the admin (StaffMFARequiredMiddleware)
holds for it and for the evidence files staff open from it.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from envcrime.admin import ReadOnlyInline, ReadOnlyModelAdmin, YesNoFilter
from envcrime.translation_admin import TabbedTranslationAdmin

from ..models import CountryReport, Evidence, ImplementationItem, Reminder, ReportEvent, ReportingCycle, Submission
from ..selectors import followup as selectors
from ..selectors.attention import reports_awaiting_review
from ..services import followup as services
from ..views.followup import evidence_file_response
from ..views.followup_forms import AssessmentForm, SendBackForm

# The cycle's title in each language (modeltranslation's columns; English required, the others optional).
TITLES = [f"title_{code}" for code, _name in settings.LANGUAGES]
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class ReportingCycleForm(forms.ModelForm):
    class Meta:
        model = ReportingCycle
        fields = ["package", *TITLES, "due_date"]

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date <= timezone.localdate():
            raise ValidationError(_("The due date must be in the future."))
        return due_date


@admin.register(ReportingCycle)
class ReportingCycleAdmin(TabbedTranslationAdmin):
    form = ReportingCycleForm
    list_display = ["title", "package", "due_date", "status", "opened_at"]
    list_filter = ["status"]
    list_select_related = ["package"]
    actions = ["chase_late"]

    def get_readonly_fields(self, request, obj=None):
        # Once open, the package is fixed (reports and reminders refer to it).
        return ["package", "status", "opened_at", "opened_by", "closed_at"] if obj else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["package", *TITLES, "due_date"]
        return ["package", *TITLES, "due_date", "status", "opened_at", "opened_by", "closed_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            cycle = services.cycle_open(
                package=obj.package,
                title=obj.title_en,
                translated_titles={code: getattr(obj, f"title_{code}") for code in TRANSLATED_LANGUAGES},
                due_date=obj.due_date,
                by=request.user,
            )
        except services.FollowupError as error:
            raise PermissionDenied(str(error)) from error
        obj.pk = cycle.pk
        obj.opened_at, obj.opened_by = cycle.opened_at, cycle.opened_by

    @admin.action(description=gettext_lazy("Remind every country that has not submitted (past due date)"))
    def chase_late(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        total = sum(services.reminders_chase_late(cycle=cycle, by=request.user) for cycle in queryset)
        self.message_user(
            request, ngettext("%(count)d country reminded.", "%(count)d countries reminded.", total) % {"count": total}
        )


class ItemInline(ReadOnlyInline):
    model = ImplementationItem
    fields = ["recommendation", "response", "status", "lead_agency", "planned_completion", "updated_at"]


class SubmissionInline(ReadOnlyInline):
    model = Submission
    fields = ["number", "submitted_at", "submitted_by"]


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["at", "by", "kind", "version", "item", "changes", "note"]
    label_relations = ("item__recommendation", "item__report__cycle", "item__report__member_country")


class AwaitingReviewFilter(YesNoFilter):
    """What the to-do panel's "reports await the secretariat's assessment" link opens."""

    title = gettext_lazy("awaiting assessment")
    parameter_name = "awaiting_review"

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return reports_awaiting_review(queryset)
        if self.value() == "no":
            return queryset.exclude(pk__in=reports_awaiting_review().values("pk"))
        return queryset


@admin.register(CountryReport)
class CountryReportAdmin(ReadOnlyModelAdmin):
    list_display = ["member_country", "cycle", "status", "submission_count", "submitted_at", "returned_at"]
    list_filter = ["status", AwaitingReviewFilter, "cycle", "member_country__region"]
    search_fields = ["member_country__name", "member_country__iso2"]
    list_select_related = ["member_country", "cycle"]
    inlines = [ItemInline, SubmissionInline, ReportEventInline]
    change_form_template = "recommendations/admin/countryreport_change_form.html"

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        evidence = self.admin_site.admin_view(self.evidence_view)
        return [
            path("<int:object_id>/review/", review, name="recommendations_countryreport_review"),
            path("<int:object_id>/evidence/<int:pk>/", evidence, name="recommendations_countryreport_evidence"),
            *super().get_urls(),
        ]

    def _report(self, request, object_id) -> CountryReport:
        report = CountryReport.objects.select_related("cycle__package", "member_country").filter(pk=object_id).first()
        if report is None or not self.has_view_permission(request, report):
            raise Http404
        return report

    def evidence_view(self, request, object_id, pk):
        report = self._report(request, object_id)
        evidence = get_object_or_404(Evidence, pk=pk, item__report=report)
        if not evidence.file:
            raise Http404
        return evidence_file_response(evidence)

    def review_view(self, request, object_id):
        report = self._report(request, object_id)
        url = reverse("admin:recommendations_countryreport_review", args=[report.pk])
        send_back_form = SendBackForm()
        if request.method == "POST":
            if not self.has_change_permission(request, report):
                raise PermissionDenied
            try:
                if "send_back" in request.POST:
                    send_back_form = SendBackForm(request.POST)
                    if send_back_form.is_valid():
                        services.report_send_back(
                            report=report, request_text=send_back_form.cleaned_data["request"], by=request.user
                        )
                        self.message_user(request, _("The report was sent back; the team is emailed."))
                        return HttpResponseRedirect(url)
                else:
                    item = get_object_or_404(ImplementationItem, pk=request.POST.get("item"), report=report)
                    form = AssessmentForm(request.POST, prefix=f"i{item.pk}")
                    if form.is_valid():
                        services.item_assess(item=item, by=request.user, **form.cleaned_data)
                        self.message_user(
                            request,
                            _("Recommendation %(number)d assessed.") % {"number": item.recommendation.number},
                        )
                        return HttpResponseRedirect(url)
                    self.message_user(request, _("Choose a verdict."), messages.ERROR)
            except (ValidationError, services.FollowupError) as error:
                self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        rows = [
            {
                "row": row,
                "form": AssessmentForm(
                    prefix=f"i{row.item.pk}",
                    initial={"verdict": row.assessment.verdict, "comment": row.assessment.comment}
                    if row.assessment
                    else None,
                )
                if row.item
                else None,
            }
            for row in selectors.report_rows(report.cycle, report)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Review: %(report)s") % {"report": report},
            "report": report,
            "rows": rows,
            "latest_submission": report.submissions.order_by("-number").first(),
            "send_back_form": send_back_form,
            "may_change": self.has_change_permission(request, report),
        }
        return TemplateResponse(request, "recommendations/admin/countryreport_review.html", context)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyModelAdmin):
    list_display = ["kind", "step", "member_country", "cycle", "email", "status", "attempts", "sent_at", "created_by"]
    list_filter = ["kind", "status", "cycle"]
    search_fields = ["email", "member_country__name"]
    list_select_related = ["member_country", "cycle", "created_by"]
