"""The programme staff's dashboard of a reporting cycle: funnel, charts, world map, who owes what,
one-click reminders, and the exports (CSV/XLSX matrix, implementation report PDF).

Staff only, and held to the admin's second-factor rule by `StaffMFARequiredMiddleware`. Anyone
else signed in gets a 404 (the page does not exist for them); anonymous visitors go to sign in.
"""

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from envcrime.caching import cache_staff_page
from envcrime.downloads import no_store, private_download
from programmes.models import Organisation, Region

from .. import dashboard_charts as charts
from .. import implementation_report
from ..models import RecommendationPackage, ReportingCycle
from ..selectors import dashboard as selectors
from ..services import followup
from ..services.reminders import ReminderError

VIEW_PERMISSION = "recommendations.view_reportingcycle"
CHASE_PERMISSION = "recommendations.add_reminder"


def staff_only(permission: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and user.is_staff and user.has_perm(permission)):
                raise Http404
            return view(request, *args, **kwargs)

        return never_cache(wrapper)

    return decorator


class DashboardFilter(forms.Form):
    """The dashboard's GET parameters. Unknown ids and malformed values make the form invalid (400)."""

    package = forms.ModelChoiceField(queryset=RecommendationPackage.objects.all(), required=False)
    cycle = forms.ModelChoiceField(queryset=ReportingCycle.objects.select_related("package__visit"), required=False)
    region = forms.ChoiceField(
        label=gettext_lazy("Region"),
        choices=[("", gettext_lazy("All regions")), *Region.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    network = forms.ModelChoiceField(
        label=gettext_lazy("Network"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.REGIONAL_NETWORK, is_active=True),
        required=False,
        empty_label=gettext_lazy("All networks"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class _BadParameters(Exception):
    pass


def _chosen(data) -> tuple[ReportingCycle | None, dict]:
    """The cycle and filters asked for; 400 for malformed or unknown values, 404 for a cycle of
    another package than the one named."""
    form = DashboardFilter(data)
    if not form.is_valid():
        raise _BadParameters
    package, cycle = form.cleaned_data["package"], form.cleaned_data["cycle"]
    if cycle is not None and package is not None and cycle.package_id != package.pk:
        raise Http404
    if cycle is None:
        cycles = selectors.reporting_cycles().select_related("package__visit")
        cycle = (cycles.filter(package=package) if package else cycles).first()
        if cycle is None and package is not None:
            raise Http404
    return cycle, {"region": form.cleaned_data["region"], "network": form.cleaned_data["network"]}


def _bad_request(request):
    return render(request, "recommendations/dashboard/bad_request.html", status=400)


def _query(cycle, filters) -> str:
    params = {"cycle": cycle.pk} if cycle else {}
    if filters.get("region"):
        params["region"] = filters["region"]
    if filters.get("network"):
        params["network"] = filters["network"].pk
    return urlencode(params)


def _chart_data(rows, funnel, recommendations) -> dict:
    """Everything the browser draws, passed through `json_script` (the CSP allows no inline script)."""
    item_series = charts.item_status_series()
    verdict_series = charts.verdict_series()
    return {
        "atlas": static("vendor/world-atlas/countries-110m.json"),
        "noData": charts.NO_DATA_COLOUR,
        "statuses": [
            {"key": key, "label": label, "colour": colour} for key, label, colour in charts.country_status_series()
        ],
        "countries": [
            {
                "n": selectors.iso_numeric(row.iso2),
                "iso2": row.iso2,
                "name": row.name,
                "status": row.status.value,
                "label": str(row.status.label),
            }
            for row in rows
        ],
        "funnel": {
            "stages": [str(label) for label in selectors.FUNNEL_STAGES_SHORT],
            "total": funnel[-1].countries,
            "values": list(funnel[-1].stages.values()),
        },
        "recommendations": {
            "labels": [f"{row.number}. {row.title}" for row in recommendations],
            "statuses": [
                {"label": label, "colour": colour, "data": [row.statuses[key] for row in recommendations]}
                for key, label, colour in item_series
            ],
            "verdicts": [
                {"label": label, "colour": colour, "data": [row.verdicts[key] for row in recommendations]}
                for key, label, colour in verdict_series
            ],
        },
    }


def _today(request) -> str:
    """The dashboard counts days (late, due soon): a cached page lasts a day at most."""
    return str(timezone.localdate())


@require_GET
@staff_only(VIEW_PERMISSION)
@cache_staff_page(part=_today)
def dashboard(request):
    try:
        cycle, filters = _chosen(request.GET)
    except _BadParameters:
        return _bad_request(request)
    context = {
        "form": DashboardFilter(initial={"cycle": cycle, **filters}),
        "cycles": list(selectors.reporting_cycles()),
        "cycle": cycle,
        "query": _query(cycle, filters),
    }
    if cycle is not None:
        countries = selectors.member_countries(**filters)
        rows = selectors.country_rows(cycle=cycle, countries=countries)
        funnel = selectors.funnel_by_region(rows)
        recommendations = selectors.recommendation_rows(cycle=cycle, countries=countries)
        counts = selectors.status_counts(rows)
        context |= {
            "rows": rows,
            "owing": [row for row in rows if row.owes],
            "late_count": sum(row.overdue for row in rows),
            "funnel": funnel,
            "funnel_stages": selectors.FUNNEL_STAGES_SHORT,
            "status_counts": [(label, colour, counts[key]) for key, label, colour in charts.country_status_series()],
            "recommendations": recommendations,
            "status_series": charts.item_status_series(),
            "verdict_series": charts.verdict_series(),
            "chart_data": _chart_data(rows, funnel, recommendations),
            "today": timezone.localdate(),
            "may_chase": request.user.has_perm(CHASE_PERMISSION),
        }
    return render(request, "recommendations/dashboard/index.html", context)


def _cycle_for_download(request) -> tuple[ReportingCycle, dict]:
    cycle, filters = _chosen(request.GET)
    if cycle is None:
        raise Http404
    return cycle, filters


@require_GET
@staff_only(VIEW_PERMISSION)
def matrix_export(request, fmt: str):
    try:
        cycle, filters = _cycle_for_download(request)
    except _BadParameters:
        return _bad_request(request)
    content, content_type = implementation_report.matrix_export(
        cycle=cycle, countries=selectors.member_countries(**filters), fmt=fmt
    )
    filename = f"implementation-matrix-cycle-{cycle.pk}-{timezone.localdate():%Y%m%d}.{fmt}"
    return private_download(content, filename=filename, content_type=content_type)


@require_GET
@staff_only(VIEW_PERMISSION)
def report_pdf(request):
    try:
        cycle, _filters = _cycle_for_download(request)
    except _BadParameters:
        return _bad_request(request)
    content = implementation_report.report_pdf(cycle=cycle)
    filename = f"implementation-report-cycle-{cycle.pk}-{timezone.localdate():%Y%m%d}.pdf"
    return private_download(content, filename=filename, content_type="application/pdf")


def _back(cycle, filters):
    return redirect(f"{reverse('dashboard:index')}?{_query(cycle, filters)}#owing")


@require_POST
@staff_only(CHASE_PERMISSION)
def remind(request, country_pk: int):
    try:
        cycle, filters = _cycle_for_download(request)
    except _BadParameters:
        return _bad_request(request)
    country = get_object_or_404(selectors.member_countries(), pk=country_pk)
    try:
        followup.reminder_chase(cycle=cycle, member_country=country, by=request.user)
    except ReminderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A reminder to %(country)s is on its way.") % {"country": country.name})
    return no_store(_back(cycle, filters))


@require_POST
@staff_only(CHASE_PERMISSION)
def remind_late(request):
    try:
        cycle, filters = _cycle_for_download(request)
    except _BadParameters:
        return _bad_request(request)
    count = followup.reminders_chase_late(cycle=cycle, by=request.user)
    messages.success(
        request,
        ngettext(
            "A reminder is queued for %(count)d late country.", "Reminders queued for %(count)d late countries.", count
        )
        % {"count": count},
    )
    return no_store(_back(cycle, filters))
