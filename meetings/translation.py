"""Content in four languages (django-modeltranslation): `title_en`, `title_fr`, … beside each field.

English is required and is the fallback: a text not yet translated is shown in English.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import AgendaItem, Visit


@register(Visit)
class VisitTranslationOptions(TranslationOptions):
    fields = ("title", "description", "summary", "venue", "city")


@register(AgendaItem)
class AgendaItemTranslationOptions(TranslationOptions):
    fields = ("title", "description", "location", "speaker")
