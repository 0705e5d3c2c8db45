"""The cycle's documents for staff and governing bodies: the country × recommendation matrix (CSV,
XLSX, through the project's import-export formats so every cell is neutralised against formulae) and the implementation
report PDF (figures, SVG bar charts drawn on the server, tables by region and by recommendation).
"""

import datetime

import tablib
from django.utils import timezone

from envcrime.exports import CSV, XLSX
from envcrime.pdf import render_pdf

from . import dashboard_charts as charts
from .models import ReportingCycle
from .selectors import dashboard as selectors

REPORT_TEMPLATE = "recommendations/dashboard/report_pdf.html"
MATRIX_FORMATS = {"csv": (CSV, "text/csv; charset=utf-8"), "xlsx": (XLSX, XLSX().get_content_type())}


MATRIX_COLUMNS = [
    "country_iso2",
    "country",
    "region",
    "country_status",
    "report_status",
    "submissions",
    "recommendation",
    "recommendation_title",
    "response",
    "justification",
    "implementation_status",
    "lead_agency",
    "actions_taken",
    "planned_completion",
    "secretariat_assessment",
    "updated_at",
]


def _cell(value):
    """Dates and times in ISO 8601 (with the offset), so a spreadsheet or a script reads them unambiguously."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def matrix_dataset(rows: list[dict]) -> tablib.Dataset:
    """The matrix as a dataset, built directly: a declared import-export resource renders each of
    the ~63,000 cells through a widget and took three seconds at full size for the same output."""
    return tablib.Dataset(*[[_cell(row[column]) for column in MATRIX_COLUMNS] for row in rows], headers=MATRIX_COLUMNS)


def matrix_export(*, cycle: ReportingCycle, countries=None, fmt: str) -> tuple[bytes, str]:
    """The matrix as file content and its content type; `fmt` is "csv" or "xlsx". The formats are
    envcrime.exports', which neutralise every cell that a spreadsheet would read as a formula."""
    export_format, content_type = MATRIX_FORMATS[fmt]
    content = export_format().export_data(matrix_dataset(selectors.matrix_rows(cycle=cycle, countries=countries)))
    return (content.encode() if isinstance(content, str) else content), content_type


def report_context(*, cycle: ReportingCycle) -> dict:
    rows = selectors.country_rows(cycle=cycle)
    funnel = selectors.funnel_by_region(rows)
    recommendations = selectors.recommendation_rows(cycle=cycle)
    statuses = selectors.status_counts(rows)
    country_series = charts.country_status_series()
    status_bars = charts.stacked_bars(
        [(f"{row.number}. {row.title}", row.statuses) for row in recommendations], charts.item_status_series()
    )
    verdict_bars = charts.stacked_bars(
        [(f"{row.number}. {row.title}", row.verdicts) for row in recommendations], charts.verdict_series()
    )
    region_bars = charts.stacked_bars(
        [(str(funnel_row.label), _region_statuses(rows, funnel_row)) for funnel_row in funnel[:-1]], country_series
    )
    return {
        "cycle": cycle,
        "package": cycle.package,
        "generated_at": timezone.now(),
        "countries": len(rows),
        "status_figures": [(label, colour, statuses[key]) for key, label, colour in country_series],
        "funnel": funnel,
        "funnel_stages": [label for _key, label in selectors.FUNNEL_STAGES],
        "recommendations": recommendations,
        "status_series": charts.item_status_series(),
        "verdict_series": charts.verdict_series(),
        "status_bars": status_bars,
        "status_height": charts.chart_height(status_bars),
        "verdict_bars": verdict_bars,
        "verdict_height": charts.chart_height(verdict_bars),
        "region_bars": region_bars,
        "region_height": charts.chart_height(region_bars),
        "country_series": country_series,
        "submitted": sum(row.submitted for row in rows),
        "implementing": sum(row.implementing for row in rows),
        "overdue": sum(row.overdue for row in rows),
    }


def _region_statuses(rows, funnel_row) -> dict[str, int]:
    return selectors.status_counts([row for row in rows if str(row.region_label) == str(funnel_row.label)])


def report_pdf(*, cycle: ReportingCycle) -> bytes:
    return render_pdf(REPORT_TEMPLATE, report_context(cycle=cycle))
