"""Contacts come in from CSV or XLSX through the admin: preview first, then all rows or none."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programmes.models import Contact, Language
from tests.factories import ContactFactory, OrganisationFactory, member_country

HEADER = [
    "member_country",
    "organisation",
    "name",
    "title",
    "email",
    "phone",
    "preferred_language",
    "is_primary",
    "is_active",
]
IMPORT_URL = reverse("admin:programmes_contact_import")
PROCESS_URL = reverse("admin:programmes_contact_process_import")
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # positions in ContactAdmin.import_formats

GOOD_ROWS = [
    ["KE", "", "Grace Wanjiru", "NCB liaison officer", "grace.wanjiru@example.org", "+254 20 000", "en", "1", "1"],
    ["SN", "", "Awa Diop", "", "awa.diop@example.org", "", "FR", "1", "1"],
    ["KE", "", "Daniel Kiprop", "Analyst", "daniel.kiprop@example.org", "", "", "0", "1"],
    ["", "LATF", "Peter Otieno", "Intelligence officer", "peter.otieno@example.org", "", "English", "", ""],
]


def csv_file(rows, name="contacts.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="contacts.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.fixture
def latf():
    return OrganisationFactory(short_name="LATF", name="Lusaka Agreement Task Force", kind="regional_network")


def preview(client, upload, file_format):
    return client.post(IMPORT_URL, {"format": file_format, "import_file": upload})


def confirm(client, preview_response):
    confirm_form = preview_response.context["confirm_form"]
    return client.post(PROCESS_URL, {**confirm_form.initial}, follow=True)


@pytest.mark.django_db
@pytest.mark.parametrize(("make_file", "file_format"), [(csv_file, CSV_FORMAT), (xlsx_file, XLSX_FORMAT)])
def test_good_file_is_previewed_without_writing_then_imported(staff_client, latf, make_file, file_format):
    response = preview(staff_client, make_file(GOOD_ROWS), file_format)
    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert not response.context["result"].has_validation_errors()
    assert "grace.wanjiru@example.org" in response.content.decode()  # the preview lists the rows
    assert Contact.objects.count() == 0  # a dry run writes nothing

    response = confirm(staff_client, response)
    assert response.status_code == 200
    assert "Import finished: 4 new" in response.content.decode()
    grace = Contact.objects.get(email="grace.wanjiru@example.org")
    assert (grace.member_country.iso2, grace.organisation, grace.is_primary, grace.is_active) == (
        "KE",
        None,
        True,
        True,
    )
    assert grace.phone == "+254 20 000" and grace.title == "NCB liaison officer"
    awa = Contact.objects.get(email="awa.diop@example.org")
    assert awa.preferred_language == Language.FRENCH
    daniel = Contact.objects.get(email="daniel.kiprop@example.org")
    assert (daniel.is_primary, daniel.preferred_language) == (False, Language.ENGLISH)
    peter = Contact.objects.get(email="peter.otieno@example.org")
    assert (peter.member_country, peter.organisation, peter.is_primary, peter.is_active) == (None, latf, False, True)


@pytest.mark.django_db
def test_reimporting_an_exported_file_updates_instead_of_duplicating(staff_client, latf):
    ContactFactory(member_country=member_country("KE"), email="grace.wanjiru@example.org", name="G. Wanjiru")
    response = preview(staff_client, csv_file(GOOD_ROWS[:1]), CSV_FORMAT)
    confirm(staff_client, response)
    assert Contact.objects.get(email="grace.wanjiru@example.org").name == "Grace Wanjiru"
    assert Contact.objects.count() == 1


BAD_FILES = {
    "unknown-country": (
        [GOOD_ROWS[0], ["ZZ", "", "Nobody", "", "nobody@example.org", "", "en", "0", "1"]],
        2,
        "No member country has the ISO 3166 alpha-2 code “ZZ”.",
    ),
    "unknown-organisation": (
        [GOOD_ROWS[0], ["", "NOPE", "Nobody", "", "nobody@example.org", "", "en", "0", "1"]],
        2,
        "No organisation has the short name “NOPE”.",
    ),
    "malformed-email": (
        [GOOD_ROWS[0], GOOD_ROWS[1], ["NP", "", "Ram Thapa", "", "ram.thapa(at)example", "", "en", "1", "1"]],
        3,
        "Enter a valid email address.",
    ),
    "two-primaries-in-the-file": (
        [GOOD_ROWS[0], GOOD_ROWS[1], ["KE", "", "Second Primary", "", "second@example.org", "", "en", "1", "1"]],
        3,
        "This member country already has an active primary contact.",
    ),
    "both-affiliations": (
        [["KE", "LATF", "Two Hats", "", "two.hats@example.org", "", "en", "0", "1"], GOOD_ROWS[0]],
        1,
        "A contact belongs to exactly one member country or one organisation.",
    ),
    "unknown-language": (
        [GOOD_ROWS[0], ["NP", "", "Ram Thapa", "", "ram.thapa@example.org", "", "ne", "1", "1"]],
        2,
        "Value &#x27;ne&#x27; is not a valid choice.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_FILES))
@pytest.mark.parametrize(("make_file", "file_format"), [(csv_file, CSV_FORMAT), (xlsx_file, XLSX_FORMAT)])
def test_a_bad_row_is_shown_with_its_number_and_reason_and_nothing_is_imported(
    staff_client, latf, case, make_file, file_format
):
    rows, bad_row_number, reason = BAD_FILES[case]
    before = Contact.objects.count()
    response = preview(staff_client, make_file(rows), file_format)
    assert response.status_code == 200
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [bad_row_number]
    assert not result.has_errors()  # reported as a validation problem, not as a crash with a traceback
    assert "confirm_form" not in response.context  # nothing to confirm
    content = response.content.decode()
    assert "Nothing was imported: some rows are not valid" in content
    # The row number and the reason are on the page itself, not only in a hover pop-up.
    invalid_rows = content[content.index('id="invalid-rows"') :]
    assert f'<th scope="row" class="invalid-row-number">{bad_row_number}</th>' in invalid_rows
    assert reason in invalid_rows
    assert Contact.objects.count() == before


@pytest.mark.django_db
def test_a_second_active_primary_for_a_country_that_has_one_is_refused(staff_client, latf):
    ContactFactory(member_country=member_country("KE"), is_primary=True, email="current.ncb@example.org")
    response = preview(staff_client, csv_file([GOOD_ROWS[1], GOOD_ROWS[0]]), CSV_FORMAT)
    assert [row.number for row in response.context["result"].invalid_rows] == [2]
    assert "This member country already has an active primary contact." in response.content.decode()
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_a_file_that_turned_bad_after_the_preview_imports_nothing(staff_client, latf):
    """Between preview and confirmation somebody made another Kenyan contact primary."""
    response = preview(staff_client, csv_file(GOOD_ROWS), CSV_FORMAT)
    assert response.context["confirm_form"] is not None
    ContactFactory(member_country=member_country("KE"), is_primary=True, email="meanwhile@example.org")

    response = confirm(staff_client, response)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was imported" in content and "This member country already has an active primary contact." in content
    assert list(Contact.objects.values_list("email", flat=True)) == ["meanwhile@example.org"]


@pytest.mark.django_db
def test_missing_column_and_unreadable_file_are_explained(staff_client):
    no_email = SimpleUploadedFile("contacts.csv", b"member_country,organisation,name\nKE,,Someone\n")
    response = preview(staff_client, no_email, CSV_FORMAT)
    assert response.status_code == 200
    assert Contact.objects.count() == 0
    assert "are not present in the file headers: email" in response.content.decode()

    garbage = SimpleUploadedFile("contacts.xlsx", b"this is not a spreadsheet")
    response = preview(staff_client, garbage, XLSX_FORMAT)
    assert response.status_code == 200
    assert "Ensure you have chosen the correct format for the file." in response.content.decode()


@pytest.mark.django_db
def test_export_uses_natural_keys(staff_client, latf):
    ContactFactory(member_country=member_country("KE"), email="grace.wanjiru@example.org", is_primary=True)
    ContactFactory(member_country=None, organisation=latf, email="peter.otieno@example.org")
    response = staff_client.post(
        reverse("admin:programmes_contact_export"),
        {"format": CSV_FORMAT, **{f"contactresource_{name}": "on" for name in HEADER}},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_email = {row["email"]: row for row in rows}
    assert by_email["grace.wanjiru@example.org"]["member_country"] == "KE"
    assert by_email["peter.otieno@example.org"]["organisation"] == "LATF"
    assert set(rows[0]) == set(HEADER)
