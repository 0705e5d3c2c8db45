from django import forms
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


class LanguageForm(forms.Form):
    """The language switcher's post: one of the portal's languages, and a page of this site to return to."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_next(self):
        target = self.cleaned_data["next"] or "/"
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            # Never shown: the switcher posts the current page; anything else was tampered with.
            raise forms.ValidationError("not a page of this site")
        return target
