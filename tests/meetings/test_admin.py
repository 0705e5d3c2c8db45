import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, Registration, Visit
from meetings.resources import PublicParticipantResource, RegistrationResource
from tests.factories import OrganisationFactory, RegistrationFactory, StaffFactory, VisitFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
CHANGELIST = "admin:meetings_registration_changelist"


@pytest.fixture
def staff_client(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


def pending(visit, **kwargs):
    return RegistrationFactory(visit=visit, status=Status.PENDING, confirmed_at=None, **kwargs)


def test_bulk_confirm_respects_capacity_and_says_what_it_did(staff_client):
    visit = VisitFactory(requires_approval=True, capacity=2)
    registrations = [pending(visit) for _ in range(3)]
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "confirm_selected", "_selected_action": [r.pk for r in registrations]},
        follow=True,
    )
    page = response.content.decode()
    assert "2 registrations confirmed." in page and "is full (2 seats)" in page
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 2
    change = registrations[0].status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.PENDING,
        Status.CONFIRMED,
        staff_client.staff,
    )


def test_bulk_decline_records_who(staff_client):
    visit = VisitFactory(requires_approval=True)
    registration = pending(visit)
    staff_client.post(reverse(CHANGELIST), {"action": "decline_selected", "_selected_action": [registration.pk]})
    registration.refresh_from_db()
    assert registration.status == Status.DECLINED
    assert registration.status_changes.get().changed_by == staff_client.staff


def test_bulk_waitlist_and_decline_say_what_they_did(staff_client):
    visit = VisitFactory(requires_approval=True)
    one, two = pending(visit), pending(visit)
    page = staff_client.post(
        reverse(CHANGELIST), {"action": "waitlist_selected", "_selected_action": [one.pk, two.pk]}, follow=True
    ).content.decode()
    assert "2 registrations moved to the waiting list." in page
    assert set(Registration.objects.values_list("status", flat=True)) == {Status.WAITLISTED}
    page = staff_client.post(
        reverse(CHANGELIST), {"action": "decline_selected", "_selected_action": [one.pk]}, follow=True
    ).content.decode()
    assert "1 registration declined." in page
    page = staff_client.post(
        reverse(CHANGELIST), {"action": "waitlist_selected", "_selected_action": [one.pk]}, follow=True
    ).content.decode()
    assert "is declined and cannot be moved to the waiting list" in page


def test_registration_filters_by_visit_status_and_affiliation_kind(staff_client):
    visit = VisitFactory()
    ngo = OrganisationFactory(kind="ngo")
    RegistrationFactory(visit=visit, full_name="Country Delegate")
    RegistrationFactory(visit=visit, full_name="NGO Delegate", member_country=None, organisation=ngo)
    page = staff_client.get(reverse(CHANGELIST), {"affiliation": "ngo", "visit__id__exact": visit.pk}).content.decode()
    assert "NGO Delegate" in page and "Country Delegate" not in page
    page = staff_client.get(
        reverse(CHANGELIST), {"affiliation": "country", "status__exact": "confirmed"}
    ).content.decode()
    assert "Country Delegate" in page and "NGO Delegate" not in page


def test_seats_summary_without_a_query_per_visit(staff_client):
    for capacity in (3, 5):
        visit = VisitFactory(capacity=capacity)
        RegistrationFactory(visit=visit)
        pending(visit)
    url = reverse("admin:meetings_visit_changelist")
    page = staff_client.get(url).content.decode()
    assert '<td class="field-seats_left">2 of 3</td>' in page and '<td class="field-seats_left">4 of 5</td>' in page
    assert (
        page.count(">1 confirmed</a> · ") == 2 and page.count(">1 pending</a> · ") == 2 and ">0 waitlisted</a>" in page
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(url)
        return len(captured)

    with_two = queries()
    for _ in range(5):
        RegistrationFactory(visit=VisitFactory())
    assert queries() == with_two


def test_status_cannot_be_edited_in_the_change_form(staff_client):
    registration = RegistrationFactory()
    page = staff_client.get(reverse("admin:meetings_registration_change", args=[registration.pk])).content.decode()
    assert 'name="status"' not in page
    assert staff_client.get(reverse("admin:meetings_registration_add")).status_code == 403


@pytest.mark.parametrize("file_format", ["0", "1"])  # CSV, XLSX
def test_exports_all_registrations_and_the_public_list(staff_client, file_format):
    visit = VisitFactory()
    RegistrationFactory(visit=visit, full_name="Listed Person", consent_to_participant_list=True)
    RegistrationFactory(visit=visit, full_name="Private Person", consent_to_participant_list=False)
    url = reverse("admin:meetings_registration_export")

    def export(resource):
        resource_class = [RegistrationResource, PublicParticipantResource][int(resource)]
        # The export form lets staff untick columns; tick them all.
        columns = {f"{resource_class.__name__.lower()}_{name}": "on" for name in resource_class().get_export_order()}
        response = staff_client.post(url, {"format": file_format, "resource": resource, **columns})
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        if file_format == "0":
            return list(csv.reader(io.StringIO(response.content.decode())))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        return [[cell.value for cell in row] for row in sheet.iter_rows()]

    everything = export("0")
    public = export("1")
    names = [row[everything[0].index("full_name")] for row in everything[1:]]
    assert sorted(names) == ["Listed Person", "Private Person"]
    assert public[0] == ["visit", "full_name", "represents"]
    assert [row[1:] for row in public[1:]] == [["Listed Person", "Kenya"]]


def test_check_in_per_day_records_who(staff_client):
    visit = VisitFactory()
    present, absent = RegistrationFactory(visit=visit), RegistrationFactory(visit=visit)
    url = reverse("admin:meetings_visit_check_in", args=[visit.pk, visit.start_date.isoformat()])
    assert present.full_name in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"present": [present.pk]}, follow=True)
    assert "1 checked in" in response.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.registration, attendance.checked_in_by) == (present, staff_client.staff)
    assert not absent.attendances.exists()
    # Tampered requests: a stranger's registration, garbage, a day outside the visit.
    stranger = RegistrationFactory()
    assert staff_client.post(url, {"present": [stranger.pk]}).status_code == 400
    assert staff_client.post(url, {"present": ["x"]}).status_code == 400
    outside = reverse("admin:meetings_visit_check_in", args=[visit.pk, "2001-01-01"])
    assert staff_client.get(outside).status_code == 404
    assert staff_client.get(reverse("admin:meetings_visit_check_in", args=[visit.pk, "nonsense"])).status_code == 404


