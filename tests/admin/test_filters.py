"""The delivery and registration lists filter by acknowledgement, download, region and regional network."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, RegistrationFactory, member_country
from tests.recommendations.factories import published_package

from .test_workplace import delivery, rows

pytestmark = pytest.mark.django_db
DELIVERIES = reverse("admin:recommendations_delivery_changelist")
REGISTRATIONS = reverse("admin:meetings_registration_changelist")


@pytest.fixture
def sawen():
    network = OrganisationFactory(short_name="SAWEN", kind="regional_network")
    network.member_countries.add(member_country("NP"), member_country("IN"))
    return network


def test_deliveries_by_acknowledgement_download_region_and_network(staff_client, sawen):
    package = published_package()
    kenya = delivery(package, iso2="KE", acknowledged_at=timezone.now())
    nepal = delivery(package, iso2="NP", first_downloaded_at=timezone.now(), download_count=1)

    def listed(**params):
        return rows(staff_client, f"{DELIVERIES}?{'&'.join(f'{k}={v}' for k, v in params.items())}")

    assert listed(acknowledged="yes") == {kenya}
    assert listed(acknowledged="no") == {nepal}
    assert listed(downloaded="yes") == {nepal}
    assert listed(downloaded="no") == {kenya}
    assert listed(member_country__region__exact="africa") == {kenya}
    assert listed(network=sawen.pk) == {nepal}
    assert listed(network="not-a-network") == {kenya, nepal}


def test_registrations_by_region_and_network(staff_client, sawen):
    kenyan = RegistrationFactory(member_country=member_country("KE"))
    nepali = RegistrationFactory(member_country=member_country("NP"))
    of_the_network = RegistrationFactory(member_country=None, organisation=sawen)

    assert rows(staff_client, f"{REGISTRATIONS}?member_country__region__exact=africa") == {kenyan}
    assert rows(staff_client, f"{REGISTRATIONS}?network={sawen.pk}") == {nepali, of_the_network}
