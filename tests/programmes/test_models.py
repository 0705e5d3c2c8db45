"""The directory's invariants hold in the database itself, whatever code writes the rows."""

import csv
import re

import pytest
from django.db import IntegrityError, transaction

from programmes.models import Contact, MemberCountry, Region
from tests.factories import ContactFactory, OrganisationFactory, member_country


def assert_refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.mark.django_db
class TestContactConstraints:
    def test_contact_with_both_affiliations_is_refused(self):
        organisation = OrganisationFactory()
        assert_refused_by_database(
            lambda: ContactFactory(member_country=member_country("KE"), organisation=organisation)
        )

    def test_contact_without_affiliation_is_refused(self):
        assert_refused_by_database(lambda: ContactFactory(member_country=None, organisation=None))

    def test_contact_of_an_organisation_only_is_accepted(self):
        contact = ContactFactory(member_country=None, organisation=OrganisationFactory())
        assert contact.pk and contact.affiliation == contact.organisation

    def test_second_active_primary_contact_of_a_country_is_refused(self):
        ContactFactory(member_country=member_country("KE"), is_primary=True)
        assert_refused_by_database(lambda: ContactFactory(member_country=member_country("KE"), is_primary=True))
        assert Contact.objects.filter(member_country__iso2="KE").count() == 1

    def test_inactive_second_primary_contact_is_allowed(self):
        ContactFactory(member_country=member_country("KE"), is_primary=True)
        retired = ContactFactory(member_country=member_country("KE"), is_primary=True, is_active=False)
        assert retired.pk

    def test_primary_contacts_of_different_countries_and_of_organisations_coexist(self):
        ContactFactory(member_country=member_country("KE"), is_primary=True)
        ContactFactory(member_country=member_country("NP"), is_primary=True)
        organisation = OrganisationFactory()
        ContactFactory(member_country=None, organisation=organisation, is_primary=True)
        ContactFactory(member_country=None, organisation=organisation, is_primary=True)
        assert Contact.objects.filter(is_primary=True).count() == 4

    def test_reactivating_a_second_primary_contact_is_refused(self):
        ContactFactory(member_country=member_country("KE"), is_primary=True)
        retired = ContactFactory(member_country=member_country("KE"), is_primary=True, is_active=False)
        retired.is_active = True
        assert_refused_by_database(lambda: retired.save(update_fields=["is_active"]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("iso2", "iso3"),
    [("ke", "KEN"), ("XK", "X3X"), ("K", "KEN"), ("XK", "kos"), ("XK", "KO"), ("X1", "XKX")],
)
def test_member_country_iso_codes_must_be_upper_case_letters(iso2, iso3):
    assert_refused_by_database(
        lambda: MemberCountry.objects.create(name="Testland", iso2=iso2, iso3=iso3, region=Region.EUROPE)
    )


@pytest.mark.django_db
def test_member_country_with_valid_new_codes_is_accepted():
    country = MemberCountry.objects.create(name="Kiribati", iso2="KI", iso3="KIR", region=Region.ASIA_SOUTH_PACIFIC)
    assert country.pk


@pytest.mark.django_db
def test_duplicate_iso_codes_are_refused():
    assert_refused_by_database(
        lambda: MemberCountry.objects.create(name="Another Kenya", iso2="KE", iso3="KIR", region=Region.AFRICA)
    )
    assert_refused_by_database(
        lambda: MemberCountry.objects.create(name="Another Kenya", iso2="KI", iso3="KEN", region=Region.AFRICA)
    )


@pytest.mark.django_db
class TestMemberCountriesMigration:
    def test_there_are_the_190_member_countries_of_2013(self):
        assert MemberCountry.objects.count() == 190
        assert MemberCountry.objects.active().count() == 190

    def test_codes_are_valid_and_unique(self):
        codes = list(MemberCountry.objects.values_list("iso2", "iso3"))
        assert all(re.fullmatch(r"[A-Z]{2}", iso2) and re.fullmatch(r"[A-Z]{3}", iso3) for iso2, iso3 in codes)
        assert len({iso2 for iso2, _ in codes}) == 190
        assert len({iso3 for _, iso3 in codes}) == 190

    def test_every_region_has_countries(self):
        regions = set(MemberCountry.objects.values_list("region", flat=True))
        assert regions == set(Region.values)

    def test_later_members_are_not_loaded(self):
        from programmes.migrations import __path__ as migrations_path

        data_file = f"{migrations_path[0]}/../data/member_countries.csv"
        with open(data_file, newline="", encoding="utf-8") as fh:
            later = [row["iso2"] for row in csv.DictReader(fh) if row["joined_after_2013"].strip()]
        assert later, "the data file lists members that joined after 2013"
        assert not MemberCountry.objects.filter(iso2__in=later).exists()

    def test_the_visit_countries_are_there(self):
        names = dict(
            MemberCountry.objects.filter(iso2__in=["CN", "KE", "NP", "TH", "GB", "US"]).values_list("iso2", "region")
        )
        assert names == {
            "CN": Region.ASIA_SOUTH_PACIFIC,
            "KE": Region.AFRICA,
            "NP": Region.ASIA_SOUTH_PACIFIC,
            "TH": Region.ASIA_SOUTH_PACIFIC,
            "GB": Region.EUROPE,
            "US": Region.AMERICAS,
        }
