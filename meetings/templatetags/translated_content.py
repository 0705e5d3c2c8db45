"""Translated content in templates: mark the text shown in English because its translation is missing.

modeltranslation falls back to English on its own; these say when it did, so that the page can put
`lang="en"` on that text (screen readers switch voice) and a discreet "not yet translated" note.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from programmes.languages import normalise_language

register = template.Library()

ENGLISH = "en"


def falls_back(obj, field: str) -> bool:
    """True when `obj.<field>` shows English because the active language's text is empty."""
    language = normalise_language(get_language()) or ENGLISH
    if language == ENGLISH or obj is None:
        return False
    try:
        translated = getattr(obj, f"{field}_{language}")
    except AttributeError:  # not a translated field, or a language without columns
        return False
    return not translated and bool(getattr(obj, f"{field}_{ENGLISH}", ""))


@register.simple_tag
def fallback_lang(obj, field):
    """` lang="en" dir="ltr"` on an element whose text is the English fallback, else nothing."""
    return mark_safe(' lang="en" dir="ltr"') if falls_back(obj, field) else ""


@register.filter
def untranslated(obj, fields: str) -> bool:
    """`visit|untranslated:"title,description"`: any of these texts is shown in English."""
    return any(falls_back(obj, field.strip()) for field in fields.split(","))


@register.filter
def agenda_untranslated(agenda) -> bool:
    """Any item of an agenda (the `(number, day, items)` rows of the visit page) shown in English."""
    return any(
        untranslated(item, "title,description,location,speaker") for _number, _day, items in agenda for item in items
    )
