"""Admin of distributions and what they leave behind: deliveries, their events, download events.

The custom views (progress page, progress JSON, CSV report, retry) read through selectors and write
through services.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from envcrime.admin import FastChangeListMixin, ReadOnlyInline, ReadOnlyModelAdmin, RegionalNetworkFilter, YesNoFilter
from envcrime.downloads import no_store, private_download

from .. import selectors, services
from ..models import Delivery, DeliveryEvent, Distribution, DownloadEvent
from ..resources import delivery_report_csv
from ..selectors import attention


class FailedDeliveriesFilter(admin.SimpleListFilter):
    title = gettext_lazy("failed deliveries")
    parameter_name = "failed"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Some failed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return attention.distributions_with_failures(queryset)
        return queryset


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    list_display = ["package", "started_at", "started_by", "finished_at", "progress_summary"]
    list_filter = [FailedDeliveriesFilter, "package"]
    list_select_related = ["package", "started_by"]
    change_form_template = "recommendations/admin/distribution_progress.html"

    def has_add_permission(self, request):
        # A distribution starts from its package (admin action or `distribute_package`).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each distribution comes with its progress, counted in the same query (the list, the page,
        # the JSON the page polls).
        return (
            super()
            .get_queryset(request)
            .select_related("package__visit", "started_by")
            .annotate(**selectors.progress_counts("deliveries__"))
        )

    @admin.display(description=gettext_lazy("progress"))
    def progress_summary(self, obj):
        progress = selectors.progress_from(obj)
        return _("%(sent)d sent, %(failed)d failed, %(pending)d pending of %(total)d") % {
            "sent": progress.sent,
            "failed": progress.failed,
            "pending": progress.pending,
            "total": progress.total,
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<id:pk>/progress.json", view(self.progress_view), name="recommendations_distribution_progress"),
            path("<id:pk>/report.csv", view(self.report_view), name="recommendations_distribution_report"),
            path(
                "<id:pk>/retry-failed/",
                view(require_POST(self.retry_failed_view)),
                name="recommendations_distribution_retry_failed",
            ),
            *super().get_urls(),
        ]

    def _distribution(self, request, object_id) -> Distribution:
        """The distribution with its progress; a malformed or unknown id is a 404."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        distribution = self.get_object(request, unquote(str(object_id)))
        if distribution is None:
            raise Http404
        return distribution

    def change_view(self, request, object_id, form_url="", extra_context=None):
        distribution = self._distribution(request, object_id)
        progress = selectors.progress_from(distribution)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Distribution of %(package)s") % {"package": distribution.package},
            "distribution": distribution,
            "progress": progress,
            "countries": selectors.distribution_country_rows(distribution),
            "can_retry": self.has_change_permission(request, distribution),
            "progress_url": reverse("admin:recommendations_distribution_progress", args=[distribution.pk]),
            "report_url": reverse("admin:recommendations_distribution_report", args=[distribution.pk]),
            "retry_url": reverse("admin:recommendations_distribution_retry_failed", args=[distribution.pk]),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def progress_view(self, request, pk):
        distribution = self._distribution(request, pk)
        finished_at = distribution.finished_at
        response = JsonResponse(
            {
                **selectors.progress_from(distribution).as_dict(),
                "finished_at": finished_at.isoformat() if finished_at else None,
            }
        )
        return no_store(response)

    def report_view(self, request, pk):
        distribution = self._distribution(request, pk)
        package = distribution.package
        filename = f"delivery-report-{package.visit.slug}-v{package.version}-{distribution.pk}.csv"
        return private_download(
            delivery_report_csv(selectors.delivery_report_rows(distribution)).encode(),
            filename=filename,
            content_type="text/csv; charset=utf-8",
        )

    def retry_failed_view(self, request, pk):
        distribution = self._distribution(request, pk)
        if not self.has_change_permission(request, distribution):
            raise PermissionDenied
        count = services.deliveries_retry_failed(distribution=distribution, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d failed delivery queued again.", "%(count)d failed deliveries queued again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
        return HttpResponseRedirect(reverse("admin:recommendations_distribution_change", args=[distribution.pk]))


class DeliveryEventInline(ReadOnlyInline):
    model = DeliveryEvent
    fields = ["at", "from_status", "to_status", "by", "note"]


class AcknowledgedFilter(YesNoFilter):
    title = gettext_lazy("acknowledged")
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [*super().lookups(request, model_admin), ("overdue", gettext_lazy("Overdue"))]

    def condition(self, request):
        return Q(acknowledged_at__isnull=False)

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return attention.deliveries_acknowledgement_overdue(timezone.now(), queryset)
        return super().queryset(request, queryset)


class DownloadedFilter(YesNoFilter):
    title = gettext_lazy("downloaded")
    parameter_name = "downloaded"

    def condition(self, request):
        return Q(first_downloaded_at__isnull=False)


class PackageFilter(admin.RelatedFieldListFilter):
    """The packages to filter by, by title and version: not every package's frozen content."""

    def field_choices(self, field, request, model_admin):
        return [(package.pk, str(package)) for package in field.related_model._default_manager.only("title", "version")]


@admin.register(Delivery)
class DeliveryAdmin(FastChangeListMixin, ReadOnlyModelAdmin):
    """Read-only: deliveries change through the workflow (and "retry failed"), never by hand."""

    list_display = ["email", "member_country", "package", "status", "attempts", "sent_at", "acknowledged_at"]
    list_filter = [
        "status",
        AcknowledgedFilter,
        DownloadedFilter,
        "member_country__region",
        RegionalNetworkFilter,
        ("package", PackageFilter),
    ]
    search_fields = ["email", "member_country__name", "contact__name"]
    list_select_related = ["member_country", "package"]
    ordering = ["member_country__name", "pk"]
    inlines = [DeliveryEventInline]

    def get_queryset(self, request):
        # A row shows the package's title and version: never its frozen content (a JSON document) per row.
        return super().get_queryset(request).defer("package__content", "package__summary")


@admin.register(DownloadEvent)
class DownloadEventAdmin(ReadOnlyModelAdmin):
    list_display = ["package", "user", "via", "downloaded_at", "client_address"]
    list_filter = ["via", "package"]
    list_select_related = ["package", "user"]

    def has_change_permission(self, request, obj=None):
        return False
