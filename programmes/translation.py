"""The programme's name and description in four languages (django-modeltranslation), as on the home page.

English is required and is the fallback: a text not yet translated is shown in English.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Programme


@register(Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = ("name", "description")
