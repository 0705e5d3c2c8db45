import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from envcrime.caching import cache_anonymous_page, cache_user_page
from envcrime.downloads import private_download
from programmes.languages import normalise_language
from programmes.models import Language

from . import selectors, services
from .documents import build_visa_letter, build_visit_calendar, calendar_filename, visa_letter_filename
from .forms import NominationRejectForm, RegistrationForm
from .models import Registration, Visit

logger = logging.getLogger(__name__)


def _visit_or_404(slug: str) -> Visit:
    try:
        return selectors.visit_for_page(slug)
    except Visit.DoesNotExist as error:
        raise Http404 from error


def _request_language() -> str:
    return normalise_language(translation.get_language()) or Language.ENGLISH


@cache_anonymous_page
def visit_list(request):
    return render(request, "meetings/visit_list.html", {"visits": list(selectors.upcoming_visits())})


@cache_anonymous_page
def past_visits(request):
    return render(request, "meetings/past_visits.html", {"visits": list(selectors.past_visits())})


@cache_anonymous_page
def visit_detail(request, slug):
    visit = _visit_or_404(slug)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(visit=visit, delegate=request.user).first()
    context = {
        "visit": visit,
        "agenda": selectors.agenda_by_day(visit),
        "seats_left": visit.seats_left,
        "is_open": visit.is_open_for_registration(),
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration) if registration else None,
        "may_see_participants": selectors.may_see_participants(request.user, visit),
    }
    return render(request, "meetings/visit_detail.html", context)


def visit_calendar(request, slug):
    visit = _visit_or_404(slug)
    return private_download(
        build_visit_calendar(visit, language=_request_language()),
        filename=calendar_filename(visit),
        content_type="text/calendar; charset=utf-8",
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request, slug):
    visit = _visit_or_404(slug)
    if error := services.email_verification_error(request.user):
        # Said before the form is filled in; registration_submit enforces the rule.
        messages.error(request, error.message)
        return redirect("account_email")
    existing = Registration.objects.filter(visit=visit, delegate=request.user).first()
    if existing is not None and existing.status != Registration.Status.CANCELLED:
        messages.info(request, _("You are already registered for this visit."))
        return redirect("meetings:my_registrations")
    if not visit.is_open_for_registration():
        messages.error(request, _("Registration for this visit is closed."))
        return redirect(visit)

    if request.method == "POST":
        form = RegistrationForm(request.POST, visit=visit)
        if form.is_valid():
            try:
                registration = services.registration_submit(
                    visit=visit, user=request.user, data=form.to_data(language=_request_language())
                )
            except services.EmailNotVerified as error:
                messages.error(request, error.message)
                return redirect("account_email")
            except (services.RegistrationClosed, services.AlreadyRegistered) as error:
                messages.error(request, error.message)
                return redirect("meetings:my_registrations" if isinstance(error, services.AlreadyRegistered) else visit)
            except services.InvalidRegistration as error:
                for name, field_messages in error.errors.items():
                    for message in field_messages:
                        form.add_error(name if name in form.fields else None, message)
            except services.RegistrationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _status_message(registration))
                return redirect("meetings:my_registrations")
    else:
        form = RegistrationForm(visit=visit, initial=RegistrationForm.initial_for(visit=visit, user=request.user))
    return render(
        request,
        "meetings/register.html",
        {"visit": visit, "form": form, "seats_left": visit.seats_left},
    )


def _status_message(registration: Registration) -> str:
    if registration.status == Registration.Status.CONFIRMED:
        return _("Your seat is confirmed. A confirmation email with the calendar file is on its way.")
    if registration.status == Registration.Status.NOMINATED:
        return _(
            "Your registration was received. It now awaits the endorsement of the liaison of %(affiliation)s; "
            "we will email you their decision."
        ) % {"affiliation": registration.affiliation}
    if registration.status == Registration.Status.WAITLISTED:
        return _(
            "The visit is full: you are number %(position)s on the waiting list. "
            "We will email you as soon as a seat is yours."
        ) % {"position": selectors.waitlist_position(registration)}
    return _("Your registration was received. Programme staff will review it and email you their decision.")


