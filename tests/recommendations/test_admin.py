import csv
import io
from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from recommendations import services
from recommendations.models import Delivery, Distribution, RecommendationPackage
from tests.factories import ContactFactory, StaffFactory, UserFactory, make_liaison, member_country

from .factories import (
    DraftPackageFactory,
    RecommendationFactory,
    primary_contacts_for_every_country,
    published_package,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_publish_and_new_version_actions(staff_client):
    draft = DraftPackageFactory()
    RecommendationFactory(visit=draft.visit, number=1)
    changelist = reverse("admin:recommendations_recommendationpackage_changelist")

    response = staff_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "published" and draft.document_sha256 in response.content.decode()

    staff_client.post(changelist, {"action": "new_version", "_selected_action": [draft.pk]})
    assert RecommendationPackage.objects.filter(visit=draft.visit, version=2, status="draft").exists()


def test_a_published_package_is_read_only_and_cannot_be_deleted(staff_client):
    package = published_package(title="Frozen title")
    change_url = reverse("admin:recommendations_recommendationpackage_change", args=[package.pk])
    page = staff_client.get(change_url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    staff_client.post(change_url, {"title": "Edited", "summary": "x", "version": 9, "visit": package.visit_id})
    package.refresh_from_db()
    assert (package.title, package.version) == ("Frozen title", 1)
    delete_url = reverse("admin:recommendations_recommendationpackage_delete", args=[package.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert RecommendationPackage.objects.filter(pk=package.pk).exists()

    document = staff_client.get(reverse("admin:recommendations_package_document", args=[package.pk]))
    assert document.status_code == 200 and "no-store" in document["Cache-Control"]


def test_distribute_action_and_the_distribution_page(staff_client, smtp_server, django_capture_on_commit_callbacks):
    primary_contacts_for_every_country(exclude_iso2=("NP",))
    smtp_server.refuse("liaison-ke@example.org", times=None, code="550 5.1.1 No such user")
    package = published_package()
    changelist = reverse("admin:recommendations_recommendationpackage_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(changelist, {"action": "distribute", "_selected_action": [package.pk]})
    distribution = Distribution.objects.get()
    assert response["Location"] == reverse("admin:recommendations_distribution_change", args=[distribution.pk])

    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "recommendations/distribution-progress.js" in html and "<script>" not in html
    assert "Nepal (NP)" in html, "countries without a primary contact are listed"
    assert "Kenya" in html

    progress = staff_client.get(reverse("admin:recommendations_distribution_progress", args=[distribution.pk])).json()
    assert progress == {
        "total": 189,
        "sent": 188,
        "failed": 1,
        "queued": 0,
        "sending": 0,
        "pending": 0,
        "percent": 100,
        "done": True,
        "finished_at": progress["finished_at"],
    }
    assert progress["finished_at"]
    listing = staff_client.get(reverse("admin:recommendations_distribution_changelist"))
    assert "188 sent, 1 failed, 0 pending of 189" in listing.content.decode()

    report = staff_client.get(reverse("admin:recommendations_distribution_report", args=[distribution.pk]))
    assert report["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(report.content.decode())))
    assert len(rows) == 190
    by_country = {row["country_iso2"]: row for row in rows}
    assert by_country["KE"]["status"] == "failed" and "550" in by_country["KE"]["last_error"]
    assert by_country["NP"]["status"] == "no_primary_contact"
    assert by_country["FR"]["status"] == "sent"
    assert "no-store" in report["Cache-Control"] and "attachment" in report["Content-Disposition"]
    assert list(rows[0]) == [
        "country_iso2",
        "country",
        "region",
        "contact",
        "email",
        "language",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "first_downloaded_at",
        "download_count",
        "acknowledged_at",
    ]
    sent_at = datetime.fromisoformat(by_country["FR"]["sent_at"])
    assert sent_at.tzinfo is not None and not by_country["NP"]["sent_at"]

    smtp_server.handler.refusals.clear()
    retry_url = reverse("admin:recommendations_distribution_retry_failed", args=[distribution.pk])
    assert staff_client.get(retry_url).status_code == 405
    sent_before = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(retry_url)
    assert len(smtp_server.messages) == sent_before + 1
    assert smtp_server.messages[-1].rcpt_tos == ["liaison-ke@example.org"]
    assert Delivery.objects.get(member_country=member_country("KE")).status == "sent"


def test_the_distribution_page_takes_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    primary_contacts_for_every_country()
    package = published_package()
    distribution = services.distribution_start(package=package).distribution
    with django_assert_max_num_queries(15):
        assert (
            staff_client.get(reverse("admin:recommendations_distribution_change", args=[distribution.pk])).status_code
            == 200
        )
    services.distribution_start(package=published_package(visit=package.visit, version=2))
    with django_assert_max_num_queries(15):
        assert staff_client.get(reverse("admin:recommendations_distribution_changelist")).status_code == 200
    with django_assert_max_num_queries(10):  # pinned exactly in tests/admin/test_one_query.py
        url = reverse("admin:recommendations_distribution_progress", args=[distribution.pk])
        assert staff_client.get(url).json()["total"] == 190


def test_admin_pages_are_for_staff_only(client):
    package = published_package()
    distribution = services.distribution_start(package=package).distribution
    liaison, _contact = make_liaison("KE")
    client.force_login(liaison)
    for url in [
        reverse("admin:recommendations_distribution_progress", args=[distribution.pk]),
        reverse("admin:recommendations_distribution_report", args=[distribution.pk]),
    ]:
        assert client.get(url).status_code == 302


# Committed for real: the enqueue-on-commit hooks run while the command waits, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_distribute_package_command_waits_and_reports(smtp_server, capsys):
    primary_contacts_for_every_country(exclude_iso2=("TH",))
    package = published_package()
    call_command("distribute_package", package.pk, "--wait", "--interval=0.1", "--timeout=60")
    out = capsys.readouterr().out
    assert "sent: 189  failed: 0  countries without a primary contact: 1" in out
    assert len(smtp_server.messages) == 189


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_distribute_package_command_exits_non_zero_when_some_failed(smtp_server):
    ContactFactory(member_country=member_country("KE"), is_primary=True, email="bad@example.org")
    smtp_server.refuse("bad@example.org", times=None, code="550 5.1.1 No such user")
    package = published_package()
    with pytest.raises(CommandError, match="1 deliveries failed") as raised:
        call_command("distribute_package", package.pk, "--wait", "--interval=0.1", "--timeout=60")
    assert raised.value.returncode == 1


def test_distribute_package_command_refuses_unknown_and_draft_packages():
    with pytest.raises(CommandError):
        call_command("distribute_package", 987654)
    with pytest.raises(CommandError, match="published"):
        call_command("distribute_package", DraftPackageFactory().pk)


def test_a_malformed_or_unknown_distribution_id_is_a_404(staff_client):
    distribution = services.distribution_start(package=published_package()).distribution
    base = reverse("admin:recommendations_distribution_change", args=[distribution.pk])
    assert staff_client.get(base).status_code == 200
    assert staff_client.get(base.replace(f"/{distribution.pk}/", "/abc/")).status_code == 404
    unknown = distribution.pk + 1000
    for name in ["change", "progress", "report"]:
        url = reverse(f"admin:recommendations_distribution_{name}", args=[unknown])
        assert staff_client.get(url).status_code == 404, url


def test_a_view_only_staff_member_cannot_publish_distribute_or_version(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recommendations", codename__in=["view_recommendationpackage", "view_distribution"]
        )
    )
    client.force_login(viewer)
    draft = DraftPackageFactory()
    RecommendationFactory(visit=draft.visit, number=1)
    published = published_package()
    ContactFactory(member_country=member_country("KE"), is_primary=True)
    changelist = reverse("admin:recommendations_recommendationpackage_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert not any(name in page.content.decode() for name in ['value="publish"', 'value="distribute"'])

    for action, package in [("publish", draft), ("distribute", published), ("new_version", published)]:
        client.post(changelist, {"action": action, "_selected_action": [package.pk]})

    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not Distribution.objects.exists()
    assert RecommendationPackage.objects.count() == 2, "no new version"


def test_the_delivery_list_is_ordered_by_country(staff_client):
    package = published_package()
    for iso2 in ["KE", "FR", "BR"]:
        ContactFactory(member_country=member_country(iso2), is_primary=True)
    services.distribution_start(package=package)
    response = staff_client.get(reverse("admin:recommendations_delivery_changelist"))
    assert [d.member_country.iso2 for d in response.context["cl"].result_list] == ["BR", "FR", "KE"]
