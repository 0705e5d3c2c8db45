"""Guards of the translations (issue 10).

1. The fr, es and ar catalogs cover every message the portal marks today: a fresh `makemessages` extraction
   (into a temporary copy of the source, tests/accessibility/catalogs.py, about a second) is compared with
   each committed catalog; a message missing, empty (any plural form too) or fuzzy fails, as does a catalog
   `msgfmt --check` refuses (what `compilemessages` runs) or a committed .mo that is older than its .po.
2. No user-visible text outside the translation tags: a pseudo-locale catalog (every message of the portal
   and of Django's and the installed apps' catalogs, each rendered ⟦wíth áççéñts⟧) is compiled into a
   temporary LOCALE_PATHS folder; the ten key pages and a few more are rendered in it, their visible text
   (text, aria-label, title, placeholder, alt, button values) is taken, the ⟦…⟧ parts and the data are
   removed, and any Latin word left is English that did not come through a catalog.
3. The ten key pages of the demo (`seed_demo`, whose content helper `content` translates) in French,
   Spanish and Arabic contain no English sentence except proper names; Arabic pages are right to left with
   Bootstrap's RTL stylesheet.

1 and 3 depend on the translators' catalogs and the translated demo content merged at the end of issue 10.
"""

import contextlib
import re
import subprocess

import polib
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import models
from django.urls import NoReverseMatch, reverse

from programmes.countries import country_name
from programmes.models import MemberCountry
from tests.accessibility.catalogs import (
    CLOSE,
    LANGUAGES,
    OPEN,
    PSEUDO_LANGUAGE,
    extract_messages,
    message_key,
    third_party_messages,
    write_pseudo_catalog,
)
from tests.accessibility.pages import key_pages
from tests.accessibility.visible_text import visible_text
from tests.fixtures import PROJECT_DIR

LOCALE_DIR = PROJECT_DIR / "locale"
# <select> fields whose options are data: member countries and organisations, listed by their names.
DATA_SELECTS = ("member_country", "organisation")
# Shown in their own language on purpose: the language switcher names each language in itself.
LANGUAGE_NAMES = {"English", "français", "español", "العربيّة", "Français", "Español", "العربية"}
# Proper names the portal's own words contain (its brand) and file types: never translated.
PROPER_NAMES = ("EnvCrime", "PDF", "ICS", ".ics", "TOTP", "NGO")
SEPARATOR = "\x1f"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    return extract_messages(tmp_path_factory.mktemp("makemessages"))


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def untranslated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def sample(messages: list[str], limit: int = 15) -> str:
    shown = "\n  ".join(repr(message[:90]) for message in messages[:limit])
    return f"{len(messages)}:\n  {shown}" + ("\n  ..." if len(messages) > limit else "")


