"""Publishing a package: freeze its content, render its PDFs once (one per complete language), supersede
the older version."""

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from envcrime.pdf import render_pdf
from meetings.selectors import participants_for_package
from programmes.countries import country_name, sort_key
from programmes.languages import normalise_language
from programmes.models import Language

from ..models import Obstacle, PackageDocument, Recommendation
from ..models import RecommendationPackage as Package
from .errors import PackageIsEmpty, PackageNotDraft, PackageVersionOutdated

PDF_TEMPLATE = "recommendations/pdf/package.html"


def _text(obj, field: str, language: str) -> str:
    # The stored value in one language, without modeltranslation's fallback to English.
    return getattr(obj, f"{field}_{language}") or ""


def _is_complete(package: Package, obstacles: list, recommendations: list, language: str) -> bool:
    """Every text filled in English is filled in `language` too (English itself always is)."""
    if language == Language.ENGLISH:
        return True
    pairs = [(package, "title"), (package, "summary")]
    pairs += [(o, field) for o in obstacles for field in ("title", "description")]
    pairs += [(r, field) for r in recommendations for field in ("title", "text")]
    return all(
        _text(obj, field, language).strip() for obj, field in pairs if _text(obj, field, Language.ENGLISH).strip()
    )


def _language_texts(package: Package, visit, obstacles, recommendations, language: str) -> dict:
    return {
        "package": {"title": _text(package, "title", language), "summary": _text(package, "summary", language)},
        # The visit's texts fall back to English: they do not hold a translation back.
        "visit": {
            field: _text(visit, field, language) or _text(visit, field, Language.ENGLISH)
            for field in ("title", "venue", "city")
        },
        "obstacles": [
            {"title": _text(o, "title", language), "description": _text(o, "description", language)} for o in obstacles
        ],
        "recommendations": [
            {"title": _text(r, "title", language), "text": _text(r, "text", language)} for r in recommendations
        ],
    }


def _snapshot_content(package: Package) -> dict:
    """The frozen content of a package: what the PDFs show, independent of later edits.

    The top level is the English text (as before the translations); `translations` holds, for each
    language whose translation is complete, its texts in the same order; `languages` lists them all.
    """
    visit = package.visit
    obstacles = list(Obstacle.objects.filter(visit=visit).order_by("order", "pk"))
    obstacle_numbers = {obstacle.pk: index for index, obstacle in enumerate(obstacles, start=1)}
    recommendations = list(Recommendation.objects.filter(visit=visit).prefetch_related("obstacles").order_by("number"))
    affiliations: dict[str, list[str]] = {}
    country_codes: dict[str, str] = {}
    for registration in participants_for_package(visit):
        # The English names (a country's str() is in the active language); each language's document
        # names the countries in its own language from their ISO code.
        if country := registration.member_country:
            key = country.name
            country_codes[key] = country.iso2
        else:
            key = registration.organisation.name if registration.organisation else ""
        names = affiliations.setdefault(key, [])
        # Names appear only with the delegate's consent; the affiliation is always listed.
        if registration.consent_to_participant_list:
            names.append(registration.full_name)
    english = Language.ENGLISH
    languages = [code for code in Language.values if _is_complete(package, obstacles, recommendations, code)]
    return {
        "languages": languages,
        "package": {"title": _text(package, "title", english), "summary": _text(package, "summary", english)},
        "visit": {
            "title": _text(visit, "title", english),
            "slug": visit.slug,
            "venue": _text(visit, "venue", english),
            "city": _text(visit, "city", english),
            "host_country": visit.host_country.name if visit.host_country else "",
            "host_country_iso2": visit.host_country.iso2 if visit.host_country else "",
            "start_date": visit.start_date.isoformat(),
            "end_date": visit.end_date.isoformat(),
        },
        "participants": [
            {"affiliation": key, "iso2": country_codes.get(key, ""), "names": names}
            for key, names in affiliations.items()
        ],
        "obstacles": [
            {
                "number": obstacle_numbers[o.pk],
                "title": _text(o, "title", english),
                "description": _text(o, "description", english),
            }
            for o in obstacles
        ],
        "recommendations": [
            {
                "number": r.number,
                "title": _text(r, "title", english),
                "text": _text(r, "text", english),
                "audience": r.audience,
                "priority": r.priority,
                "obstacles": sorted(obstacle_numbers[o.pk] for o in r.obstacles.all() if o.pk in obstacle_numbers),
            }
            for r in recommendations
        ],
        "translations": {
            code: _language_texts(package, visit, obstacles, recommendations, code)
            for code in languages
            if code != english
        },
    }


