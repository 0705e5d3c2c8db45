"""Reads of the follow-up pages: who may see which country's report is decided here, once.

Each read is a fixed number of queries, whatever the number of countries, items or submissions.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from programmes.countries import sorted_by_name
from programmes.roles import network_of

from ..models import (
    Assessment,
    CountryReport,
    Evidence,
    ImplementationItem,
    Recommendation,
    ReportEvent,
    ReportingCycle,
)
from . import liaison_contact


def team_country(user):
    """The member country the user reports for (any active contact of it with an account), else 404."""
    return liaison_contact(user).member_country


def user_network(user):
    network = network_of(user)
    if network is None:
        raise Http404
    return network


def cycles_for_country(country) -> list[ReportingCycle]:
    """Every cycle of a package addressed to the country, each with the country's report (or None)."""
    cycles = list(
        ReportingCycle.objects.filter(package__deliveries__member_country=country)
        .distinct()
        .select_related("package")
        .defer("package__content")
        .order_by("-due_date", "-pk")
    )
    reports = {r.cycle_id: r for r in CountryReport.objects.filter(member_country=country, cycle__in=cycles)}
    for cycle in cycles:
        cycle.country_report = reports.get(cycle.pk)
    return cycles


def cycle_for_country(cycle_id: int, country) -> ReportingCycle:
    """A cycle of a package the country received; 404 for any other."""
    return get_object_or_404(
        ReportingCycle.objects.select_related("package__visit")
        .filter(package__deliveries__member_country=country)
        .distinct(),
        pk=cycle_id,
    )


@dataclass
class ReportRow:
    recommendation: Recommendation
    item: ImplementationItem | None
    assessment: Assessment | None


def cycle_recommendations(cycle: ReportingCycle):
    """The recommendations a country reports on: those of the package's visit addressed to member countries."""
    return Recommendation.objects.filter(
        visit_id=cycle.package.visit_id, audience=Recommendation.Audience.ALL_MEMBER_COUNTRIES
    ).order_by("number")


def report_rows(cycle: ReportingCycle, report: CountryReport | None) -> list[ReportRow]:
    """One row per recommendation addressed to member countries, with the country's item (if any).

    The item's latest assessment is the one shown.
    """
    recommendations = list(cycle_recommendations(cycle))
    items = {}
    if report is not None:
        items = {
            item.recommendation_id: item
            for item in report.items.prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("added_at", "pk")),
                Prefetch(
                    "assessments",
                    queryset=Assessment.objects.select_related("submission").order_by("-submission__number", "-pk"),
                ),
            )
        }
    rows = []
    for recommendation in recommendations:
        item = items.get(recommendation.pk)
        assessments = list(item.assessments.all()) if item else []
        rows.append(ReportRow(recommendation, item, assessments[0] if assessments else None))
    return rows


def report_of(cycle: ReportingCycle, country) -> CountryReport | None:
    return CountryReport.objects.filter(cycle=cycle, member_country=country).first()


def evidence_for_country(evidence_id: int, cycle_id: int, country) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("item__report"),
        pk=evidence_id,
        item__report__cycle_id=cycle_id,
        item__report__member_country=country,
    )


def recommendation_of_cycle(cycle: ReportingCycle, recommendation_id: int) -> Recommendation:
    return get_object_or_404(cycle_recommendations(cycle), pk=recommendation_id)


def report_history(report: CountryReport | None, limit: int = 50) -> list[ReportEvent]:
    if report is None:
        return []
    return list(report.events.select_related("by", "item__recommendation").order_by("-at", "-pk")[:limit])


def network_overview(network) -> tuple[list[ReportingCycle], list]:
    """The network's member countries and, per open or closed cycle, each one's report status only."""
    countries = sorted_by_name(network.member_countries.filter(is_active=True))
    cycles = list(
        ReportingCycle.objects.filter(package__deliveries__member_country__in=countries)
        .distinct()
        .select_related("package")
        .defer("package__content")
        .order_by("-due_date", "-pk")
    )
    statuses = {
        (cycle_id, country_id): (status, count)
        for cycle_id, country_id, status, count in CountryReport.objects.filter(
            cycle__in=cycles, member_country__in=countries
        ).values_list("cycle_id", "member_country_id", "status", "submission_count")
    }
    rows = [(country, [statuses.get((cycle.pk, country.pk)) for cycle in cycles]) for country in countries]
    return cycles, rows
