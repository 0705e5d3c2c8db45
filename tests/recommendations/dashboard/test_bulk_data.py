"""The bulk data the dashboard's query counts and the benchmark run on is the size the issue names."""

import pytest

from recommendations.models import CountryReport, ImplementationItem, ReportingCycle

from .bulk import build_followup_data

pytestmark = pytest.mark.django_db


def test_bulk_data_has_196_countries_20_recommendations_and_3_cycles_of_reports():
    data = build_followup_data()

    assert len(data.countries) == 196
    assert len(data.recommendations) == 20
    assert ReportingCycle.objects.filter(package=data.package).count() == 3
    reports = CountryReport.objects.filter(cycle__package=data.package)
    # Most countries report in each cycle, in every state a report can be in.
    assert reports.count() > 3 * 196 * 0.7
    assert set(reports.values_list("status", flat=True)) == {"draft", "submitted", "returned"}
    items = ImplementationItem.objects.filter(report__cycle__package=data.package)
    assert items.count() == reports.count() * 20
    assert items.filter(status=ImplementationItem.Status.FULLY_IMPLEMENTED, evidence__isnull=True).count() == 0
