import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Registration
from tests.factories import DelegateFactory, StaffFactory, VisitFactory, make_liaison

from .factories import registration_data

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def staff_client(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


def test_staff_endorse_on_the_country_s_behalf_from_the_admin(staff_client):
    make_liaison("KE")
    visit = VisitFactory(capacity=5)
    nomination = services.registration_submit(visit=visit, user=DelegateFactory(), data=registration_data(visit))
    response = staff_client.post(
        reverse("admin:meetings_registration_changelist"),
        {"action": "endorse_selected", "_selected_action": [nomination.pk]},
        follow=True,
    )
    assert "1 nomination endorsed on the country" in response.content.decode()
    nomination.refresh_from_db()
    assert (nomination.status, nomination.endorsed_by, nomination.endorsed_by_staff) == (
        Status.CONFIRMED,
        staff_client.staff,
        True,
    )
    again = staff_client.post(
        reverse("admin:meetings_registration_changelist"),
        {"action": "endorse_selected", "_selected_action": [nomination.pk]},
        follow=True,
    )
    assert "already handled" in again.content.decode()
    change = staff_client.get(reverse("admin:meetings_registration_change", args=[nomination.pk]))
    assert nomination.letter_reference in change.content.decode()
