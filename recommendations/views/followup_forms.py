"""Forms of the follow-up pages: they parse input; the rules live in services.followup."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Assessment, ImplementationItem


class ItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ImplementationItem
        fields = ["response", "justification", "status", "lead_agency", "actions_taken", "planned_completion"]
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 2}),
            "actions_taken": forms.Textarea(attrs={"rows": 3}),
            "planned_completion": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "justification": _("Required unless the recommendation is supported."),
            "status": _("“Fully implemented” needs at least one piece of evidence."),
        }

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("save", _("Save draft"), css_class="btn-primary"))

    def clean(self):
        data = super().clean()
        if "version" in self.errors:
            # A hidden field shows no error of its own: say it where the user can see it.
            raise forms.ValidationError(_("This page is out of date or was altered: reload it and try again."))
        return data

    def _post_clean(self):
        """No model validation here: the service checks the rules (with the evidence it counts under lock)."""

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, image or office document, at most 10 MB.")
    )
    url = forms.URLField(label=_("or a link"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"enctype": "multipart/form-data"}
        button = Submit("add", _("Add evidence"))
        # crispy's default "btn btn-primary" plus an outline class would draw dark text on a dark button.
        button.field_classes = "btn btn-outline-primary btn-sm"
        self.helper.add_input(button)

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Add either a file or a link."))
        return data


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(
        label=_("I confirm that this report may be sent to the Programme on behalf of my country."), required=True
    )


class AssessmentForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Secretariat assessment"), choices=Assessment.Verdict.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SendBackForm(forms.Form):
    request = forms.CharField(
        label=_("Clarification requested"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
