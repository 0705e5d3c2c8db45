"""What of the distribution and the follow-up needs staff's attention: the querysets behind the
workplace's to-do panel and the admin filters that the panel's links open, so both always count the
same rows."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef

from ..models import Assessment, CountryReport, Delivery, Distribution, ImplementationItem, RecommendationPackage


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


def reports_awaiting_review(queryset=None):
    """Submitted reports with an item the secretariat has not assessed on their latest submission
    (`item_assess` assesses that one; a report sent back is the country's to answer, not staff's)."""
    queryset = CountryReport.objects.all() if queryset is None else queryset
    assessed_on_latest = Assessment.objects.filter(
        item=OuterRef("pk"), submission__number=OuterRef(OuterRef("submission_count"))
    )
    unassessed = ImplementationItem.objects.filter(report=OuterRef("pk")).exclude(Exists(assessed_on_latest))
    return queryset.filter(status=CountryReport.Status.SUBMITTED).filter(Exists(unassessed))
