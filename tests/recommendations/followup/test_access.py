"""Who reaches which follow-up URL: the country's team only; everyone else a 404 or the login page."""

import pytest
from django.urls import reverse

from recommendations.models import Evidence
from recommendations.services import followup
from tests.factories import DelegateFactory, UserFactory, member_country

from .factories import distributed_package, network_user, open_cycle, pdf_upload, team_member

pytestmark = pytest.mark.django_db

SECRET = "Operation Thunderbird, details for the Kenyan team only"


@pytest.fixture
def world():
    """Kenya's report with a file and a link; the package also went to Nepal, not to Brazil."""
    package = distributed_package(countries=("KE", "NP"))
    cycle = open_cycle(package)
    kenyan = team_member("KE")
    report = followup.report_start(cycle=cycle, member_country_id=member_country("KE").pk)
    item = report.items.order_by("recommendation__number").first()
    followup.item_save(
        item=item,
        values={"response": "supported", "status": "in_progress", "actions_taken": SECRET},
        version=report.version,
        by=kenyan,
    )
    file = followup.evidence_add(item=item, by=kenyan, upload=pdf_upload("kenya-secret.pdf"))
    followup.evidence_add(item=item, by=kenyan, url="https://example.org/kenya-decree")
    return {"cycle": cycle, "item": item, "report": report, "evidence": file, "kenyan": kenyan}


def urls(world) -> list[tuple[str, str, dict]]:
    """(method, URL, POST data) of every follow-up URL, pointing at Kenya's things."""
    cycle, item, evidence = world["cycle"], world["item"], world["evidence"]
    rec = item.recommendation_id
    return [
        ("get", reverse("followup:cycle_list"), {}),
        ("get", reverse("followup:report", args=[cycle.pk]), {}),
        ("post", reverse("followup:item_save", args=[cycle.pk, rec]), {f"r{rec}-version": "0"}),
        ("post", reverse("followup:evidence_add", args=[cycle.pk, rec]), {f"e{rec}-url": "https://example.org/x"}),
        ("get", reverse("followup:evidence_download", args=[cycle.pk, evidence.pk]), {}),
        ("post", reverse("followup:evidence_remove", args=[cycle.pk, evidence.pk]), {}),
        ("get", reverse("followup:submit", args=[cycle.pk]), {}),
        ("post", reverse("followup:submit", args=[cycle.pk]), {"version": "0", "confirm": "on"}),
        ("get", reverse("followup:network"), {}),
    ]


def request(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data)


def assert_nothing_changed(world):
    assert Evidence.objects.filter(item=world["item"]).count() == 2
    world["item"].refresh_from_db()
    assert world["item"].actions_taken == SECRET
    world["report"].refresh_from_db()
    assert world["report"].status == "draft" and world["report"].version == 3


