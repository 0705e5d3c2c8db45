"""The to-do panel at the top of the admin index: each item appears while there is work, links to
the admin list of exactly those rows, and goes away once the work is done."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Registration
from recommendations import services
from recommendations.models import Delivery, Distribution
from tests.factories import ContactFactory, RegistrationFactory, StaffFactory, UserFactory, VisitFactory, member_country
from tests.recommendations.factories import published_package

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")


def todo(client):
    response = client.get(INDEX)
    assert response.status_code == 200
    return {item.text: item.url for item in response.context["todo"]}


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    # A filter the changelist does not know redirects with `?e=1` instead of filtering.
    assert "e=1" not in response.get("Location", "")
    return set(response.context["cl"].queryset)


def delivery(package, status=Delivery.Status.SENT, iso2="KE", **fields):
    distribution = Distribution.objects.create(package=package)
    contact = ContactFactory(member_country=member_country(iso2), is_primary=False)
    return Delivery.objects.create(
        distribution=distribution,
        package=package,
        contact=contact,
        member_country=contact.member_country,
        email=contact.email,
        status=status,
        sent_at=timezone.now() if status == Delivery.Status.SENT else None,
        **fields,
    )


def test_an_empty_panel_says_so(staff_client):
    assert todo(staff_client) == {}
    assert "Nothing needs doing." in staff_client.get(INDEX).content.decode()


def test_pending_registrations_per_visit_until_confirmed(staff_client):
    visit = VisitFactory(title="Lyon visit", requires_approval=True)
    waiting = [RegistrationFactory(visit=visit, status="pending", confirmed_at=None) for _ in range(2)]
    RegistrationFactory(visit=VisitFactory(title="Other visit"), status="pending", confirmed_at=None)
    RegistrationFactory(visit=visit)  # confirmed: nothing to do

    items = todo(staff_client)
    url = items["2 registrations await approval for Lyon visit."]
    assert rows(staff_client, url) == set(waiting)
    assert "1 registration awaits approval for Other visit." in items
    assert "Lyon visit" in staff_client.get(INDEX).content.decode()

    staff_client.post(
        reverse("admin:meetings_registration_changelist"),
        {"action": "confirm_selected", "_selected_action": [r.pk for r in waiting]},
    )
    assert Registration.objects.filter(visit=visit, status="pending").count() == 0
    assert not [text for text in todo(staff_client) if "Lyon visit" in text]


def test_nominations_awaiting_endorsement(staff_client):
    visit = VisitFactory(title="Nairobi visit")
    nominated = RegistrationFactory(visit=visit, status="nominated", confirmed_at=None)
    url = todo(staff_client)["1 nomination awaits its country's endorsement for Nairobi visit."]
    assert rows(staff_client, url) == {nominated}


def test_registration_opening_and_closing_within_seven_days(staff_client):
    now = timezone.now()
    opening = VisitFactory(registration_opens_at=now + datetime.timedelta(days=3))
    closing = VisitFactory(registration_closes_at=now + datetime.timedelta(days=6))
    VisitFactory(registration_opens_at=now + datetime.timedelta(days=8))
    items = todo(staff_client)
    assert rows(staff_client, items["Registration opens within 7 days for 1 visit."]) == {opening}
    assert rows(staff_client, items["Registration closes within 7 days for 1 visit."]) == {closing}


def test_a_published_package_until_it_is_distributed(staff_client):
    package = published_package()
    published_package()
    url = todo(staff_client)["2 packages are published but not distributed."]
    assert len(rows(staff_client, url)) == 2

    with transaction.atomic():
        services.distribution_start(package=package)
    url = todo(staff_client)["1 package is published but not distributed."]
    assert package not in rows(staff_client, url)


def test_distributions_with_a_failed_delivery(staff_client):
    package = published_package()
    failed = delivery(package, status=Delivery.Status.FAILED, last_error="550 No such user")
    delivery(package, iso2="SN")
    url = todo(staff_client)["1 distribution has failed deliveries."]
    assert rows(staff_client, url) == {failed.distribution}

    failed.status = Delivery.Status.SENT
    failed.sent_at = timezone.now()
    failed.save(update_fields=["status", "sent_at"])
    assert todo(staff_client) == {}


def test_an_overdue_acknowledgement_until_acknowledged(staff_client, settings):
    settings.ACKNOWLEDGEMENT_OVERDUE_DAYS = 14
    package = published_package()
    overdue = delivery(package)
    Delivery.objects.filter(pk=overdue.pk).update(sent_at=timezone.now() - datetime.timedelta(days=15))
    recent = delivery(package, iso2="SN")
    Delivery.objects.filter(pk=recent.pk).update(sent_at=timezone.now() - datetime.timedelta(days=13))
    package.distributions.update(finished_at=timezone.now())

    items = todo(staff_client)
    url = items["1 member country has not acknowledged a package delivered over 14 days ago."]
    assert rows(staff_client, url) == {overdue}

    # Acknowledging speaks for the country: a signed-in account of its team does it.
    kenya_liaison = UserFactory()
    ContactFactory(member_country=overdue.member_country, user=kenya_liaison, is_primary=False)
    with transaction.atomic():
        services.delivery_acknowledge(delivery=overdue, user=kenya_liaison)
    assert not [text for text in todo(staff_client) if "acknowledged" in text]


def test_only_what_the_user_may_view(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    RegistrationFactory(status="pending", confirmed_at=None)
    published_package()
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(user)
    items = todo(client)
    assert len(items) == 1 and "await" in next(iter(items))


def test_the_panel_takes_the_same_queries_whatever_the_rows(staff_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(INDEX).status_code == 200
        return len(captured)

    package = published_package()
    delivery(package, status=Delivery.Status.FAILED)
    RegistrationFactory(status="pending", confirmed_at=None)
    queries()  # the first request of a session also records the session
    few = queries()
    for _ in range(5):
        RegistrationFactory(status="pending", confirmed_at=None)
        RegistrationFactory(status="nominated", confirmed_at=None)
        delivery(published_package(), status=Delivery.Status.FAILED)
        published_package()
    assert queries() == few


@pytest.fixture(autouse=True)
def _account_row_loaded_per_request(settings):
    """The pinned counts include loading the signed-in account (what its first request pays; envcrime.auth
    caches the row after: tests/test_account_cache.py)."""
    settings.AUTH_USER_CACHE_SECONDS = 0


def test_a_submitted_report_until_every_item_of_its_latest_submission_is_assessed(staff_client):
    from recommendations.services import followup
    from tests.recommendations.followup.test_admin_review import submitted_report

    report = submitted_report(recommendations=2)
    url = todo(staff_client)["1 country report awaits the secretariat's assessment."]
    assert rows(staff_client, url) == {report}
    staff = StaffFactory()
    first, second = report.items.order_by("recommendation__number")
    followup.item_assess(item=first, verdict="agree", comment="", by=staff)
    assert rows(staff_client, url) == {report}, "one item is still unassessed"
    followup.item_assess(item=second, verdict="agree", comment="", by=staff)
    assert not [text for text in todo(staff_client) if "assessment" in text]
    assert rows(staff_client, url.replace("yes", "no")) == {report}

    # Sent back, the report is the country's to answer; submitted again, its new submission awaits staff.
    followup.report_send_back(report=report, request_text="Evidence for item 2, please.", by=staff)
    assert not [text for text in todo(staff_client) if "assessment" in text]
    report.refresh_from_db()
    followup.report_submit(report=report, version=report.version, by=report.items.first().updated_by)
    assert rows(staff_client, url) == {report}
