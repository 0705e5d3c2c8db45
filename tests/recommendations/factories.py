"""Factories of the recommendations app."""

import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from programmes.models import Contact, MemberCountry
from recommendations.models import Obstacle, Recommendation, RecommendationPackage
from recommendations.services import publishing
from tests.factories import VisitFactory

# Enough bytes to stand in for a document where a test is not about the PDF itself.
FAKE_PDF = b"%PDF-1.7\n% stand-in document for distribution tests\n%%EOF\n"


class ObstacleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obstacle

    visit = factory.SubFactory(VisitFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Obstacle {n}")
    description = "Described by the participants."


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    visit = factory.SubFactory(VisitFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Recommendation title {n}")
    text = "Member countries should do this concrete thing."

    @factory.post_generation
    def obstacles(self, create, extracted, **kwargs):
        if create and extracted:
            self.obstacles.set(extracted)


class DraftPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationPackage

    visit = factory.SubFactory(VisitFactory)
    version = 1
    title = "Recommendations of the visit"
    summary = "What the participants found and what they recommend."


def published_package(**kwargs) -> RecommendationPackage:
    """A published package with a stand-in document, without rendering a PDF (fast)."""
    package = DraftPackageFactory(**kwargs)
    package.document.save(package.download_filename, ContentFile(FAKE_PDF), save=False)
    package.document_sha256 = hashlib.sha256(FAKE_PDF).hexdigest()
    package.document_size = len(FAKE_PDF)
    package.status = RecommendationPackage.Status.PUBLISHED
    package.published_at = timezone.now()
    # The visit's obstacles and recommendations as they are now, frozen as publishing does.
    package.content = publishing._snapshot_content(package)
    package.save()
    return package


def primary_contacts_for_every_country(exclude_iso2: tuple[str, ...] = ()) -> list[Contact]:
    """One active primary contact per active member country (190 from the data migration)."""
    countries = MemberCountry.objects.active().exclude(iso2__in=exclude_iso2).order_by("iso2")
    return Contact.objects.bulk_create(
        [
            Contact(
                name=f"Liaison officer {country.iso2}",
                title="NCB liaison officer",
                email=f"liaison-{country.iso2.lower()}@example.org",
                member_country=country,
                is_primary=True,
                is_active=True,
            )
            for country in countries
        ]
    )