def visit_form_data(client, visit, **changes):
    """The visit's change form as the admin renders it, with `changes` applied."""
    form = client.get(reverse("admin:meetings_visit_change", args=[visit.pk])).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for name in ("registration_opens_at", "registration_closes_at"):
        value = timezone.localtime(getattr(visit, name))
        data[f"{name}_0"], data[f"{name}_1"] = value.date().isoformat(), value.time().strftime("%H:%M:%S")
        data.pop(name, None)
    data.update({"agenda_items-TOTAL_FORMS": 0, "agenda_items-INITIAL_FORMS": 0, "requires_approval": "", **changes})
    return {key: value for key, value in data.items() if value != ""}


def test_raising_capacity_in_the_admin_promotes_the_waiting_list(staff_client):
    visit = VisitFactory(capacity=1)
    RegistrationFactory(visit=visit)
    queued = RegistrationFactory(visit=visit, status=Status.WAITLISTED, confirmed_at=None, waitlisted_at=timezone.now())
    url = reverse("admin:meetings_visit_change", args=[visit.pk])
    response = staff_client.post(url, visit_form_data(staff_client, visit, capacity=2), follow=True)
    assert "1 delegate was promoted" in response.content.decode(), response.context.get("errors")
    queued.refresh_from_db()
    assert queued.status == Status.CONFIRMED
    assert Visit.objects.get(pk=visit.pk).capacity == 2


def test_capacity_cannot_go_below_the_confirmed_seats(staff_client):
    visit = VisitFactory(capacity=3)
    for _ in range(2):
        RegistrationFactory(visit=visit)
    url = reverse("admin:meetings_visit_change", args=[visit.pk])
    response = staff_client.post(url, visit_form_data(staff_client, visit, capacity=1, title="Renamed"))
    assert response.status_code == 200
    assert "2 seats are confirmed" in str(response.context["adminform"].form.errors["capacity"])
    visit.refresh_from_db()
    assert (visit.capacity, visit.title != "Renamed") == (3, True)  # nothing half-written
    response = staff_client.post(url, visit_form_data(staff_client, visit, capacity=2), follow=True)
    assert Visit.objects.get(pk=visit.pk).capacity == 2


def test_registration_data_is_read_only_in_the_admin(staff_client):
    registration = RegistrationFactory()
    page = staff_client.get(reverse("admin:meetings_registration_change", args=[registration.pk])).content.decode()
    for name in (
        "full_name",
        "job_title",
        "member_country",
        "organisation",
        "arrival_date",
        "departure_date",
        "needs_visa_letter",
        "nationality",
        "passport_number",
    ):
        assert f'name="{name}"' not in page, name


def test_attendance_cannot_be_deleted_by_hand(staff_client):
    visit = VisitFactory()
    registration = RegistrationFactory(visit=visit)
    attendance = Attendance.objects.create(
        registration=registration, date=visit.start_date, checked_in_at=timezone.now(), checked_in_by=staff_client.staff
    )
    delete_url = reverse("admin:meetings_attendance_delete", args=[attendance.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:meetings_attendance_changelist")
    response = staff_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [attendance.pk], "post": "yes"}
    )
    assert Attendance.objects.filter(pk=attendance.pk).exists()
    assert response.status_code in (200, 302)


@pytest.fixture(autouse=True)
def _account_row_loaded_per_request(settings):
    """The pinned counts include loading the signed-in account (what its first request pays; envcrime.auth
    caches the row after: tests/test_account_cache.py)."""
    settings.AUTH_USER_CACHE_SECONDS = 0
