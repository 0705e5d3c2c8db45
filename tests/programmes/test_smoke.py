import pytest

from tests.factories import VisitFactory, make_liaison


@pytest.mark.django_db
def test_home_page_renders(client):
    VisitFactory()
    response = client.get("/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_make_liaison_links_user_and_primary_contact():
    user, contact = make_liaison("NP")
    assert contact.user == user and contact.is_primary and contact.member_country.iso2 == "NP"
