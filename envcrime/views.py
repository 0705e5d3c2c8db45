from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

import meetings.selectors
from envcrime.caching import cache_anonymous_page
from programmes.languages import user_language_set
from programmes.models import MemberCountry, Organisation, Programme

from .forms import LanguageForm


@cache_anonymous_page
def home(request):
    """The programme at a glance, with the visits open now and a count of the partners."""
    context = {
        "programme": Programme.objects.prefetch_related("crime_areas").first(),
        "upcoming_visits": meetings.selectors.upcoming_visits()[:3],
        "member_country_count": MemberCountry.objects.active().count(),
        "organisation_counts": dict(
            Organisation.objects.filter(is_active=True).values_list("kind").annotate(n=Count("pk")).order_by()
        ),
        "organisation_kinds": Organisation.Kind,
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """For container health checks and load balancers: the process answers and reaches the database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@csrf_exempt
@require_POST
def set_language(request):
    """The language switcher: remember the language in a cookie, and on the account of a signed-in user.

    For an anonymous visitor it only sets the language cookie, harmless to forge: no CSRF token is
    needed, so anonymous pages carry none and can be cached whole. A signed-in user's choice is saved
    on the account (and their contact rows): that is checked against CSRF.
    """
    if request.user.is_authenticated:
        return _set_account_language(request)
    return _set_language(request)


@csrf_protect
def _set_account_language(request):
    return _set_language(request)


def _set_language(request):
    form = LanguageForm(request.POST, request=request)
    if not form.is_valid():
        return HttpResponseBadRequest("bad language or return address\n", content_type="text/plain")
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    response = HttpResponseRedirect(form.cleaned_data["next"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
