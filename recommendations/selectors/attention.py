"""What of the distribution needs staff's attention: the querysets behind the workplace's to-do
panel and the admin filters that the panel's links open, so both always count the same rows."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef

from ..models import Delivery, Distribution, RecommendationPackage


def packages_not_distributed(queryset=None):
    queryset = RecommendationPackage.objects.all() if queryset is None else queryset
    return queryset.filter(status=RecommendationPackage.Status.PUBLISHED).exclude(
        Exists(Distribution.objects.filter(package=OuterRef("pk")))
    )


def distributions_with_failures(queryset=None):
    queryset = Distribution.objects.all() if queryset is None else queryset
    return queryset.filter(Exists(Delivery.objects.filter(distribution=OuterRef("pk"), status=Delivery.Status.FAILED)))


def deliveries_acknowledgement_overdue(now, queryset=None):
    """Sent deliveries of a package still current, unacknowledged after ACKNOWLEDGEMENT_OVERDUE_DAYS."""
    queryset = Delivery.objects.all() if queryset is None else queryset
    return queryset.filter(
        status=Delivery.Status.SENT,
        acknowledged_at__isnull=True,
        package__status=RecommendationPackage.Status.PUBLISHED,
        sent_at__lte=now - datetime.timedelta(days=settings.ACKNOWLEDGEMENT_OVERDUE_DAYS),
    )
