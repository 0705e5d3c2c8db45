"""The liaison's side: every URL against another country's objects is a 404; links expire and resist tampering."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import Resolver404, resolve, reverse

from recommendations import services
from recommendations.models import Delivery, DownloadEvent
from tests.factories import ContactFactory, UserFactory, make_liaison, member_country

from .factories import FAKE_PDF, published_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    kenya_user, kenya_contact = make_liaison("KE")
    nepal_user, nepal_contact = make_liaison("NP")
    package = published_package(title="Lyon recommendations")
    services.distribution_start(package=package)
    other_package = published_package(title="Only for others")
    services.distribution_start(package=other_package)
    Delivery.objects.filter(package=other_package, member_country__iso2="KE").delete()
    return {
        "kenya_user": kenya_user,
        "nepal_user": nepal_user,
        "package": package,
        "other_package": other_package,
        "kenya_delivery": Delivery.objects.get(package=package, contact=kenya_contact),
        "nepal_delivery": Delivery.objects.get(package=package, contact=nepal_contact),
    }


def portal_urls(package):
    return [
        ("get", reverse("recommendations:package_detail", args=[package.pk])),
        ("get", reverse("recommendations:package_download", args=[package.pk])),
        ("post", reverse("recommendations:package_acknowledge", args=[package.pk])),
    ]


def test_a_liaison_sees_downloads_and_acknowledges_their_countrys_package(client, setup):
    client.force_login(setup["kenya_user"])
    listing = client.get(reverse("recommendations:package_list"))
    assert listing.status_code == 200
    assert "no-store" in listing["Cache-Control"] and "private" in listing["Cache-Control"]
    assert "Lyon recommendations" in listing.content.decode()
    assert "Only for others" not in listing.content.decode()

    detail = client.get(reverse("recommendations:package_detail", args=[setup["package"].pk]))
    assert detail.status_code == 200 and setup["package"].document_sha256 in detail.content.decode()

    download = client.get(
        reverse("recommendations:package_download", args=[setup["package"].pk]), REMOTE_ADDR="10.1.2.3"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == FAKE_PDF
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"] == f'attachment; filename="{setup["package"].download_filename}"'
    event = DownloadEvent.objects.get()
    assert (event.user, event.via, event.client_address) == (setup["kenya_user"], "portal", "10.1.2.3")

    acknowledge = client.post(reverse("recommendations:package_acknowledge", args=[setup["package"].pk]))
    assert acknowledge.status_code == 302
    delivery = setup["kenya_delivery"]
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == setup["kenya_user"] and delivery.acknowledged_at is not None
    assert (delivery.download_count, delivery.first_downloaded_at is not None) == (1, True)
    assert client.get(reverse("recommendations:package_acknowledge", args=[setup["package"].pk])).status_code == 405


def test_every_liaison_url_of_another_countrys_package_is_a_404(client, setup):
    client.force_login(setup["kenya_user"])
    for method, url in portal_urls(setup["other_package"]):
        assert getattr(client, method)(url).status_code == 404, url
    assert not DownloadEvent.objects.exists()


def test_unknown_and_draft_packages_are_404(client, setup):
    client.force_login(setup["kenya_user"])
    for method, url in portal_urls(type(setup["package"])(pk=999999)):
        assert getattr(client, method)(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, setup):
    for _method, url in [("get", reverse("recommendations:package_list")), *portal_urls(setup["package"])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_a_signed_in_user_who_is_not_a_liaison_gets_404(client, setup):
    client.force_login(UserFactory())
    assert client.get(reverse("recommendations:package_list")).status_code == 404
    for method, url in portal_urls(setup["package"]):
        assert getattr(client, method)(url).status_code == 404


def _link_urls(delivery):
    token = services.delivery_link_token(delivery.pk)
    return [
        ("get", reverse("recommendations:link", args=[token])),
        ("get", reverse("recommendations:link_download", args=[token])),
        ("post", reverse("recommendations:link_acknowledge", args=[token])),
    ]


def test_the_personal_link_works_for_its_recipient_and_records_the_download(client, setup):
    page, download, acknowledge = _link_urls(setup["kenya_delivery"])
    assert client.get(page[1]).status_code == 200, "the link itself is the key: no login needed"
    response = client.get(download[1])
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert client.post(acknowledge[1]).status_code == 302
    event = DownloadEvent.objects.get()
    assert (event.via, event.delivery, event.user) == ("email_link", setup["kenya_delivery"], None)

    client.force_login(setup["kenya_user"])
    assert client.get(page[1]).status_code == 200


def test_the_personal_link_is_a_404_for_another_signed_in_user(client, setup):
    client.force_login(setup["nepal_user"])
    for method, url in _link_urls(setup["kenya_delivery"]):
        assert getattr(client, method)(url).status_code == 404, url
    assert not DownloadEvent.objects.exists()


def test_a_tampered_link_is_refused_clearly(client, setup):
    token = services.delivery_link_token(setup["kenya_delivery"].pk)
    forged = f"{setup['nepal_delivery'].pk}:{token.split(':', 1)[1]}"
    for bad in [forged, token[:-2] + "xx", "garbage"]:
        response = client.get(reverse("recommendations:link", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
        assert client.get(reverse("recommendations:link_download", args=[bad])).status_code == 400
    assert not DownloadEvent.objects.exists()


def test_an_expired_link_asks_to_log_in_and_leads_to_the_package(client, setup, settings):
    settings.PACKAGE_LINK_MAX_AGE_DAYS = 30
    package_url = reverse("recommendations:package_detail", args=[setup["package"].pk])
    old_signer = signing.TimestampSigner(salt=services.LINK_SALT)
    old_signer.timestamp = lambda: signing.b62_encode(int(__import__("time").time()) - 31 * 24 * 3600)
    token = old_signer.sign(str(setup["kenya_delivery"].pk))

    response = client.get(reverse("recommendations:link", args=[token]), follow=False)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={package_url.replace('/', '%2F')}"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("expired" in m for m in messages)
    assert client.get(reverse("recommendations:link_download", args=[token])).status_code == 302
    assert not DownloadEvent.objects.exists()

    client.force_login(setup["kenya_user"])
    assert client.get(reverse("recommendations:link", args=[token]))["Location"] == package_url


def test_the_personal_link_pages_are_never_cached(client, setup):
    (_m, page), (_m, download), (_m, acknowledge) = _link_urls(setup["kenya_delivery"])
    for response in [client.get(page), client.get(download), client.post(acknowledge)]:
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "no-cache" in cache_control and "private" in cache_control
        assert response.get("Expires"), "never_cache also expires the response at once"


def test_acknowledging_by_link_signed_out_is_refused_and_leads_through_the_sign_in(client, setup):
    delivery = setup["kenya_delivery"]
    (_m, page), _download, (_m, acknowledge) = _link_urls(delivery)
    html = client.get(page).content.decode()
    assert "Sign in to acknowledge" in html and 'action="' + acknowledge not in html

    response = client.post(acknowledge)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.path, parse_qs(location.query)["next"]) == (reverse("account_login"), [page])
    delivery.refresh_from_db()
    assert (delivery.acknowledged_at, delivery.acknowledged_by) == (None, None)


def test_a_team_member_of_the_country_signed_in_acknowledges_by_link_and_is_recorded(client, setup):
    colleague = UserFactory()
    ContactFactory(member_country=member_country("KE"), user=colleague)
    delivery = setup["kenya_delivery"]
    (_m, page), _download, (_m, acknowledge) = _link_urls(delivery)
    client.force_login(colleague)
    assert f'action="{acknowledge}"' in client.get(page).content.decode()
    assert client.post(acknowledge)["Location"] == page
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is not None and delivery.acknowledged_by == colleague


def test_another_countrys_user_cannot_acknowledge_by_link(client, setup):
    delivery = setup["kenya_delivery"]
    *_rest, (_m, acknowledge) = _link_urls(delivery)
    client.force_login(setup["nepal_user"])
    assert client.post(acknowledge).status_code == 404
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None


def test_the_package_pages_show_the_frozen_content(client, setup):
    delivery = setup["kenya_delivery"]
    package = delivery.package
    package.content = {
        **package.content,
        "obstacles": [{"number": 1, "title": "Slow exchange of notices", "description": "Weeks, not days."}],
        "recommendations": [
            {
                "number": 1,
                "title": "Name a focal point",
                "text": "In every NCB.",
                "audience": "member_countries",
                "priority": "high",
                "obstacles": [1],
            },
            {
                "number": 2,
                "title": "Share seizures monthly",
                "text": "By secure channel.",
                "audience": "member_countries",
                "priority": "medium",
                "obstacles": [],
            },
        ],
    }
    package.save(update_fields=["content"])
    client.force_login(setup["kenya_user"])
    (_m, link_page), *_rest = _link_urls(delivery)
    for url in [reverse("recommendations:package_detail", args=[package.pk]), link_page]:
        response = client.get(url)
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
        html = response.content.decode()
        assert package.summary in html
        assert '<h2 class="h5" id="recommendations-heading">Recommendations</h2>' in html
        assert html.index("Name a focal point") < html.index("Share seizures monthly")
        assert "<ol>" in html and "Slow exchange of notices" in html


def test_an_id_too_long_for_the_database_matches_no_url(client, setup):
    huge = "9" * 25
    client.force_login(setup["kenya_user"])
    for path in [f"/packages/{huge}/", f"/packages/{huge}/download/", f"/packages/{huge}/acknowledge/"]:
        with pytest.raises(Resolver404):
            resolve(path)
        assert client.get(path).status_code == 404
    for path in [
        f"/admin/recommendations/distribution/{huge}/progress.json",
        f"/admin/recommendations/distribution/{huge}/report.csv",
        f"/admin/recommendations/recommendationpackage/{huge}/document/",
    ]:
        assert resolve(path).url_name not in {
            "recommendations_distribution_progress",
            "recommendations_distribution_report",
            "recommendations_package_document",
        }, path