def package_languages(content: dict) -> list[str]:
    """The languages a published package exists in (English only for one frozen before them)."""
    return content.get("languages") or [Language.ENGLISH]


def _content_in(content: dict, language: str) -> dict:
    """The snapshot with the texts of `language` laid over the English ones (same order, same numbers)."""
    texts = content.get("translations", {}).get(language)
    if not texts:
        return content
    return {
        **content,
        "package": texts["package"],
        "visit": {**content["visit"], **texts["visit"]},
        "obstacles": [{**o, **t} for o, t in zip(content["obstacles"], texts["obstacles"], strict=True)],
        "recommendations": [
            {**r, **t} for r, t in zip(content["recommendations"], texts["recommendations"], strict=True)
        ],
    }


def _participants_in(participants: list[dict], language: str) -> list[dict]:
    """The participant rows with country names in `language`: organisations first, then the countries,
    each in the reader's alphabetical order (a snapshot frozen before the ISO codes keeps its names)."""
    rows = [
        {**row, "affiliation": country_name(row["iso2"], language, row["affiliation"])} if row.get("iso2") else row
        for row in participants
    ]
    return sorted(rows, key=lambda row: (bool(row.get("iso2")), sort_key(row["affiliation"])))


def package_document_context(package: Package, content: dict, published_at, language: str = Language.ENGLISH) -> dict:
    """The frozen content, in `language` where the package exists in it, as the PDF and the pages show it."""
    if language not in package_languages(content):
        language = Language.ENGLISH
    content = _content_in(content, language)
    audiences = dict(Recommendation.Audience.choices)
    priorities = dict(Recommendation.Priority.choices)
    obstacles_by_number = {o["number"]: o for o in content["obstacles"]}
    recommendations = [
        {
            **r,
            "audience_label": audiences.get(r["audience"], r["audience"]),
            "priority_label": priorities.get(r["priority"], r["priority"]),
            "obstacle_items": [obstacles_by_number[n] for n in r["obstacles"] if n in obstacles_by_number],
        }
        for r in content["recommendations"]
    ]
    visit = dict(content["visit"])
    if iso2 := visit.get("host_country_iso2"):
        visit["host_country"] = country_name(iso2, language, visit["host_country"])
    visit["start_date"] = date.fromisoformat(visit["start_date"])
    visit["end_date"] = date.fromisoformat(visit["end_date"])
    # A package frozen before the translations has no `package` texts in its snapshot: its own fields.
    texts = content.get("package") or {"title": package.title_en or "", "summary": package.summary_en or ""}
    return {
        "package": package,
        "language": language,
        "language_bidi": get_language_info(language)["bidi"],
        "title": texts["title"],
        "summary": texts["summary"],
        "visit": visit,
        "published_at": published_at,
        "participants": _participants_in(content["participants"], language),
        "obstacles": content["obstacles"],
        "recommendations": recommendations,
    }


def package_documents(package: Package) -> dict[str, dict]:
    """Checksum and size of each language's document, from the snapshot (no query); a package frozen
    before the translations has its English one only."""
    documents = package.content.get("documents")
    if documents:
        return documents
    return {Language.ENGLISH: {"sha256": package.document_sha256, "size": package.document_size}}


def reader_language(package: Package, *preferences: str | None) -> str:
    """The first of the reader's languages the package exists in, else English."""
    available = package_languages(package.content)
    for language in preferences:
        language = normalise_language(language)
        if language in available:
            return language
    return Language.ENGLISH


