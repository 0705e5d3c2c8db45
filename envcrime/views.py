from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from meetings.models import Registration, Visit
from programmes.models import MemberCountry, Organisation, Programme


def home(request):
    """The programme at a glance, with the visits open now and a count of the partners."""
    today = timezone.localdate()
    upcoming_visits = (
        Visit.objects.filter(status__in=[Visit.Status.OPEN, Visit.Status.CLOSED], end_date__gte=today)
        .select_related("host_country")
        .annotate(confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)))
        .order_by("start_date")[:3]
    )
    context = {
        "programme": Programme.objects.prefetch_related("crime_areas").first(),
        "upcoming_visits": upcoming_visits,
        "member_country_count": MemberCountry.objects.active().count(),
        "organisation_counts": dict(
            Organisation.objects.filter(is_active=True).values_list("kind").annotate(n=Count("pk")).order_by()
        ),
        "organisation_kinds": Organisation.Kind,
    }
    return render(request, "home.html", context)
