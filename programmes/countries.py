"""Country names in the reader's language, from the ISO 3166 translations that pycountry carries.

The English name is the portal's own (`MemberCountry.name`, from the organisation's data file); the
other languages translate pycountry's English name through its bundled gettext catalogs (domain
`iso3166-1`), and fall back to the English name where a catalog has no entry. All in memory: no query.
"""

import gettext
import unicodedata
from functools import lru_cache

import pycountry
from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils import translation


@lru_cache(maxsize=8)
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(iso2: str, language: str | None = None, default: str = "") -> str:
    """The country's name in `language` (the active one when None); `default` (else ISO's English name)
    in English or when no translation is known."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return _country_name(iso2, language, default)


@lru_cache(maxsize=4096)
def _country_name(iso2: str, language: str, default: str) -> str:
    record = pycountry.countries.get(alpha_2=(iso2 or "").upper())
    english = default or (record.name if record else iso2)
    if language == "en" or record is None:
        return english
    # ISO's catalogs key the translations by English name. The common name ("Bolivia") reads better
    # in a list than the formal one ("Bolivia, Plurinational State of"); the official name ("French
    # Republic") never is what a list shows. Membership, not a changed string, tells a translation:
    # French translates "France" as "France".
    messages = getattr(_catalog(language), "_catalog", {})
    for msgid in (getattr(record, "common_name", None), record.name):
        if msgid and messages.get(msgid):
            return messages[msgid]
    return english


def sort_key(name: str) -> str:
    """Alphabetical order for a reader of any of the portal's languages, without ICU: accents and
    Arabic short vowels stripped, case folded ("Égypte" sorts with "Egypte", "Åland" with "Aland")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def sorted_by_name(countries, language: str | None = None) -> list:
    """Member countries in the reader's alphabetical order of their names in the reader's language."""
    return sorted(countries, key=lambda country: sort_key(country_name(country.iso2, language, country.name)))


class _SortedCountryIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for country in sorted_by_name(self.queryset):
            yield self.choice(country)


class CountryChoiceField(forms.ModelChoiceField):
    """Member countries as choices, named and sorted in the reader's language."""

    iterator = _SortedCountryIterator
