"""The staff dashboard: who may open it, what it shows for a cycle whose figures are known, its
parameters, and the one-click reminders."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from programmes.models import Organisation
from recommendations.models import Delivery, Reminder
from tests.factories import DelegateFactory, StaffFactory, UserFactory, make_liaison, member_country
from tests.recommendations.factories import published_package

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboard:index")


def urls(cycle):
    query = f"?cycle={cycle.pk}"
    return [
        DASHBOARD + query,
        reverse("dashboard:matrix_csv") + query,
        reverse("dashboard:matrix_xlsx") + query,
        reverse("dashboard:report_pdf") + query,
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, small_cycle):
    for url in urls(small_cycle.cycle):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["delegate", "liaison", "plain user", "staff without the permission"])
def test_signed_in_non_staff_get_a_404(client, small_cycle, settings, who):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    user = {
        "delegate": lambda: DelegateFactory(),
        "liaison": lambda: make_liaison("BR")[0],
        "plain user": lambda: UserFactory(),
        "staff without the permission": lambda: UserFactory(is_staff=True),
    }[who]()
    client.force_login(user)
    for url in urls(small_cycle.cycle):
        assert client.get(url).status_code == 404
    chase = reverse("dashboard:remind", args=[small_cycle.nepal.member_country_id]) + f"?cycle={small_cycle.cycle.pk}"
    assert client.post(chase).status_code == 404
    assert not Reminder.objects.exists()


def test_staff_without_a_second_factor_are_held_like_in_the_admin(client, small_cycle, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = True
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")

    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(DASHBOARD).status_code == 200


def test_the_dashboard_shows_the_cycle(staff_client, small_cycle):
    response = staff_client.get(DASHBOARD)  # no parameter: the latest cycle
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    context = response.context
    assert context["cycle"] == small_cycle.cycle
    statuses = {row.iso2: row.status for row in context["rows"]}
    assert statuses["KE"] == "implementing"
    assert statuses["FR"] == "reporting"
    assert statuses["NP"] == "not_acknowledged"
    assert statuses["DE"] == "not_acknowledged"  # never delivered
    total = context["funnel"][-1]
    assert total.label == "All regions"
    assert total.countries == len(context["rows"]) == 190
    assert total.stages == {"delivered": 3, "downloaded": 2, "acknowledged": 2, "submitted": 1, "implementing": 1}
    africa = next(row for row in context["funnel"] if row.label == "Africa")
    assert africa.stages == {"delivered": 1, "downloaded": 1, "acknowledged": 1, "submitted": 1, "implementing": 1}
    [first, second] = context["recommendations"]
    assert first.statuses["fully_implemented"] == 1 and first.verdicts["agree"] == 1
    assert second.statuses["in_progress"] == 1 and second.verdicts["not_assessed"] == 1
    # France's draft is no statement yet: it counts nowhere in the per-recommendation figures.
    assert sum(first.statuses.values()) == 1
    # Owing: every country but Kenya (not acknowledged, or overdue, or both).
    owing = {row.iso2: [str(reason) for reason in row.owes] for row in context["owing"]}
    assert "KE" not in owing
    assert owing["FR"] == ["Report overdue"]
    assert owing["NP"] == ["Package not acknowledged", "Report overdue"]
    # The map's data: Kenya by its ISO numeric code, as world-atlas identifies its shape.
    kenya = next(country for country in context["chart_data"]["countries"] if country["iso2"] == "KE")
    assert kenya == {"n": "404", "iso2": "KE", "name": "Kenya", "status": "implementing", "label": "Implementing"}
    html = response.content.decode()
    assert '<script id="dashboard-data" type="application/json">' in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_filters_by_region_and_network(staff_client, small_cycle):
    response = staff_client.get(DASHBOARD, {"cycle": small_cycle.cycle.pk, "region": "africa"})
    assert {row.region for row in response.context["rows"]} == {"africa"}
    network = Organisation.objects.create(
        short_name="EANET", name="East African network", kind=Organisation.Kind.REGIONAL_NETWORK
    )
    network.member_countries.add(small_cycle.kenya.member_country, small_cycle.nepal.member_country)
    response = staff_client.get(DASHBOARD, {"cycle": small_cycle.cycle.pk, "network": network.pk})
    assert sorted(row.iso2 for row in response.context["rows"]) == ["KE", "NP"]
    assert response.context["funnel"][-1].stages["submitted"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"cycle": "abc"},
        {"cycle": "99999999999999999999"},
        {"cycle": "0"},
        {"cycle": "-1"},
        {"region": "atlantis"},
        {"network": "x"},
        {"package": "1.5"},
    ],
)
def test_bad_parameters_are_a_400_never_a_500(staff_client, small_cycle, params):
    for url in urls(small_cycle.cycle):
        response = staff_client.get(url.split("?")[0], params)
        assert response.status_code == 400, (url, params)


def test_a_cycle_of_another_package_is_a_404(staff_client, small_cycle):
    package = published_package(title="Another package")
    response = staff_client.get(DASHBOARD, {"cycle": small_cycle.cycle.pk, "package": package.pk})
    assert response.status_code == 404
    # A package without a cycle has no dashboard either.
    assert staff_client.get(DASHBOARD, {"package": package.pk}).status_code == 404


def test_without_any_cycle_the_dashboard_says_so(staff_client):
    response = staff_client.get(DASHBOARD)
    assert response.status_code == 200
    assert "No reporting cycle yet" in response.content.decode()
    assert staff_client.get(reverse("dashboard:report_pdf")).status_code == 404


def test_send_reminder_and_chase_all_late(staff_client, small_cycle):
    cycle = small_cycle.cycle
    nepal = small_cycle.nepal.member_country
    response = staff_client.post(reverse("dashboard:remind", args=[nepal.pk]) + f"?cycle={cycle.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?cycle={cycle.pk}#owing"
    [reminder] = Reminder.objects.all()
    assert (reminder.kind, reminder.member_country, reminder.cycle, reminder.step) == ("chase", nepal, cycle, 1)
    assert reminder.email == "ncb.np@example.org"
    assert reminder.created_by is not None

    response = staff_client.post(reverse("dashboard:remind_late") + f"?cycle={cycle.pk}", follow=True)
    assert "Reminders queued for 2 late countries." in response.content.decode()
    chased = Reminder.objects.filter(kind="chase").values_list("member_country__iso2", "step")
    assert sorted(chased) == [("FR", 1), ("NP", 1), ("NP", 2)]


def test_a_reminder_to_a_country_without_a_contact_is_refused_with_a_message(staff_client, small_cycle):
    germany = member_country("DE")
    response = staff_client.post(
        reverse("dashboard:remind", args=[germany.pk]) + f"?cycle={small_cycle.cycle.pk}", follow=True
    )
    assert response.status_code == 200
    assert "has no active primary contact" in response.content.decode()
    assert not Reminder.objects.exists()


def test_reminders_are_post_only_and_unknown_countries_404(staff_client, small_cycle):
    cycle = small_cycle.cycle
    url = reverse("dashboard:remind", args=[small_cycle.nepal.member_country_id]) + f"?cycle={cycle.pk}"
    assert staff_client.get(url).status_code == 405
    assert staff_client.post(reverse("dashboard:remind", args=[999999]) + f"?cycle={cycle.pk}").status_code == 404


def test_the_admin_index_links_to_the_dashboard(staff_client):
    assert DASHBOARD in staff_client.get(reverse("admin:index")).content.decode()


def test_a_country_that_reports_is_not_chased_for_its_acknowledgement(staff_client, small_cycle):
    Delivery.objects.filter(member_country=small_cycle.france.member_country).update(acknowledged_at=None)
    response = staff_client.get(DASHBOARD)
    france = next(row for row in response.context["rows"] if row.iso2 == "FR")
    assert france.status == "reporting"
    assert [str(reason) for reason in france.owes] == ["Report overdue"]
    assert response.context["funnel"][-1].stages["acknowledged"] == 1
