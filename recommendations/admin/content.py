"""Admin of the content staff write: obstacles, recommendations and the packages that freeze them."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from envcrime.downloads import private_file
from envcrime.translation_admin import TabbedTranslationAdmin

from .. import services
from ..models import Obstacle, Recommendation
from ..models import RecommendationPackage as Package
from ..selectors import attention, next_recommendation_number


@admin.register(Obstacle)
class ObstacleAdmin(TabbedTranslationAdmin):
    list_display = ["title", "visit", "order"]
    list_filter = ["visit"]
    search_fields = ["title", "description"]
    list_select_related = ["visit"]


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
class RecommendationAdmin(TabbedTranslationAdmin):
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
            return attention.packages_not_distributed(queryset)
        return queryset


@admin.register(Package)
class PackageAdmin(TabbedTranslationAdmin):
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
        "languages",
        "superseded_by",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            # Published content is frozen: a correction is a new version.
            return self.replace_orig_field(["visit", "version", "title", "summary", *self.readonly_fields])
        return super().get_readonly_fields(request, obj)

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

    @admin.display(description=gettext_lazy("languages"))
    def languages(self, obj):
        # Each language's frozen PDF and its checksum, from the snapshot (no query).
        if obj.status == Package.Status.DRAFT:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # a constant separator, nothing from the user
            "{}: <code>{}</code> ({} bytes)",
            (
                (code, document["sha256"], document["size"])
                for code, document in services.package_documents(obj).items()
            ),
        )

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