def choose_language(client, language: str) -> None:
    """As a reader does: the language switcher (which also saves a signed-in user's choice), and the cookie."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    with contextlib.suppress(NoReverseMatch):  # should the switcher's URL be renamed
        client.post(reverse("set_language"), {"language": language, "next": "/"})


# 1. Catalogs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_has_every_message_translated(extracted, language):
    entries = {message_key(entry): entry for entry in catalog(language) if not entry.obsolete}
    wanted = [entry for entry in extracted if entry.msgid]
    missing = [entry.msgid for entry in wanted if message_key(entry) not in entries]
    present = [entries[message_key(entry)] for entry in wanted if message_key(entry) in entries]
    empty = [entry.msgid for entry in present if untranslated(entry)]
    fuzzy = [entry.msgid for entry in present if entry.fuzzy]
    problems = [
        f"{what} in locale/{language}: {sample(found)}"
        for what, found in (("missing", missing), ("empty", empty), ("fuzzy", fuzzy))
        if found
    ]
    assert not problems, f"{len(wanted)} messages extracted now; " + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_compiles_and_its_mo_is_current(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # The compiled catalog is committed (no gettext tools needed to run the portal): it must say the same.
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in polib.mofile(str(po.with_suffix(".mo")))}
    stale = [
        entry.msgid
        for entry in polib.pofile(str(po)).translated_entries()
        if (found := compiled.get((entry.msgctxt, entry.msgid))) is None
        or (found.msgstr_plural or {0: found.msgstr}) != (entry.msgstr_plural or {0: entry.msgstr})
    ]
    assert not stale, f"locale/{language}/LC_MESSAGES/django.mo is not compiled from its .po: {sample(stale)}"


# 2. Text outside the translation tags ----------------------------------------------------------------------


def database_strings() -> list[str]:
    """Everything stored as text in the portal's tables (titles, names, descriptions...): data, not the
    portal's words. Fields with choices are left out: their stored values are codes, shown through labels."""
    found = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("programmes", "meetings", "recommendations", "auth"):
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        if fields and model._meta.model_name != "permission":
            for row in model._default_manager.values_list(*fields):
                found.update(value for value in row if value and len(value) >= 2)
    # Country names are data in the reader's language (ISO 3166's own catalogs, not the portal's).
    found.update(
        country_name(iso2, PSEUDO_LANGUAGE, name) for iso2, name in MemberCountry.objects.values_list("iso2", "name")
    )
    return sorted(found, key=len, reverse=True)


def unmarked_english(chunks: list[str], data: list[str]) -> list[str]:
    """The chunks with Latin words that neither came through a catalog (⟦…⟧) nor are data or proper names.

    A message may hold markup (`Then please <a href=...>sign in</a>.`): its ⟦…⟧ then spans several chunks,
    so the marked parts are removed from the whole page's text before it is split into chunks again.
    """
    text = SEPARATOR.join(chunks)
    while (stripped := re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)) != text:
        text = stripped
    found = []
    for chunk in text.split(SEPARATOR):
        left = chunk
        for value in data:
            if value in left:
                left = left.replace(value, " ")
        for name in (*PROPER_NAMES, *LANGUAGE_NAMES):
            left = left.replace(name, " ")
        left = re.sub(r"\S+@\S+", " ", left)  # email addresses
        if re.search(r"[A-Za-z]{2,}", left):
            found.append(chunk.strip())
    return found


@pytest.mark.django_db
def test_every_visible_word_of_the_key_pages_comes_through_a_catalog(client, extracted, settings, tmp_path):
    settings.LOCALE_PATHS = [write_pseudo_catalog([*extracted, *third_party_messages()], tmp_path / "pseudo")]
    pages = key_pages()
    more_anonymous = [("past visits", "/visits/past/"), ("password reset", "/accounts/password/reset/")]
    more_signed_in = [
        ("follow-up cycles", "/follow-up/"),
        ("nominations", "/visits/nominations/"),
        ("directory", "/directory/"),
        ("not found", "/visits/no-such-visit/"),
    ]
    signed_in = False
    found = {}
    for name, path, needs_user in [
        *pages.all[:5],
        *[(n, p, False) for n, p in more_anonymous],
        *pages.all[5:],
        *[(n, p, True) for n, p in more_signed_in],
    ]:
        if needs_user and not signed_in:
            client.force_login(pages.liaison)
            signed_in = True
        choose_language(client, PSEUDO_LANGUAGE)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=PSEUDO_LANGUAGE)
        assert response.status_code == (404 if name == "not found" else 200), f"{path}: {response.status_code}"
        html = response.content.decode()
        assert f'lang="{PSEUDO_LANGUAGE}"' in html and OPEN in html, f"{path} is not in the pseudo-locale"
        if english := unmarked_english(visible_text(html, skip_options_of=DATA_SELECTS), database_strings()):
            found[f"{name} ({path})"] = english
    assert not found, "text outside the translation tags:\n" + "\n".join(
        f"  {page}: {chunks}" for page, chunks in found.items()
    )


