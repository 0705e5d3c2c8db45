import io

import pytest
from django.core.management.color import no_style

from meetings import demo
from meetings.models import Registration, Visit
from tests.factories import OrganisationFactory, ProgrammeFactory, make_liaison

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    """What programmes.demo.seed creates first: the programme, the organisations of the article, Kenya's liaison."""
    ProgrammeFactory()
    make_liaison("KE")
    for short_name in ("LATF", "SAWEN", "ASEAN-WEN", "ICCWC", "Freeland", "IFAW"):
        OrganisationFactory(short_name=short_name)


def test_seed_creates_the_lyon_visit_and_an_upcoming_one_and_is_idempotent(directory):
    out = io.StringIO()
    demo.seed(stdout=out, style=no_style())
    lyon = Visit.objects.get(slug="familiarization-visit-lyon-2013")
    assert (str(lyon.start_date), str(lyon.end_date), lyon.capacity, lyon.status) == (
        "2013-05-13",
        "2013-05-16",
        16,
        Visit.Status.HELD,
    )
    registrations = lyon.registrations.filter(status=Registration.Status.CONFIRMED)
    assert registrations.count() == 16
    affiliations = {
        str(r.member_country.iso2 if r.member_country else r.organisation.short_name) for r in registrations
    }
    assert affiliations == {
        "CN",
        "KE",
        "NP",
        "TH",
        "GB",
        "US",
        "LATF",
        "SAWEN",
        "ASEAN-WEN",
        "ICCWC",
        "Freeland",
        "IFAW",
    }
    assert all(r.delegate.email.endswith("@example.org") for r in registrations)
    assert all(r.vetted_by_staff for r in registrations)  # their letters were legitimately issued
    titles = " ".join(lyon.agenda_items.values_list("title", flat=True))
    for words in ("Command and Coordination Centre", "Global Complex for Innovation", "I-24/7", "Lessons learned"):
        assert words in titles
    assert {item.date for item in lyon.agenda_items.all()} == set(lyon.days)

    upcoming = Visit.objects.get(slug=demo.UPCOMING_SLUG)
    assert upcoming.is_open_for_registration() and not upcoming.requires_approval and upcoming.capacity == 16
    assert upcoming.start_date.weekday() == 0 and len({item.date for item in upcoming.agenda_items.all()}) == 4

    nomination = Registration.objects.get(visit=upcoming, delegate__email=demo.NOMINEE_EMAIL)
    assert (nomination.status, nomination.member_country.iso2) == (Registration.Status.NOMINATED, "KE")

    counts = (Visit.objects.count(), Registration.objects.count(), lyon.agenda_items.count())
    demo.seed(stdout=io.StringIO(), style=no_style())
    assert (Visit.objects.count(), Registration.objects.count(), lyon.agenda_items.count()) == counts
