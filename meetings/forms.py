import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from programmes.countries import CountryChoiceField
from programmes.models import MemberCountry, Organisation

from .models import Registration, Visit
from .services import (
    FORM_FIELDS,
    REQUIRED_FIELDS,
    RESPONSIBILITIES_MAX_LENGTH,
    RegistrationData,
    registration_errors,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RegistrationForm(forms.ModelForm):
    """The service's data as a form: its fields and its rules (`registration_errors`), which the service
    checks again under the visit lock."""

    member_country = CountryChoiceField(
        queryset=MemberCountry.objects.active(),
        required=False,
        label=_("Member country"),
        empty_label=_("— not a member country —"),
        help_text=_("Choose this if you come on behalf of your country's authorities."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        label=_("Organisation"),
        empty_label=_("— not an organisation —"),
        help_text=_("Or this, if you come on behalf of a network, an international organisation or an NGO."),
    )

    class Meta:
        model = Registration
        # The fields of the service's data: one list for the form, the service and the row.
        fields = FORM_FIELDS
        widgets = {
            "arrival_date": DateInput(),
            "departure_date": DateInput(),
            "responsibilities": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "full_name": _("Full name (as in your passport)"),
            "needs_visa_letter": _("I need a visa invitation letter"),
            "consent_to_participant_list": _("Show my name and affiliation on the participant list"),
        }
        help_texts = {
            "responsibilities": _("Your responsibilities in the fight against environmental crime."),
            "nationality": _("Required for the visa invitation letter."),
            "passport_number": _("Optional; printed on the invitation letter when given."),
            "consent_to_participant_list": _(
                "Only programme staff, liaisons and the visit's confirmed participants see the list."
            ),
        }

    def __init__(self, *args, visit: Visit, **kwargs):
        self.visit = visit
        super().__init__(*args, **kwargs)
        for name in REQUIRED_FIELDS:
            self.fields[name].required = True
        # The browser stops at the limit too; the message comes from the rules.
        self.fields["responsibilities"].widget.attrs["maxlength"] = RESPONSIBILITIES_MAX_LENGTH
        self.helper = FormHelper()
        self.helper.form_id = "registration-form"
        self.helper.layout = Layout(
            Fieldset(_("About you"), "full_name", "job_title", "agency", "responsibilities"),
            Fieldset(
                _("Whom you represent"),
                HTML(
                    '<p class="text-body-secondary small">{}</p>'.format(
                        _("Choose one: a member country or an organisation.")
                    )
                ),
                Row(Column("member_country"), Column("organisation")),
            ),
            Fieldset(_("Travel"), Row(Column("arrival_date"), Column("departure_date"))),
            Fieldset(_("Visa"), "needs_visa_letter", Row(Column("nationality"), Column("passport_number"))),
            Fieldset(_("Your needs"), Row(Column("dietary_needs"), Column("accessibility_needs"))),
            Fieldset(_("Participant list"), "consent_to_participant_list"),
            Submit("submit", _("Register"), css_class="btn-success btn-lg"),
        )

    @classmethod
    def initial_for(cls, *, visit: Visit, user) -> dict:
        return {
            "full_name": user.get_full_name(),
            "arrival_date": visit.start_date - datetime.timedelta(days=1),
            "departure_date": visit.end_date + datetime.timedelta(days=1),
        }

    def clean(self):
        cleaned = super().clean()
        # Fields the form could not read are None here; their own message already says why.
        data = self._data(cleaned, language="")
        affiliation_unread = "member_country" in self.errors or "organisation" in self.errors
        for name, messages in registration_errors(visit=self.visit, data=data).items():
            if name in self.errors or (name == NON_FIELD_ERRORS and affiliation_unread):
                continue
            for message in messages:
                self.add_error(None if name == NON_FIELD_ERRORS else name, message)
        return cleaned

    def _post_clean(self):
        # The model's own checks (constraints) would need visit and delegate, which the service sets;
        # the service validates under the visit lock, the database enforces the constraints.
        pass

    @staticmethod
    def _data(cleaned: dict, *, language: str) -> RegistrationData:
        values = {name: cleaned.get(name) for name in FORM_FIELDS}
        values["nationality"] = (values["nationality"] or "").strip()
        return RegistrationData(language=language, **values)

    def to_data(self, *, language: str) -> RegistrationData:
        return self._data(self.cleaned_data, language=language)


class NominationRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the delegate)"),
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the nomination is rejected: the delegate will read it.")},
    )