def _render_documents(package: Package, content: dict, published_at) -> list[PackageDocument]:
    """One PDF per language of the package, each rendered in its language, with its checksum."""
    documents = []
    for language in package_languages(content):
        with translation.override(language):
            pdf = render_pdf(PDF_TEMPLATE, package_document_context(package, content, published_at, language))
        document = PackageDocument(
            package=package, language=language, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf)
        )
        document.file.save(package.language_filename(language), ContentFile(pdf), save=False)
        documents.append(document)
    return documents


@transaction.atomic
def package_publish(*, package: Package, by) -> Package:
    """Snapshot the content, render the PDF once, store it with its checksum, freeze the package.

    The published version of the same visit, always a lower one, becomes superseded by this one. A
    draft older than the visit's latest published version is refused: it would replace newer content.
    """
    visit_id = Package.objects.values_list("visit_id", flat=True).get(pk=package.pk)
    # Every version of the visit is locked, so two publications of one visit happen one after the other.
    versions = {
        p.pk: p
        for p in Package.objects.select_for_update(of=("self",))
        .select_related("visit")
        .filter(visit_id=visit_id)
        .order_by("pk")
    }
    package = versions[package.pk]
    if package.status != Package.Status.DRAFT:
        raise PackageNotDraft(_("Only a draft package can be published; this one is already frozen."))
    latest = max((p.version for p in versions.values() if p.is_frozen), default=None)
    if latest is not None and package.version < latest:
        raise PackageVersionOutdated(
            _(
                "Version %(version)d cannot be published: version %(latest)d of this visit is already "
                "published. Make the corrections in a new version instead."
            )
            % {"version": package.version, "latest": latest}
        )
    content = _snapshot_content(package)
    if not content["recommendations"]:
        raise PackageIsEmpty(_("The visit has no recommendations yet: there is nothing to publish."))
    now = timezone.now()
    # Should the transaction roll back, the files written here are orphans, not lies: no row
    # points at them.
    documents = _render_documents(package, content, now)
    english = next(d for d in documents if d.language == Language.ENGLISH)
    # The English document is also the package's own: what predates the translations reads it.
    package.document.name = english.file.name
    # Each language's checksum and size travel with the snapshot: the pages show them without a query.
    content["documents"] = {d.language: {"sha256": d.sha256, "size": d.size} for d in documents}
    package.content = content
    package.document_sha256 = english.sha256
    package.document_size = english.size
    package.status = Package.Status.PUBLISHED
    package.published_at = now
    package.published_by = by
    package.save(
        update_fields=[
            "content",
            "document",
            "document_sha256",
            "document_size",
            "status",
            "published_at",
            "published_by",
            "updated_at",
        ]
    )
    PackageDocument.objects.bulk_create(documents)
    superseded = [p for p in versions.values() if p.status == Package.Status.PUBLISHED and p.version < package.version]
    for older in superseded:
        older.status = Package.Status.SUPERSEDED
        older.superseded_by = package
        older.save(update_fields=["status", "superseded_by", "updated_at"])
    return package


@transaction.atomic
def package_new_version(*, package: Package) -> Package:
    """A new draft for the same visit: the way to correct a frozen package.

    The visit row is locked first, so concurrent calls for one visit take turns; the highest version
    is read only after the lock is held (a lock on the aggregate itself is dropped by Django: there
    is no row to lock), so each call sees the version the previous one created.
    """
    visit_id = Package.objects.select_for_update(of=("visit",)).select_related("visit").get(pk=package.pk).visit_id
    latest = Package.objects.filter(visit_id=visit_id).aggregate(v=Max("version"))["v"]
    return Package.objects.create(
        visit_id=visit_id,
        version=(latest or 0) + 1,
        **{
            f"{field}_{code}": getattr(package, f"{field}_{code}")
            for field in ("title", "summary")
            for code in Language.values
        },
    )
