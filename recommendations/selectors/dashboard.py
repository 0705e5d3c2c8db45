"""Reads for the staff dashboard, its exports and the implementation report.

Every function runs a fixed number of queries whatever the number of countries, recommendations or
submissions: the per-country and per-recommendation figures are aggregated by PostgreSQL (one
GROUP BY each) and joined in Python by id.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import pycountry
from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.countries import country_name, sort_key
from programmes.models import MemberCountry, Region

from ..models import Assessment, CountryReport, Delivery, ImplementationItem, Reminder, ReportingCycle
from .followup import cycle_recommendations


class CountryStatus(models.TextChoices):
    """How far a member country has come in a cycle; the furthest stage reached wins."""

    NOT_ACKNOWLEDGED = "not_acknowledged", _("Not acknowledged")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REPORTING = "reporting", _("Reporting")
    SUBMITTED = "submitted", _("Submitted")
    IMPLEMENTING = "implementing", _("Implementing")


FUNNEL_STAGES = [
    ("delivered", _("Delivered")),
    ("downloaded", _("Downloaded")),
    ("acknowledged", _("Acknowledged")),
    ("submitted", _("Report submitted")),
    ("implementing", _("≥1 recommendation fully implemented")),
]
# The same stages in the few words a chart's axis has room for.
FUNNEL_STAGES_SHORT = [_("Delivered"), _("Downloaded"), _("Acknowledged"), _("Submitted"), _("Implementing")]
NOT_ANSWERED = "not_answered"
NOT_ASSESSED = "not_assessed"


@cache
def iso_numeric(iso2: str) -> str:
    """ISO 3166-1 numeric code ("404" for KE), the id world-atlas gives each shape; "" if unknown."""
    country = pycountry.countries.get(alpha_2=iso2)
    return country.numeric if country else ""


@dataclass
class CountryRow:
    id: int
    name: str
    iso2: str
    iso3: str
    region: str
    delivered: bool = False
    downloaded: bool = False
    acknowledged: bool = False
    report_status: str = ""
    submission_count: int = 0
    submitted_at: datetime.datetime | None = None
    fully_implemented: bool = False
    overdue: bool = False
    reminders_sent: int = 0
    last_reminded_at: datetime.datetime | None = None

    @property
    def status(self) -> CountryStatus:
        if self.report_status == CountryReport.Status.SUBMITTED:
            return CountryStatus.IMPLEMENTING if self.fully_implemented else CountryStatus.SUBMITTED
        if self.report_status:
            return CountryStatus.REPORTING
        return CountryStatus.ACKNOWLEDGED if self.acknowledged else CountryStatus.NOT_ACKNOWLEDGED

    @property
    def submitted(self) -> bool:
        return self.report_status == CountryReport.Status.SUBMITTED

    @property
    def implementing(self) -> bool:
        return self.status == CountryStatus.IMPLEMENTING

    @property
    def owes(self) -> list:
        """What the country has not done yet that staff may chase it for."""
        reasons = []
        if self.status == CountryStatus.NOT_ACKNOWLEDGED:
            reasons.append(_("Package not acknowledged"))
        if self.overdue:
            reasons.append(_("Report overdue"))
        return reasons

    @property
    def region_label(self) -> str:
        return Region(self.region).label if self.region in Region.values else self.region


def member_countries(*, region: str = "", network=None):
    """The active member countries the dashboard shows, narrowed to a region and/or a network."""
    countries = MemberCountry.objects.active()
    if region:
        countries = countries.filter(region=region)
    if network is not None:
        countries = countries.filter(networks=network)
    return countries


def country_rows(*, cycle: ReportingCycle, countries=None, today: datetime.date | None = None) -> list[CountryRow]:
    """One row per member country with its progress in the cycle; four queries."""
    countries = member_countries() if countries is None else countries
    today = today or timezone.localdate()
    # Names in the reader's language and in the reader's alphabetical order (in memory: no query).
    rows = {
        country["id"]: CountryRow(**{**country, "name": country_name(country["iso2"], None, country["name"])})
        for country in countries.values("id", "name", "iso2", "iso3", "region")
    }
    rows = dict(sorted(rows.items(), key=lambda item: sort_key(item[1].name)))
    deliveries = (
        Delivery.objects.filter(package_id=cycle.package_id, member_country_id__in=countries.values("pk"))
        .values("member_country_id")
        .annotate(
            delivered=Count("pk", filter=Q(status=Delivery.Status.SENT)),
            downloaded=Count("pk", filter=Q(first_downloaded_at__isnull=False)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        )
        .order_by()
    )
    for delivery in deliveries:
        row = rows[delivery["member_country_id"]]
        row.delivered = delivery["delivered"] > 0
        row.downloaded = delivery["downloaded"] > 0
        row.acknowledged = delivery["acknowledged"] > 0
    fully_implemented = ImplementationItem.objects.filter(
        report=OuterRef("pk"), status=ImplementationItem.Status.FULLY_IMPLEMENTED
    )
    reports = (
        CountryReport.objects.filter(cycle=cycle, member_country_id__in=countries.values("pk"))
        .annotate(fully_implemented=Exists(fully_implemented))
        .values("member_country_id", "status", "submission_count", "submitted_at", "fully_implemented")
        .order_by()
    )
    for report in reports:
        row = rows[report.pop("member_country_id")]
        row.report_status = report.pop("status")
        for name, value in report.items():
            setattr(row, name, value)
    overdue = cycle.status == ReportingCycle.Status.OPEN and cycle.due_date < today
    for row in rows.values():
        row.overdue = overdue and not row.submitted
    reminders = (
        Reminder.objects.filter(Q(cycle=cycle) | Q(delivery__package_id=cycle.package_id), status=Reminder.Status.SENT)
        .filter(member_country_id__in=countries.values("pk"))
        .values("member_country_id")
        .annotate(sent=Count("pk"), last=Max("sent_at"))
        .order_by()
    )
    for reminder in reminders:
        row = rows[reminder["member_country_id"]]
        row.reminders_sent, row.last_reminded_at = reminder["sent"], reminder["last"]
    return list(rows.values())


def _no_stage_reached() -> dict[str, int]:
    return {key: 0 for key, _label in FUNNEL_STAGES}


@dataclass
class FunnelRow:
    label: str
    countries: int = 0
    stages: dict = field(default_factory=_no_stage_reached)

    @property
    def cells(self) -> list[tuple[int, int]]:
        """(count, percentage of the countries) per stage, in funnel order."""
        return [(count, round(100 * count / self.countries) if self.countries else 0) for count in self.stages.values()]


def funnel_by_region(rows: list[CountryRow]) -> list[FunnelRow]:
    """Per region (in the regions' order), then all regions: how many countries reached each stage."""
    by_region = {region: FunnelRow(label=label) for region, label in Region.choices}
    total = FunnelRow(label=_("All regions"))
    for row in rows:
        for funnel in (by_region.get(row.region), total):
            if funnel is None:
                continue
            funnel.countries += 1
            for stage in funnel.stages:
                funnel.stages[stage] += bool(getattr(row, stage))
    return [funnel for funnel in by_region.values() if funnel.countries] + [total]


def status_counts(rows: list[CountryRow]) -> dict[str, int]:
    counts = Counter(row.status.value for row in rows)
    return {status: counts.get(status, 0) for status in CountryStatus.values}


@dataclass
class RecommendationRow:
    id: int
    number: int
    title: str
    statuses: dict
    verdicts: dict


def _latest_verdict():
    """The latest assessment of an item is the one shown."""
    return Subquery(
        Assessment.objects.filter(item=OuterRef("pk")).order_by("-assessed_at", "-pk").values("verdict")[:1]
    )


def recommendation_rows(*, cycle: ReportingCycle, countries=None) -> list[RecommendationRow]:
    """Per recommendation, over the submitted reports: how many items have each status, and the
    secretariat's latest verdict on them (agreement with the self-assessment); two queries."""
    countries = member_countries() if countries is None else countries
    rows = {
        recommendation.pk: RecommendationRow(
            id=recommendation.pk,
            number=recommendation.number,
            title=recommendation.title,
            statuses=dict.fromkeys([*ImplementationItem.Status.values, NOT_ANSWERED], 0),
            verdicts=dict.fromkeys([*Assessment.Verdict.values, NOT_ASSESSED], 0),
        )
        for recommendation in cycle_recommendations(cycle).only("pk", "number", "title")
    }
    items = (
        ImplementationItem.objects.filter(
            report__cycle=cycle,
            report__status=CountryReport.Status.SUBMITTED,
            report__member_country_id__in=countries.values("pk"),
        )
        .annotate(verdict=_latest_verdict())
        .values("recommendation_id", "status", "verdict")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for item in items:
        row = rows.get(item["recommendation_id"])
        if row is None:  # an item for a recommendation no longer addressed to member countries
            continue
        row.statuses[item["status"] or NOT_ANSWERED] += item["count"]
        row.verdicts[item["verdict"] or NOT_ASSESSED] += item["count"]
    return list(rows.values())


def reporting_cycles():
    """Every cycle with its package, newest first: the dashboard's choice."""
    return ReportingCycle.objects.select_related("package").defer("package__content").order_by("-opened_at", "-pk")


MATRIX_ITEM_FIELDS = (
    "response",
    "justification",
    "status",
    "lead_agency",
    "actions_taken",
    "planned_completion",
    "verdict",
    "updated_at",
)


def matrix_rows(*, cycle: ReportingCycle, countries=None) -> list[dict]:
    """The full country × recommendation matrix of the cycle, one dict per pair (blank where the
    country has not answered): what the CSV/XLSX exports write. Six queries."""
    countries = member_countries() if countries is None else countries
    country_list = country_rows(cycle=cycle, countries=countries)
    recommendations = list(cycle_recommendations(cycle).values("pk", "number", "title"))
    items = {
        (item.pop("report__member_country_id"), item.pop("recommendation_id")): item
        for item in ImplementationItem.objects.filter(
            report__cycle=cycle, report__member_country_id__in=countries.values("pk")
        )
        .annotate(verdict=_latest_verdict())
        .values("report__member_country_id", "recommendation_id", *MATRIX_ITEM_FIELDS)
        .order_by()
    }
    # Labels translated once, not once per cell: the matrix has countries × recommendations rows.
    responses = {key: str(label) for key, label in ImplementationItem.Response.choices}
    statuses = {key: str(label) for key, label in ImplementationItem.Status.choices}
    verdicts = {key: str(label) for key, label in Assessment.Verdict.choices}
    no_item = {}
    rows = []
    for country in country_list:
        per_country = {
            "country_iso2": country.iso2,
            "country": country.name,
            "region": str(country.region_label),
            "country_status": str(country.status.label),
            "report_status": country.report_status,
            "submissions": country.submission_count,
        }
        for recommendation in recommendations:
            item = items.get((country.id, recommendation["pk"]), no_item)
            rows.append(
                per_country
                | {
                    "recommendation": recommendation["number"],
                    "recommendation_title": recommendation["title"],
                    "response": responses.get(item.get("response"), ""),
                    "justification": item.get("justification", ""),
                    "implementation_status": statuses.get(item.get("status"), ""),
                    "lead_agency": item.get("lead_agency", ""),
                    "actions_taken": item.get("actions_taken", ""),
                    "planned_completion": item.get("planned_completion"),
                    "secretariat_assessment": verdicts.get(item.get("verdict"), ""),
                    "updated_at": item.get("updated_at"),
                }
            )
    return rows