@login_required
@cache_user_page(lambda request: "registrations")
def my_registrations(request):
    registrations = list(selectors.registrations_of(request.user))
    for registration in registrations:
        registration.agenda = selectors.agenda_by_day(registration.visit)
    return render(request, "meetings/my_registrations.html", {"registrations": registrations})


def _own_registration_or_404(request, pk: int, **filters) -> Registration:
    # Somebody else's registration is a 404: its existence is nobody else's business.
    return get_object_or_404(
        Registration.objects.select_related("visit", "visit__host_country", "visit__programme"),
        pk=pk,
        delegate=request.user,
        **filters,
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk):
    registration = _own_registration_or_404(request, pk)
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration, by=request.user)
        except services.RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Your registration for %(visit)s is cancelled.") % {"visit": registration.visit.title}
            )
        return redirect("meetings:my_registrations")
    if not registration.is_cancellable:
        messages.info(request, _("This registration cannot be cancelled any more."))
        return redirect("meetings:my_registrations")
    return render(request, "meetings/registration_cancel.html", {"registration": registration})


@login_required
def visa_letter(request, pk):
    registration = _own_registration_or_404(request, pk)
    if not registration.may_download_visa_letter:
        raise Http404
    logger.info("visa invitation letter of registration %s downloaded by user %s", registration.pk, request.user.pk)
    return private_download(
        build_visa_letter(registration), filename=visa_letter_filename(registration), content_type="application/pdf"
    )


@login_required
def participants(request, slug):
    visit = _visit_or_404(slug)
    if not selectors.may_see_participants(request.user, visit):
        raise Http404
    return render(
        request,
        "meetings/participants.html",
        {"visit": visit, "participants": list(selectors.public_participants(visit))},
    )


def _liaison_affiliation_or_404(request) -> dict:
    affiliation = services.liaison_affiliation_filter(request.user)
    if affiliation is None:
        raise Http404
    return affiliation


@login_required
def nominations(request):
    affiliation = _liaison_affiliation_or_404(request)
    return render(
        request,
        "meetings/nominations.html",
        {"nominations": list(selectors.nominations_for(affiliation)), "reject_form": NominationRejectForm()},
    )


def _nomination_or_404(request, pk: int) -> Registration:
    # Another country's nomination is a 404: the liaison learns nothing about it.
    return get_object_or_404(Registration, pk=pk, **_liaison_affiliation_or_404(request))


@login_required
@require_POST
def nomination_endorse(request, pk):
    registration = _nomination_or_404(request, pk)
    try:
        registration = services.registration_endorse(registration=registration, by=request.user)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You endorsed %(name)s: their registration is now %(status)s.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()},
        )
    return redirect("meetings:nominations")


@login_required
@require_POST
def nomination_reject(request, pk):
    registration = _nomination_or_404(request, pk)
    form = NominationRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("meetings:nominations")
    try:
        services.registration_reject_nomination(
            registration=registration, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You rejected the nomination of %(name)s.") % {"name": registration.full_name})
    return redirect("meetings:nominations")


def letter_verify(request, reference):
    """Public: anyone holding a letter (a consulate) can check it; only what the letter itself states."""
    registration = (
        Registration.objects.select_related("visit", "member_country", "organisation")
        .filter(letter_reference=reference, needs_visa_letter=True)
        .exclude(status__in=[Registration.Status.NOMINATED, Registration.Status.PENDING])
        .first()
    )
    if registration is None or registration.confirmed_at is None:
        return render(request, "meetings/letter_verify.html", {"reference": reference}, status=404)
    return render(request, "meetings/letter_verify.html", {"registration": registration, "reference": reference})
