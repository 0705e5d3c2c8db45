"""The country team's follow-up pages, and the read-only page of a regional network.

A user reports only for the country of their own contact (selectors.followup.team_country): the
country is never taken from the URL, so another country's report cannot even be named; ids that
are (evidence) are looked up within the user's country, so another country's give a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from envcrime.caching import cache_user_page
from envcrime.downloads import private_file
from programmes.roles import liaison_contact_of, network_of

from ..models import CountryReport, ReportingCycle
from ..selectors import followup as selectors
from ..services import followup as services
from .followup_forms import EvidenceForm, ItemForm, SubmitForm


def _report_url(cycle_id: int, recommendation_number: int | None = None) -> str:
    url = reverse("followup:report", args=[cycle_id])
    return f"{url}#rec-{recommendation_number}" if recommendation_number else url


@require_GET
@login_required
@never_cache
def cycle_list(request):
    if liaison_contact_of(request.user) is None and network_of(request.user) is not None:
        return redirect("followup:network")
    country = selectors.team_country(request.user)
    return render(
        request,
        "recommendations/followup/cycle_list.html",
        {"country": country, "cycles": selectors.cycles_for_country(country)},
    )


def _render_report(request, cycle, country, *, bound=None, changes=None, status=200):
    report = selectors.report_of(cycle, country)
    version = report.version if report else 0
    editable = cycle.status == ReportingCycle.Status.OPEN
    rows = []
    for row in selectors.report_rows(cycle, report):
        action = reverse("followup:item_save", args=[cycle.pk, row.recommendation.pk])
        if bound is not None and bound.recommendation_id == row.recommendation.pk:
            form = bound
        else:
            form = ItemForm(
                instance=row.item, initial={"version": version}, action=action, prefix=f"r{row.recommendation.pk}"
            )
        evidence_action = reverse("followup:evidence_add", args=[cycle.pk, row.recommendation.pk])
        rows.append(
            {
                "row": row,
                "form": form,
                "evidence_form": EvidenceForm(action=evidence_action, prefix=f"e{row.recommendation.pk}"),
            }
        )
    context = {
        "cycle": cycle,
        "country": country,
        "report": report,
        "rows": rows,
        "editable": editable,
        "changes": changes,
        "history": selectors.report_history(report, limit=20),
        "answered": sum(1 for r in rows if r["row"].item and r["row"].item.is_answered),
    }
    return render(request, "recommendations/followup/report.html", context, status=status)


def _report_state(request, cycle_id: int) -> str | None:
    """The report page's cache key part; None (no cache: the view answers 404) for anyone not a liaison."""
    contact = liaison_contact_of(request.user)
    return None if contact is None else str(contact.member_country_id)


@require_GET
@login_required
@never_cache
@cache_user_page(_report_state)
def report(request, cycle_id: int):
    country = selectors.team_country(request.user)
    cycle = selectors.cycle_for_country(cycle_id, country)
    return _render_report(request, cycle, country)


@require_POST
@login_required
def item_save(request, cycle_id: int, recommendation_id: int):
    country = selectors.team_country(request.user)
    cycle = selectors.cycle_for_country(cycle_id, country)
    recommendation = selectors.recommendation_of_cycle(cycle, recommendation_id)
    action = reverse("followup:item_save", args=[cycle.pk, recommendation.pk])
    form = ItemForm(request.POST, action=action, prefix=f"r{recommendation.pk}")
    form.recommendation_id = recommendation.pk
    if not form.is_valid():
        return _render_report(request, cycle, country, bound=form, status=400)
    try:
        report = services.report_start(cycle=cycle, member_country_id=country.pk)
        item = report.items.get(recommendation=recommendation)
        services.item_save(item=item, values=form.values(), version=form.cleaned_data["version"], by=request.user)
    except services.ReportChanged as changed:
        messages.error(request, str(changed))
        # The user's entries stay in the form; the new version lets them save over the change knowingly.
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(selectors.report_of(cycle, country).version)
        form = ItemForm(data, action=action, prefix=f"r{recommendation.pk}")
        form.recommendation_id = recommendation.pk
        form.is_valid()
        return _render_report(request, cycle, country, bound=form, changes=changed.changes, status=409)
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        return _render_report(request, cycle, country, bound=form, status=400)
    except services.FollowupError as error:
        messages.error(request, str(error))
        return redirect(_report_url(cycle.pk, recommendation.number))
    messages.success(request, _("Recommendation %(number)d saved.") % {"number": recommendation.number})
    return redirect(_report_url(cycle.pk, recommendation.number))


@require_POST
@login_required
def evidence_add(request, cycle_id: int, recommendation_id: int):
    country = selectors.team_country(request.user)
    cycle = selectors.cycle_for_country(cycle_id, country)
    recommendation = selectors.recommendation_of_cycle(cycle, recommendation_id)
    form = EvidenceForm(request.POST, request.FILES, action="", prefix=f"e{recommendation.pk}")
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(_report_url(cycle.pk, recommendation.number))
    try:
        report = services.report_start(cycle=cycle, member_country_id=country.pk)
        item = report.items.get(recommendation=recommendation)
        services.evidence_add(
            item=item, by=request.user, upload=form.cleaned_data.get("file"), url=form.cleaned_data.get("url") or ""
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except services.FollowupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Evidence added."))
    return redirect(_report_url(cycle.pk, recommendation.number))


@require_GET
@login_required
def evidence_download(request, cycle_id: int, pk: int):
    country = selectors.team_country(request.user)
    evidence = selectors.evidence_for_country(pk, cycle_id, country)
    if not evidence.file:
        return redirect(evidence.url)
    return evidence_file_response(evidence)


def evidence_file_response(evidence):
    """An uploaded evidence file, privately, under a name that shows nothing of the upload's own
    (the team's page and the staff review both serve it)."""
    extension = evidence.file.name.rsplit(".", 1)[-1]
    return private_file(
        evidence.file.open("rb"), filename=f"evidence-{evidence.pk}.{extension}", content_type=evidence.content_type
    )


@require_POST
@login_required
def evidence_remove(request, cycle_id: int, pk: int):
    country = selectors.team_country(request.user)
    evidence = selectors.evidence_for_country(pk, cycle_id, country)
    number = evidence.item.recommendation.number
    try:
        services.evidence_remove(evidence=evidence, by=request.user)
    except (ValidationError, services.FollowupError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Evidence removed."))
    return redirect(_report_url(cycle_id, number))


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def submit(request, cycle_id: int):
    country = selectors.team_country(request.user)
    cycle = selectors.cycle_for_country(cycle_id, country)
    report = selectors.report_of(cycle, country)
    if report is None:
        messages.error(request, _("Answer the recommendations before submitting."))
        return redirect(_report_url(cycle.pk))
    form = SubmitForm(request.POST or None, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.report_submit(report=report, version=form.cleaned_data["version"], by=request.user)
        except services.FollowupError as error:
            messages.error(request, str(error))
            return redirect(_report_url(cycle.pk))
        messages.success(
            request, _("Report submitted (submission %(number)d). Thank you.") % {"number": submission.number}
        )
        return redirect(_report_url(cycle.pk))
    rows = selectors.report_rows(cycle, report)
    return render(
        request,
        "recommendations/followup/submit.html",
        {"cycle": cycle, "country": country, "report": report, "rows": rows, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
@never_cache
def network(request):
    network = selectors.user_network(request.user)
    cycles, rows = selectors.network_overview(network)
    return render(
        request,
        "recommendations/followup/network.html",
        {"network": network, "cycles": cycles, "rows": rows, "statuses": dict(CountryReport.Status.choices)},
    )
