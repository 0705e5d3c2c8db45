"""The cycle's downloads: the country × recommendation matrix (CSV, XLSX) with formulae neutralised,
and the implementation report PDF, all private and never cached."""

import csv
import io

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from programmes.models import MemberCountry

pytestmark = pytest.mark.django_db


def download(client, name, cycle):
    response = client.get(reverse(name), {"cycle": cycle.pk})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response


def test_matrix_csv_has_every_country_and_recommendation(staff_client, small_cycle):
    response = download(staff_client, "dashboard:matrix_csv", small_cycle.cycle)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == MemberCountry.objects.active().count() * 2
    kenya = [row for row in rows if row["country_iso2"] == "KE"]
    assert [row["recommendation"] for row in kenya] == ["1", "2"]
    first, second = kenya
    assert first["country_status"] == "Implementing"
    assert first["implementation_status"] == "Fully implemented"
    assert first["secretariat_assessment"] == "Agree"
    assert first["lead_agency"] == "Kenya Wildlife Service"
    # Text that a spreadsheet would run as a formula gets the apostrophe that marks it as text.
    assert second["recommendation_title"].startswith("'=HYPERLINK")
    assert second["lead_agency"] == "'@Customs"
    assert second["secretariat_assessment"] == ""
    nepal = [row for row in rows if row["country_iso2"] == "NP"]
    assert nepal[0]["country_status"] == "Not acknowledged" and nepal[0]["response"] == ""


def test_matrix_xlsx_follows_the_region_filter(staff_client, small_cycle):
    response = staff_client.get(reverse("dashboard:matrix_xlsx"), {"cycle": small_cycle.cycle.pk, "region": "africa"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("country_iso2", "country", "region")
    assert {row[2] for row in rows} == {"Africa"}
    assert len(rows) == MemberCountry.objects.active().filter(region="africa").count() * 2
    assert ("KE", 1, "Fully implemented") in {(row[0], row[6], row[10]) for row in rows}


def test_implementation_report_pdf_has_every_recommendation_and_the_region_table(staff_client, small_cycle):
    response = download(staff_client, "dashboard:report_pdf", small_cycle.cycle)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Implementation report" in text and "Six-month progress report" in text
    assert "1. Name an environmental crime focal point" in text
    # The table breaks the long URL over lines: compare without the spacing.
    assert '2.=HYPERLINK("http://evil.example")sharedata' in "".join(text.split())
    assert "From delivery to implementation, by region" in text
    for region in ("Africa", "Americas", "Europe", "All regions"):
        assert region in text
    # The region table's total row: 190 countries; 3 delivered, 2 downloaded, 2 acknowledged,
    # 1 submitted, 1 implementing.
    assert "All regions 190 3 (2%) 2 (1%) 2 (1%) 1 (1%) 1 (1%)" in text
    # The charts are vector graphics drawn on the server: no script, no image file.
    assert b"/JavaScript" not in response.content and b"/JS " not in response.content
