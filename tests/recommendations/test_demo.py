import io
from pathlib import Path

import pytest
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style

from recommendations import demo
from recommendations.models import Distribution, Obstacle, Recommendation, RecommendationPackage
from recommendations.services import publishing
from tests.factories import UserFactory, VisitFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "recommendations"

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    demo.seed(stdout=OutputWrapper(out), style=no_style())
    return out.getvalue()


def test_seed_publishes_version_1_for_the_lyon_visit_without_distributing_and_is_idempotent(monkeypatch):
    visit = VisitFactory(slug=demo.LYON_VISIT_SLUG, title="Familiarization visit to the General Secretariat")
    staff = UserFactory(email=demo.STAFF_EMAIL, is_staff=True)

    output = _seed()

    package = RecommendationPackage.objects.get(visit=visit)
    assert (package.version, package.status, package.published_by) == (1, "published", staff)
    assert "distribute_package" in output
    titles = list(Obstacle.objects.filter(visit=visit).values_list("title", flat=True))
    assert "Insufficient communication" in titles
    assert "Lack of access to the organisation's tools by frontline officers" in titles
    recommendations = Recommendation.objects.filter(visit=visit)
    assert recommendations.count() == len(demo.RECOMMENDATIONS)
    assert all(r.obstacles.exists() for r in recommendations)
    assert not Distribution.objects.exists()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "demo-package.pdf").write_bytes(package.document.read())

    monkeypatch.setattr(publishing, "render_pdf", lambda *a, **k: pytest.fail("the second run rendered again"))
    _seed()
    assert RecommendationPackage.objects.count() == 1
    assert Obstacle.objects.count() == len(demo.OBSTACLES)
    assert Recommendation.objects.count() == len(demo.RECOMMENDATIONS)
    package.refresh_from_db()
    assert package.status == "published"


def test_seed_without_the_lyon_visit_warns_and_skips():
    assert "not found" in _seed()
    assert not RecommendationPackage.objects.exists()
