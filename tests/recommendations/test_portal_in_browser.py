"""The liaison's pages in Chromium: the link page signed out, signing in to acknowledge, the content,
the package list on a phone, and a verification email as HTML (screenshots under test-artifacts/)."""

import re

import pytest
from django.core import mail

from recommendations import services
from recommendations.models import Delivery
from recommendations.services import publishing
from tests.conftest import screenshot
from tests.factories import PASSWORD, make_liaison

from .factories import ObstacleFactory, RecommendationFactory, published_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kenya(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, contact = make_liaison("KE", first_name="Amina", last_name="Odhiambo")
    package = published_package(title="Lyon recommendations & follow-up")
    visit = package.visit
    obstacle = ObstacleFactory(visit=visit, title="Notices reach the field too slowly")
    RecommendationFactory(visit=visit, number=1, title="Name an environmental crime focal point", obstacles=[obstacle])
    RecommendationFactory(visit=visit, number=2, title="Share seizure data every month")
    package.content = publishing._snapshot_content(package)
    package.save(update_fields=["content"])
    services.distribution_start(package=package)
    delivery = Delivery.objects.get(package=package, contact=contact)
    return user, delivery


def test_acknowledging_from_the_link_goes_through_the_sign_in(live_server, page, browser_problems, kenya):
    user, delivery = kenya
    link = f"{live_server.url}/packages/link/{services.delivery_link_token(delivery.pk)}/"
    page.goto(link)
    page.get_by_role("heading", name="Recommendations", exact=True).wait_for()
    assert page.get_by_role("list").filter(has_text="Share seizure data").count() >= 1
    screenshot(page, "packages-link-signed-out")

    page.get_by_role("link", name="Sign in to acknowledge").click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(link)
    screenshot(page, "packages-link-signed-in")

    page.get_by_role("button", name="Acknowledge receipt").click()
    page.get_by_text("Receipt acknowledged on").wait_for()
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == user
    assert browser_problems == []


def test_the_package_page_and_the_list_on_a_phone(live_server, page, browser_problems, kenya, client):
    user, delivery = kenya
    page.goto(f"{live_server.url}/accounts/login/?next=/packages/{delivery.package_id}/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Obstacles to cooperation").wait_for()
    screenshot(page, "packages-detail-content")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/packages/")
    status = page.get_by_text("New", exact=True)
    assert status.is_visible()
    box = status.bounding_box()
    assert box["x"] + box["width"] <= 390, "the status is on screen, not scrolled away"
    screenshot(page, "packages-list-phone")
    assert browser_problems == []


def test_the_verification_email_as_html(page, client):
    client.post(
        "/accounts/signup/",
        {
            "email": "ranger@kws.example.org",
            "password1": "Lyon-visit-2013-secure!",
            "password2": "Lyon-visit-2013-secure!",
        },
    )
    (message,) = mail.outbox
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    page.set_content(html)
    assert page.get_by_role("link", name="Confirm my email address").is_visible()
    assert re.search(
        r"/accounts/confirm-email/", page.get_by_role("link", name="Confirm my email address").get_attribute("href")
    )
    screenshot(page, "accounts-email-verification")
