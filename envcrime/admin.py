"""Admin building blocks shared by the apps.

The apps import this module, so it imports no app at module level (tests/test_import_direction.py):
the admin site, which reads every app for the to-do panel, lives in `admin_site`."""

import functools

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, FieldDoesNotExist
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .caching import cache_staff_page
from .exports import EXPORT_FORMATS


class LabelledInlineFormSet(BaseInlineFormSet):
    """A table cell's input has no <label> (the column heading is not one for screen readers): each
    input is named by its field's label, the "delete" box included."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


class BoundedInline(admin.TabularInline):
    """An editable inline whose `max_num` is enforced: more rows in a post is a form error.

    The admin sets no `validate_max`, so a post with more forms than `max_num` (below Django's
    absolute maximum) would otherwise be validated and saved row by row."""

    formset = LabelledInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)


def _is_foreign_key(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).many_to_one
    except FieldDoesNotExist:  # a method or an admin attribute, not a field
        return False


class RowsOfTheParentFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # A row's label often names its parent (a tabular inline prints it): the object already loaded,
        # not a query per row.
        self.fk.set_cached_value(form.instance, self.instance)
        return form


class ReadOnlyInline(admin.TabularInline):
    """A record kept by the workflow (status history, attendance, delivery events): shown, never edited."""

    formset = RowsOfTheParentFormSet
    extra = 0
    # Existing rows are always shown; this only says none is added through the form.
    max_num = 0
    can_delete = False
    # Relations the rows' labels read beyond the shown foreign keys (which are joined anyway).
    label_relations: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        # Every shown foreign key joined: read-only rows print each one, a query per row otherwise.
        shown = [name for name in self.fields if _is_foreign_key(self.model, name)]
        return super().get_queryset(request).select_related(*shown, *self.label_relations)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FastChangeListMixin:
    """For the changelists of thousands of rows (contacts, registrations, deliveries).

    - One count per page, not two: the "(N total)" beside a filtered result needs a second count of the
      whole table.
    - The action checkbox written directly: Django renders a form widget through the template engine
      for every row, a third of the time of a 100-row page in a profile.
    - The page is cached per account, language and URL until a table it read is written
      (envcrime.caching.cache_staff_page): staff come back to the same list, filter and page many times.
      A hit skips the changelist's own permission check, which the cached page passed for the same
      account: any change to its groups or permissions changes the key's tables.
    """

    show_full_result_count = False

    def changelist_view(self, request, extra_context=None):
        return self._cached_changelist_view(request, extra_context=extra_context)

    @functools.cached_property
    def _cached_changelist_view(self):
        # Wrapped once per admin, not per request.
        return cache_staff_page(super().changelist_view)

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Rows that only the workflow writes: every field read-only, never added or deleted by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SafeExportMixin:
    """What every admin with an import-export "Export" button shares: formula-safe CSV/XLSX, and a
    tampered query string (`?format=0`, which import-export hands to the changelist filters) is a
    400, not a 500."""

    export_formats = EXPORT_FORMATS

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadRequest(gettext("The export URL has a filter this list does not know.")) from error


class YesNoFilter(admin.SimpleListFilter):
    """A yes/no list filter over one condition (`condition()` returns a Q); any other value is ignored."""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def condition(self, request) -> Q:
        raise NotImplementedError

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition(request))
        if self.value() == "no":
            return queryset.exclude(self.condition(request))
        return queryset


class RegionalNetworkFilter(admin.SimpleListFilter):
    """Rows of the member countries taking part in a regional enforcement network (and, where the
    model has one, rows affiliated with the network itself)."""

    title = _("regional network")
    parameter_name = "network"
    organisation_field = None

    def lookups(self, request, model_admin):
        from programmes.models import Organisation

        networks = Organisation.objects.filter(kind=Organisation.Kind.REGIONAL_NETWORK).order_by("short_name")
        return [(str(network.pk), network.short_name or network.name) for network in networks]

    def queryset(self, request, queryset):
        if self.value() not in {value for value, _label in self.lookup_choices}:
            return queryset
        from programmes.models import MemberCountry

        # A subquery, not a join: a country in several networks would repeat the row.
        condition = Q(member_country__in=MemberCountry.objects.filter(networks__pk=self.value()))
        if self.organisation_field:
            condition |= Q(**{f"{self.organisation_field}__pk": self.value()})
        return queryset.filter(condition)
