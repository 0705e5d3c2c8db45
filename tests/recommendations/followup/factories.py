"""Factories of the follow-up: a distributed package, country teams, network users, files."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programmes.models import Contact, Organisation
from programmes.roles import LIAISON
from recommendations.models import Delivery, Distribution, Recommendation, ReportingCycle
from tests.factories import ContactFactory, OrganisationFactory, UserFactory, VisitFactory, member_country

from ..factories import RecommendationFactory, published_package

# Real file heads: `filetype` judges the content, so these must look like what they claim to be.
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
# The start of a Windows executable (MZ header), however it is named.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def pdf_upload(name: str = "evidence.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = PDF_BYTES if size is None else PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def distributed_package(*, countries=("KE", "NP", "BR", "FR"), recommendations: int = 3, other_audience: int = 1):
    """A published package of a visit with `recommendations` for member countries (and some for
    others), recorded as delivered to the primary contacts of `countries` (created when missing)."""
    visit = VisitFactory()
    for number in range(1, recommendations + 1):
        RecommendationFactory(visit=visit, number=number, title=f"Recommendation {number}")
    for number in range(recommendations + 1, recommendations + other_audience + 1):
        RecommendationFactory(
            visit=visit,
            number=number,
            title=f"For the networks {number}",
            audience=Recommendation.Audience.REGIONAL_NETWORKS,
        )
    package = published_package(visit=visit)
    now = timezone.now()
    distribution = Distribution.objects.create(package=package, started_at=now, finished_at=now)
    for iso2 in countries:
        contact = primary_contact(iso2)
        Delivery.objects.create(
            distribution=distribution,
            package=package,
            contact=contact,
            member_country=contact.member_country,
            email=contact.email,
            status=Delivery.Status.SENT,
            sent_at=now,
        )
    return package


def primary_contact(iso2: str) -> Contact:
    country = member_country(iso2)
    contact = Contact.objects.active_primary().filter(member_country=country).first()
    return contact or ContactFactory(
        member_country=country, is_primary=True, email=f"primary-{iso2.lower()}@example.org"
    )


def open_cycle(package, *, due_in_days: int = 60, opened_days_ago: int = 0, title="Six-month progress report"):
    """A cycle row as opening one leaves it, without sending the invitations (tests of the pages)."""
    return ReportingCycle.objects.create(
        package=package,
        title=title,
        due_date=timezone.localdate() + timedelta(days=due_in_days),
        opened_at=timezone.now() - timedelta(days=opened_days_ago),
    )


def team_member(iso2: str, *, primary: bool = False, **user_kwargs):
    """An account of the country's team: linked to an active contact of the country."""
    user = UserFactory(roles=[LIAISON], **user_kwargs)
    if primary:
        Contact.objects.filter(member_country__iso2=iso2, is_primary=True, is_active=True).update(is_primary=False)
    ContactFactory(member_country=member_country(iso2), user=user, email=user.email, is_primary=primary)
    return user


def network_user(short_name: str = "LATF", members=("KE", "TZ", "UG"), **user_kwargs):
    """An account linked to an active contact of a regional network with these member countries."""
    network = OrganisationFactory(short_name=short_name, kind=Organisation.Kind.REGIONAL_NETWORK)
    network.member_countries.set([member_country(iso2) for iso2 in members])
    user = UserFactory(**user_kwargs)
    ContactFactory(member_country=None, organisation=network, user=user, email=user.email)
    return user, network
