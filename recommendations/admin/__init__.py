from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from envcrime import workplace
from envcrime.admin import ReadOnlyInline, ReadOnlyModelAdmin, RegionalNetworkFilter, YesNoFilter
from envcrime.downloads import no_store, private_file
from envcrime.exports import SafeCSVWriter
from programmes.models import MemberCountry

from .. import services
from ..models import Delivery, DeliveryEvent, Distribution, DownloadEvent, Obstacle, Recommendation
from ..models import RecommendationPackage as Package


@admin.register(Obstacle)
class ObstacleAdmin(admin.ModelAdmin):
    list_display = ["title", "visit", "order"]
    list_filter = ["visit"]
    search_fields = ["title", "description"]
    list_select_related = ["visit"]


def next_recommendation_number(visit) -> int:
    """The number after the visit's highest (`visit` is a visit or its id)."""
    return (Recommendation.objects.filter(visit=visit).aggregate(highest=Max("number"))["highest"] or 0) + 1


class RecommendationAdminForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["visit", "number", "title", "text", "obstacles", "audience", "priority"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Leave empty for the next free number of the visit.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("number") is None and cleaned.get("visit"):
            cleaned["number"] = next_recommendation_number(cleaned["visit"])
        return cleaned


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    form = RecommendationAdminForm
    list_display = ["number", "title", "visit", "audience", "priority"]
    list_display_links = ["number", "title"]
    list_filter = ["visit", "audience", "priority"]
    search_fields = ["title", "text"]
    # Neither filter_horizontal nor autocomplete_fields: their JavaScript widgets leave an input
    # without a name and ARIA on a <span> (axe: serious, critical); the plain multiple select has its label.
    list_select_related = ["visit"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # "Add recommendation" from a visit's list (`?visit=<id>`) proposes the visit's next number.
        if str(initial.get("visit", "")).isdigit():
            initial["number"] = next_recommendation_number(initial["visit"])
        return initial

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "obstacles":
            kwargs["queryset"] = Obstacle.objects.select_related("visit")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class DistributedFilter(admin.SimpleListFilter):
    title = gettext_lazy("distributed")
    parameter_name = "distributed"

    def lookups(self, request, model_admin):
        return [("no", gettext_lazy("Published, not distributed"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return workplace.packages_not_distributed(queryset)
        return queryset


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["title", "visit", "version", "status", "published_at", "document_link", "distributions_link"]
    list_filter = ["status", DistributedFilter, "visit"]
    list_select_related = ["visit"]
    search_fields = ["title"]
    actions = ["publish", "distribute", "new_version"]
    readonly_fields = [
        "status",
        "published_at",
        "published_by",
        "document_link",
        "document_sha256",
        "document_size",
        "superseded_by",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            # Published content is frozen: a correction is a new version.
            return ["visit", "version", "title", "summary", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Bulk delete would bypass the freeze of published packages.
        actions.pop("delete_selected", None)
        return actions

    def get_urls(self):
        return [
            path(
                "<id:pk>/document/",
                self.admin_site.admin_view(self.document_view),
                name="recommendations_package_document",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("document"))
    def document_link(self, obj):
        if not obj.document:
            return "—"
        url = reverse("admin:recommendations_package_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("PDF"))

    @admin.display(description=gettext_lazy("distributions"))
    def distributions_link(self, obj):
        if obj.status == Package.Status.DRAFT:
            return "—"
        url = reverse("admin:recommendations_distribution_changelist") + f"?package__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Distributions"))

    def document_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        package = self.get_object(request, unquote(str(pk)))
        if package is None or not package.document:
            raise Http404
        document = package.document.open("rb")
        return private_file(document, filename=package.download_filename, content_type="application/pdf")

    @admin.action(
        description=gettext_lazy("Publish the selected draft packages (renders the PDF)"), permissions=["change"]
    )
    def publish(self, request, queryset):
        for package in queryset:
            try:
                package = services.package_publish(package=package, by=request.user)
            except services.RecommendationsError as error:
                self.message_user(request, f"{package}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(package)s published (SHA-256 %(sha)s).")
                    % {"package": package, "sha": package.document_sha256},
                    messages.SUCCESS,
                )

    @admin.action(
        description=gettext_lazy("Distribute the selected packages to every member country"), permissions=["change"]
    )
    def distribute(self, request, queryset):
        last = None
        for package in queryset:
            try:
                started = services.distribution_start(package=package, started_by=request.user)
            except services.RecommendationsError as error:
                self.message_user(request, f"{package}: {error}", messages.ERROR)
                continue
            last = started.distribution
            self.message_user(
                request,
                _("%(package)s: %(created)d new deliveries queued, %(requeued)d resumed.")
                % {"package": package, "created": started.created, "requeued": started.requeued},
                messages.SUCCESS,
            )
            if started.broker_unavailable:
                self.message_user(request, services.BROKER_UNAVAILABLE_MESSAGE, messages.WARNING)
        if last is not None and queryset.count() == 1:
            return HttpResponseRedirect(reverse("admin:recommendations_distribution_change", args=[last.pk]))
        return None

    @admin.action(
        description=gettext_lazy("Create a new draft version of the selected packages"), permissions=["change"]
    )
    def new_version(self, request, queryset):
        for package in queryset:
            draft = services.package_new_version(package=package)
            self.message_user(
                request, _("Draft version %(version)d created.") % {"version": draft.version}, messages.SUCCESS
            )


def _country_rows(distribution: Distribution) -> list[dict]:
    rows = (
        Delivery.objects.filter(distribution=distribution)
        .values("member_country__name", "member_country__iso2")
        .annotate(
            **services.progress_counts(),
            downloaded=Count("pk", filter=Q(first_downloaded_at__isnull=False)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        )
        .order_by("member_country__name")
    )
    return [
        {
            "name": row["member_country__name"],
            "iso2": row["member_country__iso2"],
            "progress": services.progress_from(row),
            "downloaded": row["downloaded"],
            "acknowledged": row["acknowledged"],
        }
        for row in rows
    ]


class FailedDeliveriesFilter(admin.SimpleListFilter):
    title = gettext_lazy("failed deliveries")
    parameter_name = "failed"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Some failed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return workplace.distributions_with_failures(queryset)
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
            .annotate(**services.progress_counts("deliveries__"))
        )

    @admin.display(description=gettext_lazy("progress"))
    def progress_summary(self, obj):
        progress = services.progress_from(obj)
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
        progress = services.progress_from(distribution)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Distribution of %(package)s") % {"package": distribution.package},
            "distribution": distribution,
            "progress": progress,
            "countries": _country_rows(distribution),
            "can_retry": self.has_change_permission(request, distribution),
            "progress_url": reverse("admin:recommendations_distribution_progress", args=[distribution.pk]),
            "report_url": reverse("admin:recommendations_distribution_report", args=[distribution.pk]),
            "retry_url": reverse("admin:recommendations_distribution_retry_failed", args=[distribution.pk]),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def progress_view(self, request, pk):
        distribution = self._distribution(request, pk)
        progress = services.progress_from(distribution)
        finished_at = distribution.finished_at
        response = JsonResponse(
            {
                "total": progress.total,
                "sent": progress.sent,
                "failed": progress.failed,
                "queued": progress.queued,
                "sending": progress.sending,
                "pending": progress.pending,
                "percent": progress.percent,
                "done": progress.done,
                "finished_at": finished_at.isoformat() if finished_at else None,
            }
        )
        return no_store(response)

    def report_view(self, request, pk):
        distribution = self._distribution(request, pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = (
            f"delivery-report-{distribution.package.visit.slug}-v{distribution.package.version}-{distribution.pk}.csv"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        no_store(response)
        writer = SafeCSVWriter(response)
        writer.writerow(
            [
                "country_iso2",
                "country",
                "region",
                "contact",
                "email",
                "language",
                "status",
                "attempts",
                "last_error",
                "sent_at",
                "first_downloaded_at",
                "download_count",
                "acknowledged_at",
            ]
        )
        deliveries = (
            Delivery.objects.filter(distribution=distribution)
            .select_related("member_country", "contact")
            .order_by("member_country__name", "pk")
        )
        for d in deliveries.iterator(chunk_size=2000):
            writer.writerow(
                [
                    d.member_country.iso2,
                    d.member_country.name,
                    d.member_country.get_region_display(),
                    d.contact.name,
                    d.email,
                    d.language,
                    d.status,
                    d.attempts,
                    d.last_error,
                    d.sent_at.isoformat() if d.sent_at else "",
                    d.first_downloaded_at.isoformat() if d.first_downloaded_at else "",
                    d.download_count,
                    d.acknowledged_at.isoformat() if d.acknowledged_at else "",
                ]
            )
        missing = distribution.countries_without_contact
        regions = {
            country.iso2: country.get_region_display()
            for country in MemberCountry.objects.filter(iso2__in=[country["iso2"] for country in missing])
        }
        for country in missing:
            writer.writerow(
                [
                    country["iso2"],
                    country["name"],
                    regions.get(country["iso2"], ""),
                    "",
                    "",
                    "",
                    "no_primary_contact",
                    0,
                    "",
                    "",
                    "",
                    0,
                    "",
                ]
            )
        return response

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
            return workplace.deliveries_acknowledgement_overdue(timezone.now(), queryset)
        return super().queryset(request, queryset)


class DownloadedFilter(YesNoFilter):
    title = gettext_lazy("downloaded")
    parameter_name = "downloaded"

    def condition(self, request):
        return Q(first_downloaded_at__isnull=False)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyModelAdmin):
    """Read-only: deliveries change through the workflow (and "retry failed"), never by hand."""

    list_display = ["email", "member_country", "package", "status", "attempts", "sent_at", "acknowledged_at"]
    list_filter = [
        "status",
        AcknowledgedFilter,
        DownloadedFilter,
        "member_country__region",
        RegionalNetworkFilter,
        "package",
    ]
    search_fields = ["email", "member_country__name", "contact__name"]
    list_select_related = ["member_country", "package"]
    ordering = ["member_country__name", "pk"]
    inlines = [DeliveryEventInline]


@admin.register(DownloadEvent)
class DownloadEventAdmin(ReadOnlyModelAdmin):
    list_display = ["package", "user", "via", "downloaded_at", "client_address"]
    list_filter = ["via", "package"]
    list_select_related = ["package", "user"]

    def has_change_permission(self, request, obj=None):
        return False


# The follow-up admin lives in its own module; importing it registers its model admins.
from . import followup  # noqa: E402, F401
