from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import selectors
from .roles import user_may_see_contacts


def directory_access_required(view):
    """Staff and liaisons only; everybody else signed in learns nothing (404, not 403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_may_see_contacts(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# The templates show contact details under `user_sees_directory` (envcrime.context_processors),
# the same rule as the decorator: a template included elsewhere cannot leak them.
@never_cache
@directory_access_required
def directory(request):
    """Member countries by region, with their networks and contacts."""
    regions = selectors.member_countries_by_region()
    context = {
        "regions": regions,
        "country_count": sum(len(countries) for _code, _label, countries in regions),
        "active_tab": "countries",
    }
    return render(request, "programmes/directory.html", context)


@never_cache
@directory_access_required
def organisations(request):
    """Networks with their member countries, international organisations with their partners, NGOs."""
    context = {
        "kinds": selectors.organisations_by_kind(),
        "active_tab": "organisations",
    }
    return render(request, "programmes/organisations.html", context)
