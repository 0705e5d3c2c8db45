import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import MemberCountry, Organisation

from .models import Registration, Visit
from .services import RegistrationData, stay_errors

RESPONSIBILITIES_MAX_LENGTH = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RegistrationForm(forms.ModelForm):
    """Checks the shape of the answers; the service enforces the visit's rules again under lock."""

    member_country = forms.ModelChoiceField(
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
        fields = [
            "full_name",
            "job_title",
            "agency",
            "responsibilities",
            "member_country",
            "organisation",
            "arrival_date",
            "departure_date",
            "needs_visa_letter",
            "nationality",
            "passport_number",
            "dietary_needs",
            "accessibility_needs",
            "consent_to_participant_list",
        ]
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
        for name in ("full_name", "job_title", "arrival_date", "departure_date"):
            self.fields[name].required = True
        # The model's text fields have no length limit; the form gives one, with a clear message.
        self.fields["responsibilities"] = forms.CharField(
            label=self.fields["responsibilities"].label,
            help_text=self.fields["responsibilities"].help_text,
            required=False,
            max_length=RESPONSIBILITIES_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "max_length": _("Please keep this under %(limit_value)d characters (it has %(show_value)d).")
            },
        )
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
        country, organisation = cleaned.get("member_country"), cleaned.get("organisation")
        if country and organisation:
            self.add_error(None, _("Choose either a member country or an organisation, not both."))
        elif (
            not country
            and not organisation
            and "member_country" not in self.errors
            and "organisation" not in self.errors
        ):
            self.add_error(None, _("Choose the member country or the organisation you represent."))
        for name, message in stay_errors(
            visit=self.visit, arrival_date=cleaned.get("arrival_date"), departure_date=cleaned.get("departure_date")
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        if cleaned.get("needs_visa_letter") and not (cleaned.get("nationality") or "").strip():
            self.add_error("nationality", _("Tell us your nationality so that we can write the invitation letter."))
        return cleaned

    def _post_clean(self):
        # The model's own checks (constraints) would need visit and delegate, which the service sets;
        # the service validates under the visit lock, the database enforces the constraints.
        pass

    def to_data(self, *, language: str) -> RegistrationData:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["nationality"] = values["nationality"].strip()
        return RegistrationData(language=language, **values)


class NominationRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the delegate)"),
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the nomination is rejected: the delegate will read it.")},
    )
