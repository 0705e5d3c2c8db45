import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from recommendations import services
from recommendations.models import RecommendationPackage
from recommendations.services import publishing
from tests.factories import DelegateFactory, RegistrationFactory, StaffFactory, VisitFactory, member_country

from .factories import DraftPackageFactory, ObstacleFactory, RecommendationFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "recommendations"

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def visit_with_recommendations():
    visit = VisitFactory(title="Familiarization visit Lyon", city="Lyon")
    communication = ObstacleFactory(visit=visit, title="Insufficient communication", order=1)
    access = ObstacleFactory(visit=visit, title="Lack of access to tools by frontline officers", order=2)
    RecommendationFactory(visit=visit, number=1, title="Designate a focal point", obstacles=[communication])
    RecommendationFactory(visit=visit, number=2, title="Extend secure access to agencies", obstacles=[access])
    RecommendationFactory(
        visit=visit, number=3, title="Review past operations together", obstacles=[communication, access]
    )
    RegistrationFactory(
        visit=visit, delegate=DelegateFactory(), full_name="Amina Odhiambo", consent_to_participant_list=True
    )
    RegistrationFactory(
        visit=visit,
        delegate=DelegateFactory(),
        member_country=member_country("NP"),
        full_name="Hidden Person",
        consent_to_participant_list=False,
    )
    return visit


def test_publishing_renders_one_valid_pdf_with_every_recommendation_and_a_matching_checksum(
    visit_with_recommendations, monkeypatch
):
    staff = StaffFactory()
    package = DraftPackageFactory(visit=visit_with_recommendations, title="Lyon recommendations")
    renders = []
    original = publishing.render_pdf
    monkeypatch.setattr(publishing, "render_pdf", lambda *a, **k: renders.append(1) or original(*a, **k))

    published = services.package_publish(package=package, by=staff)

    assert len(renders) == 1
    published.refresh_from_db()
    assert published.status == RecommendationPackage.Status.PUBLISHED
    assert published.published_by == staff and published.published_at is not None
    data = published.document.read()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == published.document_sha256
    assert len(data) == published.document_size
    text = _pdf_text(data)
    for title in ["Designate a focal point", "Extend secure access to agencies", "Review past operations together"]:
        assert title in text
    assert "Insufficient communication" in text
    assert "Amina Odhiambo" in text
    assert "Hidden Person" not in text, "a delegate who did not consent is not named"
    assert "Nepal" in text, "their country still took part"
    assert len(PdfReader(io.BytesIO(data)).pages) >= 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "package.pdf").write_bytes(data)


def test_a_published_package_is_frozen_and_never_rendered_again(visit_with_recommendations, monkeypatch):
    package = services.package_publish(package=DraftPackageFactory(visit=visit_with_recommendations), by=None)
    checksum = package.document_sha256
    monkeypatch.setattr(publishing, "render_pdf", lambda *a, **k: pytest.fail("rendered twice"))

    with pytest.raises(services.PackageNotDraft):
        services.package_publish(package=package, by=None)

    package.refresh_from_db()
    assert package.document_sha256 == checksum
    assert hashlib.sha256(package.document.read()).hexdigest() == checksum


def test_content_is_a_snapshot_later_edits_need_a_new_version(visit_with_recommendations):
    package = services.package_publish(package=DraftPackageFactory(visit=visit_with_recommendations), by=None)
    visit_with_recommendations.recommendations.filter(number=1).update(title="Changed afterwards")
    package.refresh_from_db()
    assert package.content["recommendations"][0]["title"] == "Designate a focal point"
    assert package.content["recommendations"][2]["obstacles"] == [1, 2]

    draft = services.package_new_version(package=package)
    assert (draft.version, draft.status, draft.title) == (2, "draft", package.title)
    services.package_publish(package=draft, by=None)

    package.refresh_from_db()
    draft.refresh_from_db()
    assert package.status == RecommendationPackage.Status.SUPERSEDED
    assert package.superseded_by == draft
    assert draft.content["recommendations"][0]["title"] == "Changed afterwards"


def test_a_visit_without_recommendations_cannot_be_published():
    package = DraftPackageFactory()
    with pytest.raises(services.PackageIsEmpty):
        services.package_publish(package=package, by=None)
    package.refresh_from_db()
    assert package.status == RecommendationPackage.Status.DRAFT and not package.document


def test_a_visit_without_participants_still_publishes():
    visit = VisitFactory()
    RecommendationFactory(visit=visit, number=1, title="Only recommendation")
    package = services.package_publish(package=DraftPackageFactory(visit=visit), by=None)
    text = _pdf_text(package.document.read())
    assert "Only recommendation" in text
    assert "No confirmed participants" in text


def test_an_older_draft_cannot_be_published_over_a_newer_published_version():
    visit = VisitFactory()
    RecommendationFactory(visit=visit, number=1)
    first = services.package_publish(package=DraftPackageFactory(visit=visit, version=1), by=None)
    older_draft = services.package_new_version(package=first)
    newer = services.package_publish(package=services.package_new_version(package=first), by=None)
    assert (older_draft.version, newer.version) == (2, 3)

    with pytest.raises(services.PackageVersionOutdated, match="version 3"):
        services.package_publish(package=older_draft, by=None)

    statuses = dict(RecommendationPackage.objects.filter(visit=visit).values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "draft", 3: "published"}
    first.refresh_from_db()
    assert first.superseded_by == newer


def test_each_language_names_the_countries_in_that_language_whatever_the_publishers_language(
    visit_with_recommendations,
):
    from django.utils import translation

    visit_with_recommendations.host_country = member_country("FR")
    visit_with_recommendations.save(update_fields=["host_country"])
    package = DraftPackageFactory(visit=visit_with_recommendations, title="Lyon recommendations")
    with translation.override("es"):  # a Spanish-speaking staff member publishes
        published = services.package_publish(package=package, by=StaffFactory())

    content = published.content
    assert content["visit"]["host_country"] == "France" and content["visit"]["host_country_iso2"] == "FR"
    assert [row["affiliation"] for row in content["participants"] if row["iso2"]] == ["Kenya", "Nepal"]
    english = publishing.package_document_context(published, content, published.published_at, "en")
    assert english["visit"]["host_country"] == "France"
    assert [row["affiliation"] for row in english["participants"] if row["iso2"]] == ["Kenya", "Nepal"]
    arabic = publishing._participants_in(content["participants"], "ar")
    assert [row["affiliation"] for row in arabic if row["iso2"]] == ["كينيا", "نيبال"]
