"""Publishing a package: freeze its content, render the PDF once, supersede the older version."""

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from envcrime.pdf import render_pdf
from meetings.selectors import participants_for_package

from ..models import Obstacle, Recommendation
from ..models import RecommendationPackage as Package
from .errors import PackageIsEmpty, PackageNotDraft, PackageVersionOutdated

PDF_TEMPLATE = "recommendations/pdf/package.html"


def _snapshot_content(package: Package) -> dict:
    """The frozen content of a package: what the PDF shows, independent of later edits."""
    visit = package.visit
    obstacles = list(Obstacle.objects.filter(visit=visit).order_by("order", "pk"))
    obstacle_numbers = {obstacle.pk: index for index, obstacle in enumerate(obstacles, start=1)}
    recommendations = Recommendation.objects.filter(visit=visit).prefetch_related("obstacles").order_by("number")
    affiliations: dict[str, list[str]] = {}
    for registration in participants_for_package(visit):
        names = affiliations.setdefault(str(registration.affiliation), [])
        # Names appear only with the delegate's consent; the affiliation is always listed.
        if registration.consent_to_participant_list:
            names.append(registration.full_name)
    return {
        "visit": {
            "title": visit.title,
            "slug": visit.slug,
            "venue": visit.venue,
            "city": visit.city,
            "host_country": str(visit.host_country or ""),
            "start_date": visit.start_date.isoformat(),
            "end_date": visit.end_date.isoformat(),
        },
        "participants": [{"affiliation": key, "names": names} for key, names in affiliations.items()],
        "obstacles": [
            {"number": obstacle_numbers[o.pk], "title": o.title, "description": o.description} for o in obstacles
        ],
        "recommendations": [
            {
                "number": r.number,
                "title": r.title,
                "text": r.text,
                "audience": r.audience,
                "priority": r.priority,
                "obstacles": sorted(obstacle_numbers[o.pk] for o in r.obstacles.all() if o.pk in obstacle_numbers),
            }
            for r in recommendations
        ],
    }


def package_document_context(package: Package, content: dict, published_at) -> dict:
    """The frozen content as the PDF and the package pages show it."""
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
    visit["start_date"] = date.fromisoformat(visit["start_date"])
    visit["end_date"] = date.fromisoformat(visit["end_date"])
    return {
        "package": package,
        "visit": visit,
        "published_at": published_at,
        "participants": content["participants"],
        "obstacles": content["obstacles"],
        "recommendations": recommendations,
    }


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
    document = render_pdf(PDF_TEMPLATE, package_document_context(package, content, now))
    package.document.save(package.download_filename, ContentFile(document), save=False)
    # Should the transaction roll back, the file written above is an orphan, not a lie:
    # no row points at it.
    package.content = content
    package.document_sha256 = hashlib.sha256(document).hexdigest()
    package.document_size = len(document)
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
        title=package.title,
        summary=package.summary,
    )