# 3. The demo in French, Spanish and Arabic -----------------------------------------------------------------

# Words only English has among the four languages (no French or Spanish word is spelt like one of them).
ENGLISH_ONLY = {
    "the",
    "and",
    "of",
    "to",
    "is",
    "are",
    "for",
    "with",
    "your",
    "you",
    "this",
    "that",
    "from",
    "have",
    "has",
    "will",
    "not",
    "be",
    "by",
    "which",
    "their",
    "was",
    "were",
    "it",
    "its",
    "at",
    "can",
    "when",
    "into",
    "been",
    "should",
    "what",
    "who",
    "how",
    "here",
    "than",
    "these",
    "those",
    "only",
    "also",
    "about",
    "after",
    "before",
    "please",
    "any",
    "each",
    "would",
    "could",
    "our",
    "my",
    "they",
    "them",
    "we",
    "us",
    "there",
    "yet",
}
# Proper names in the demo that stay as they are in every language.
DEMO_PROPER_NAMES = (
    "EnvCrime",
    "Lyon",
    "Singapore",
    "LATF",
    "SAWEN",
    "ASEAN-WEN",
    "ICCWC",
    "Freeland",
    "IFAW",
    "Kenya Wildlife Service",
    "NCB",
)


def english_sentences(chunks: list[str], english_messages: set[str], translated: set[str]) -> list[str]:
    """Chunks that are a portal message left in English, or that read as English (two English-only words)."""
    found = []
    for chunk in chunks:
        text = re.sub(r"\S+@\S+", " ", chunk)
        for name in (*DEMO_PROPER_NAMES, *LANGUAGE_NAMES):
            text = text.replace(name, " ")
        words = re.findall(r"[A-Za-z]+", text)
        if (text.strip() in english_messages and text.strip() not in translated) or sum(
            word.lower() in ENGLISH_ONLY for word in words
        ) >= 2:
            found.append(chunk)
    return found


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_demo_key_pages_are_in_the_reader_language(client, extracted, language, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from meetings.demo import UPCOMING_SLUG
    from programmes.demo import DEMO_PASSWORD  # noqa: F401  (the demo accounts are signed in without it)
    from recommendations.models import RecommendationPackage, ReportingCycle

    package = RecommendationPackage.objects.filter(status="published").latest("published_at")
    cycle = ReportingCycle.objects.filter(package=package).latest("pk")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    anonymous = ["/", "/visits/", f"/visits/{UPCOMING_SLUG}/", "/accounts/signup/", "/accounts/login/"]
    as_delegate = [f"/visits/{UPCOMING_SLUG}/register/", "/visits/mine/"]
    as_liaison = ["/packages/", f"/packages/{package.pk}/", f"/follow-up/{cycle.pk}/"]

    messages = [entry for entry in extracted if entry.msgid and not entry.msgid_plural]
    english_messages = {entry.msgid for entry in messages}
    # A message whose translation is spelt as in English ("Documents", "Total") is not left untranslated.
    translated = {entry.msgid for entry in catalog(language) if entry.msgstr == entry.msgid}
    found = {}
    for user_email, paths in (
        (None, anonymous),
        ("delegate@example.org", as_delegate),
        ("ncb.ke@example.org", as_liaison),
    ):
        client.logout()
        if user_email:
            client.force_login(user_model.objects.get(email=user_email))
        choose_language(client, language)
        for path in paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, f"{path}: {response.status_code}"
            html = response.content.decode()
            assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html, path
            rtl_css = "bootstrap.rtl.min.css" in html
            assert rtl_css == (language == "ar"), f"{path}: RTL stylesheet {'missing' if language == 'ar' else 'used'}"
            if english := english_sentences(
                visible_text(html, skip_options_of=DATA_SELECTS), english_messages, translated
            ):
                found[path] = english
    assert not found, f"English on the {language} pages:\n" + "\n".join(f"  {p}: {c}" for p, c in found.items())
