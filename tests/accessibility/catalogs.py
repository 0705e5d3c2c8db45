"""The portal's messages as `makemessages` extracts them now, and the pseudo-locale built from them.

`extract_messages()` runs the README's `makemessages` command in a temporary copy of the project's source
(its .py, .html and .txt files outside tests/, bench/ and the virtualenv), so that the real locale/ folder is never
written to: under a second on the development machine. Its result is what the catalogs must cover.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.apps import apps

from tests.fixtures import PROJECT_DIR

LANGUAGES = ("fr", "es", "ar")
# Top-level folders that are not the portal's source (the README's makemessages ignores .venv, tests and bench).
NOT_SOURCE = {".venv", ".git", "tests", "bench", "locale", "staticfiles", "media", "test-artifacts", "node_modules"}
PSEUDO_LANGUAGE = "fr"  # a language the portal offers; its catalog is replaced by the pseudo one in the test


def extract_messages(workdir: Path) -> polib.POFile:
    source = workdir / "source"
    for path in PROJECT_DIR.rglob("*"):
        relative = path.relative_to(PROJECT_DIR)
        if path.suffix in (".py", ".html", ".txt") and relative.parts[0] not in NOT_SOURCE and path.is_file():
            target = source / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    (source / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "xx", "--no-obsolete", "--no-location"],
        cwd=source,
        check=True,
        capture_output=True,
    )
    return polib.pofile(str(source / "locale" / "xx" / "LC_MESSAGES" / "django.po"))


def message_key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def third_party_messages(language: str = PSEUDO_LANGUAGE) -> list[polib.POEntry]:
    """Every message of Django's and the installed apps' own catalogs (allauth, the admin, import-export...)."""
    paths = [Path(__import__("django").__file__).parent / "conf" / "locale" / language / "LC_MESSAGES" / "django.po"]
    paths += [Path(app.path) / "locale" / language / "LC_MESSAGES" / "django.po" for app in apps.get_app_configs()]
    entries = []
    for path in paths:
        if path.exists() and not str(path).startswith(str(PROJECT_DIR / "locale")):
            entries.extend(entry for entry in polib.pofile(str(path)) if not entry.obsolete)
    return entries


# Left as they are: placeholders (%(name)s, %s, {name}), HTML tags and entities.
_KEEP = re.compile(
    r"(%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%[-#0 +]*\d*(?:\.\d+)?[sdifrxX%]|\{[\w.]*\}|<[^>]*>|&#?\w+;)"
)
_ACCENTS = str.maketrans("aeiouyAEIOUYcnCN", "áéíóúýÁÉÍÓÚÝçñÇÑ")
OPEN, CLOSE = "⟦", "⟧"


def pseudo(text: str) -> str:
    if not text:
        return text
    parts = _KEEP.split(text)
    return OPEN + "".join(part if i % 2 else part.translate(_ACCENTS) for i, part in enumerate(parts)) + CLOSE


def write_pseudo_catalog(entries, directory: Path, language: str = PSEUDO_LANGUAGE) -> Path:
    """A compiled catalog translating every message of `entries` into its pseudo form, in a LOCALE_PATHS folder."""
    catalog = polib.POFile()
    catalog.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": language,
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    seen = set()
    for entry in entries:
        if not entry.msgid or message_key(entry) in seen:
            continue
        seen.add(message_key(entry))
        pseudo_entry = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural)
        if entry.msgid_plural:
            pseudo_entry.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
        else:
            pseudo_entry.msgstr = pseudo(entry.msgid)
        catalog.append(pseudo_entry)
    target = directory / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalog.save_as_mofile(str(target / "django.mo"))
    return directory
