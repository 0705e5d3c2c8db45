"""CSV/XLSX import and export of contacts (django-import-export), keyed by natural keys.

A file is imported whole or not at all: every row is validated like a form would (`full_clean`,
including the model's constraints) inside one transaction, and any bad row rolls the lot back.
Rows are saved one by one within that transaction (no bulk mode) so that a row is validated
against the rows above it: two primary contacts for one country in the same file are caught.
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from envcrime.exports import restore_neutralised

from .models import Contact, Language, MemberCountry, Organisation


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """Look a related object up by a readable code and explain, per row, when it does not exist."""

    def __init__(self, model, field, *, normalise=str.strip, not_found_message):
        super().__init__(model, field)
        self.normalise = normalise
        self.not_found_message = not_found_message

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        code = self.normalise(str(value))
        try:
            return self.get_queryset(code, row, **kwargs).get(**{self.field: code})
        except self.model.DoesNotExist:
            # A ValueError becomes a validation error of this column in the import preview.
            raise ValueError(str(self.not_found_message) % {"value": code}) from None


class LanguageWidget(widgets.CharWidget):
    """Accepts a language code in any case (`FR`, `fr`) or its English name (`French`)."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        by_label = {str(label).lower(): code for code, label in Language.choices}
        return by_label.get(text.lower(), text.lower())


def _upper(text: str) -> str:
    return text.strip().upper()


class ContactResource(resources.ModelResource):
    member_country = fields.Field(
        attribute="member_country",
        column_name="member_country",
        widget=NaturalKeyWidget(
            MemberCountry,
            "iso2",
            normalise=_upper,
            not_found_message=_("No member country has the ISO 3166 alpha-2 code “%(value)s”."),
        ),
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NaturalKeyWidget(
            Organisation, "short_name", not_found_message=_("No organisation has the short name “%(value)s”.")
        ),
    )
    preferred_language = fields.Field(
        attribute="preferred_language",
        column_name="preferred_language",
        widget=LanguageWidget(),
        default=Language.ENGLISH,
    )
    is_primary = fields.Field(
        attribute="is_primary", column_name="is_primary", widget=widgets.BooleanWidget(), default=False
    )
    is_active = fields.Field(
        attribute="is_active", column_name="is_active", widget=widgets.BooleanWidget(), default=True
    )

    class Meta:
        model = Contact
        fields = (
            "member_country",
            "organisation",
            "name",
            "title",
            "email",
            "phone",
            "preferred_language",
            "is_primary",
            "is_active",
        )
        export_order = fields
        # A contact is the same person when the address and the affiliation match: re-importing
        # an exported file updates rows instead of duplicating them.
        import_id_fields = ("member_country", "organisation", "email")
        clean_model_instances = True
        use_transactions = True
        skip_diff = False
        skip_unchanged = False
        use_bulk = False

    def before_import_row(self, row, **kwargs):
        # A file exported by the portal carries neutralised cells ("'+254 20 …"): take them back as typed.
        for column, value in row.items():
            row[column] = restore_neutralised(value)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # An unknown country or organisation code: treat the row as new so the same value
            # fails again while the row is filled in, where it is reported as a validation error
            # of that column instead of a traceback.
            return None

    def get_queryset(self):
        return Contact.objects.select_related("member_country", "organisation")

    def dehydrate_member_country(self, contact):
        return contact.member_country.iso2 if contact.member_country_id else ""

    def dehydrate_organisation(self, contact):
        return contact.organisation.short_name if contact.organisation_id else ""

    @classmethod
    def get_display_name(cls):
        return _("Contacts")
