"""Participant exports for staff (CSV and XLSX from the registrations admin)."""

from import_export import fields, resources

from .models import Registration


class RegistrationResource(resources.ModelResource):
    """Everything staff need to organise the visit: all registrations, every status."""

    visit = fields.Field(attribute="visit__title", column_name="visit")
    email = fields.Field(attribute="delegate__email", column_name="email")
    member_country = fields.Field(attribute="member_country__name", column_name="member country")
    organisation = fields.Field(attribute="organisation__name", column_name="organisation")
    status = fields.Field(column_name="status")

    class Meta:
        model = Registration
        name = "All registrations (staff only)"
        fields = [
            "id",
            "visit",
            "full_name",
            "email",
            "job_title",
            "member_country",
            "organisation",
            "status",
            "submitted_at",
            "confirmed_at",
            "arrival_date",
            "departure_date",
            "needs_visa_letter",
            "nationality",
            "dietary_needs",
            "accessibility_needs",
            "consent_to_participant_list",
            "language",
        ]
        export_order = fields

    def dehydrate_status(self, registration):
        return registration.get_status_display()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("visit", "delegate", "member_country", "organisation")


class PublicParticipantResource(resources.ModelResource):
    """The list that may be shared: confirmed delegates who consented, name and affiliation only."""

    visit = fields.Field(attribute="visit__title", column_name="visit")
    represents = fields.Field(column_name="represents")

    class Meta:
        model = Registration
        name = "Public participant list (confirmed, consenting)"
        fields = ["visit", "full_name", "represents"]
        export_order = fields

    def dehydrate_represents(self, registration):
        return str(registration.affiliation)

    def filter_export(self, queryset, **kwargs):
        return (
            queryset.filter(status=Registration.Status.CONFIRMED, consent_to_participant_list=True)
            .select_related("visit", "member_country", "organisation")
            .order_by("visit__start_date", "full_name", "pk")
        )
