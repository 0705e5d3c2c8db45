"""Content in four languages (django-modeltranslation): `title_en`, `title_fr`, … beside each field.

English is required and is the fallback; publishing renders a package in each language whose
translation is complete (services.publishing).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Obstacle, Recommendation, RecommendationPackage, ReportingCycle


@register(Obstacle)
class ObstacleTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Recommendation)
class RecommendationTranslationOptions(TranslationOptions):
    fields = ("title", "text")


@register(RecommendationPackage)
class PackageTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(ReportingCycle)
class ReportingCycleTranslationOptions(TranslationOptions):
    # Shown to liaisons on the follow-up pages and in the reminders, in their language.
    fields = ("title",)
