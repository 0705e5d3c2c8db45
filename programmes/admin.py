from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from envcrime.admin import BoundedInline, FastChangeListMixin, SafeExportMixin
from envcrime.translation_admin import TabbedTranslationAdmin

from .models import Contact, CrimeArea, MemberCountry, Organisation, Programme
from .resources import ContactResource
from .roles import DELEGATE, LIAISON


class CrimeAreaInline(BoundedInline):
    model = CrimeArea
    extra = 0
    max_num = 50


@admin.register(Programme)
class ProgrammeAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "crime_area_count", "updated_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [CrimeAreaInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(crime_area_count=Count("crime_areas"))

    @admin.display(description=_("crime areas"), ordering="crime_area_count")
    def crime_area_count(self, programme):
        return programme.crime_area_count


def _active_primary_contacts():
    return Contact.objects.active_primary().filter(member_country=OuterRef("pk"))


class HasPrimaryContactFilter(admin.SimpleListFilter):
    title = _("has primary contact")
    parameter_name = "has_primary_contact"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        # Unknown values (a tampered URL) leave the list unfiltered rather than failing.
        if self.value() == "yes":
            return queryset.filter(Exists(_active_primary_contacts()))
        if self.value() == "no":
            return queryset.exclude(Exists(_active_primary_contacts()))
        return queryset


class ContactInline(BoundedInline):
    """The contacts of a country or an organisation; subclasses name the side (`fk_name`)."""

    model = Contact
    fields = ("name", "title", "email", "phone", "preferred_language", "is_primary", "is_active", "user")
    raw_id_fields = ("user",)
    extra = 0
    max_num = 200
    show_change_link = True


class CountryContactInline(ContactInline):
    fk_name = "member_country"


@admin.register(MemberCountry)
class MemberCountryAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "iso2", "iso3", "joined_year", "is_active", "primary_contact")
    list_filter = ("region", "is_active", HasPrimaryContactFilter)
    search_fields = ("name", "iso2", "iso3")
    ordering = ("name",)
    inlines = [CountryContactInline]

    def get_queryset(self, request):
        # One query for the whole page: the primary contact's name comes as a subquery.
        return (
            super()
            .get_queryset(request)
            .annotate(primary_contact_name=Subquery(_active_primary_contacts().values("name")[:1]))
        )

    @admin.display(description=_("primary contact"), ordering="primary_contact_name")
    def primary_contact(self, country):
        return country.primary_contact_name or "—"


class OrganisationContactInline(ContactInline):
    fk_name = "organisation"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "member_country_count", "partner_count", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("short_name", "name", "description")
    filter_horizontal = ("member_countries", "partners")
    # Django 6 will assume https for scheme-less URLs; choose it now (and silence the warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [OrganisationContactInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_country_count=Count("member_countries", distinct=True),
                partner_count=Count("partners", distinct=True),
            )
        )

    @admin.display(description=_("member countries"), ordering="member_country_count")
    def member_country_count(self, organisation):
        return organisation.member_country_count

    @admin.display(description=_("partners"), ordering="partner_count")
    def partner_count(self, organisation):
        return organisation.partner_count


@admin.register(Contact)
class ContactAdmin(FastChangeListMixin, SafeExportMixin, ImportExportModelAdmin):
    resource_classes = [ContactResource]
    import_formats = [CSV, XLSX]
    import_template_name = "programmes/admin/contact_import.html"

    list_display = (
        "name",
        "email",
        "member_country",
        "organisation",
        "preferred_language",
        "is_primary",
        "is_active",
        "user",
    )
    list_filter = (
        "preferred_language",
        "is_primary",
        "is_active",
        ("member_country__region", admin.ChoicesFieldListFilter),
        ("organisation__kind", admin.ChoicesFieldListFilter),
    )
    list_select_related = ("member_country", "organisation", "user")
    search_fields = (
        "name",
        "email",
        "member_country__name",
        "member_country__iso2",
        "organisation__short_name",
        "organisation__name",
    )
    autocomplete_fields = ("member_country", "organisation", "user")
    fieldsets = (
        (None, {"fields": ("name", "title", "email", "phone", "preferred_language")}),
        (
            _("Affiliation"),
            {
                "fields": ("member_country", "organisation"),
                "description": _("Exactly one: a member country (its NCB) or an organisation."),
            },
        ),
        (_("Role"), {"fields": ("is_primary", "is_active", "user")}),
    )

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The preview already refused bad files; should the data have changed since (another
        # primary contact added meanwhile), the confirmed import must also write nothing.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, _import_failure_message(result))
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)


def _import_failure_message(result) -> str:
    problems = [f"{line}: {errors[0].error}" for line, errors in result.row_errors()]
    problems += [f"{row.number}: {'; '.join(row.error.messages)}" for row in result.invalid_rows]
    return gettext("Nothing was imported. Rows with problems: %(rows)s") % {"rows": " · ".join(problems[:10])}


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Superusers manage every account; programme staff only give delegates and liaisons their role.

    A staff member who is not a superuser sees no staff or superuser accounts, cannot set passwords,
    cannot change an email address (a password reset would then take the account over) and can only
    choose the Liaison or Delegate group, so nobody can raise their own rights.
    """

    STAFF_ASSIGNABLE_GROUPS = (LIAISON, DELEGATE)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(is_staff=False, is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return (
            (None, {"fields": ("username", "email")}),
            (_("Personal info"), {"fields": ("first_name", "last_name")}),
            (_("Role"), {"fields": ("is_active", "groups")}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("username", "email", "last_login", "date_joined")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=self.STAFF_ASSIGNABLE_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