def test_anonymous_users_are_sent_to_log_in_everywhere(client, world):
    for method, url, data in urls(world):
        response = request(client, method, url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    assert_nothing_changed(world)


@pytest.mark.parametrize("who", ["delegate", "staff_without_contact", "brazilian"])
def test_users_without_a_stake_in_the_cycle_get_404_everywhere(client, world, who):
    user = {
        "delegate": DelegateFactory,
        "staff_without_contact": lambda: UserFactory(is_staff=True),
        "brazilian": lambda: team_member("BR"),  # the package was never delivered to Brazil
    }[who]()
    client.force_login(user)
    checked = urls(world)
    if who == "brazilian":
        # A team member has a (here empty) list of their own country's cycles; Kenya's cycle is not on it.
        listing = client.get(checked.pop(0)[1])
        assert listing.status_code == 200
        assert world["cycle"].title not in listing.content.decode()
    for method, url, data in checked:
        assert request(client, method, url, data).status_code == 404, url
    assert_nothing_changed(world)


def test_another_countrys_team_reaches_its_own_report_never_kenyas(client, world):
    client.force_login(team_member("NP"))
    cycle, evidence = world["cycle"], world["evidence"]
    page = client.get(reverse("followup:report", args=[cycle.pk]))
    assert page.status_code == 200
    assert SECRET not in page.content.decode() and "kenya-secret" not in page.content.decode()
    for name in ("evidence_download", "evidence_remove"):
        url = reverse(f"followup:{name}", args=[cycle.pk, evidence.pk])
        assert request(client, "post" if name.endswith("remove") else "get", url, {}).status_code == 404
    assert client.get(reverse("followup:network")).status_code == 404
    # Nepal's page never shows Kenya's things, and its saves go to Nepal's own report.
    assert SECRET not in client.get(reverse("followup:cycle_list")).content.decode()
    assert_nothing_changed(world)


def test_a_network_user_reads_its_members_status_and_nothing_of_a_report(client, world):
    user, _network = network_user(members=("KE", "TZ"))
    client.force_login(user)
    page = client.get(reverse("followup:network"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Kenya" in content and "Tanzania" in content and "Nepal" not in content
    assert SECRET not in content and "kenya-secret" not in content
    assert client.get(reverse("followup:cycle_list")).status_code == 302  # to the network page
    for method, url, data in urls(world)[1:-1]:
        assert request(client, method, url, data).status_code == 404, url
    assert_nothing_changed(world)


def test_the_team_itself_reaches_every_url(client, world):
    """The control: the same URLs work for Kenya's team, so the 404s above are about who asks."""
    client.force_login(team_member("KE"))
    cycle, evidence = world["cycle"], world["evidence"]
    assert client.get(reverse("followup:cycle_list")).status_code == 200
    page = client.get(reverse("followup:report", args=[cycle.pk]))
    assert page.status_code == 200 and SECRET in page.content.decode()
    download = client.get(reverse("followup:evidence_download", args=[cycle.pk, evidence.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("followup:submit", args=[cycle.pk])).status_code == 200


def test_the_staff_review_in_the_admin_is_closed_to_the_team_and_anonymous(client, world):
    report, evidence = world["report"], world["evidence"]
    review = reverse("admin:recommendations_countryreport_review", args=[report.pk])
    evidence_url = reverse("admin:recommendations_countryreport_evidence", args=[report.pk, evidence.pk])
    for user in (None, world["kenyan"], DelegateFactory()):
        if user:
            client.force_login(user)
        for url in (review, evidence_url):
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response["Location"], (user, url)
        assert client.post(review, {"request": "Clarify"}).status_code == 302
    assert_nothing_changed(world)


def test_staff_without_a_second_factor_are_held_to_the_admins_rule(client, world, settings):
    from django.contrib.auth.models import Permission

    settings.ENVCRIME_REQUIRE_STAFF_MFA = True
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_countryreport", "change_countryreport"]))
    client.force_login(staff)
    response = client.get(reverse("admin:recommendations_countryreport_review", args=[world["report"].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_tampered_posts_get_a_4xx_and_write_nothing(client, world):
    client.force_login(team_member("KE"))
    cycle, item = world["cycle"], world["item"]
    rec = item.recommendation_id
    save = reverse("followup:item_save", args=[cycle.pk, rec])
    for data in (
        {f"r{rec}-version": "3", f"r{rec}-response": "enthusiastic", f"r{rec}-status": "in_progress"},
        {f"r{rec}-version": "not-a-number", f"r{rec}-response": "supported"},
        {f"r{rec}-version": "3", f"r{rec}-response": "supported", f"r{rec}-planned_completion": "31/02/2020"},
        {},
    ):
        assert client.post(save, data).status_code == 400, data
    other_rec = reverse("followup:item_save", args=[cycle.pk, 999999])
    assert client.post(other_rec, {"r999999-version": "3"}).status_code == 404
    assert client.post(reverse("followup:submit", args=[cycle.pk]), {"version": "x"}).status_code == 400
    assert_nothing_changed(world)
