"""Admin of translated content (django-modeltranslation): one field per language, tabs per language.

modeltranslation's tabbed admin loads jQuery UI from a CDN, which the CSP forbids; the tabs here are
a small static script of the portal's own (static/admin-workplace/translation-tabs.js).
"""

from django import forms
from modeltranslation.admin import TranslationAdmin, TranslationInlineModelAdmin

from .admin import BoundedInline

LANGUAGE_TABS = forms.Media(
    js=["admin-workplace/translation-tabs.js"], css={"all": ["admin-workplace/translation-tabs.css"]}
)


class TabbedTranslationAdmin(TranslationAdmin):
    """English is required; French, Spanish and Arabic may follow (English is shown until then)."""

    @property
    def media(self):
        return super().media + LANGUAGE_TABS


class BoundedTranslationInline(TranslationInlineModelAdmin, BoundedInline):
    """A bounded tabular inline (envcrime.admin.BoundedInline) whose translated columns follow the tabs."""
