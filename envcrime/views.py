from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import meetings.selectors
from envcrime.caching import cache_anonymous_page
from programmes.models import MemberCountry, Organisation, Programme


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
