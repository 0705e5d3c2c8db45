"""Reads of the content staff write: obstacles and recommendations."""

from django.db.models import Max

from ..models import Recommendation


def next_recommendation_number(visit) -> int:
    """The number after the visit's highest (`visit` is a visit or its id)."""
    return (Recommendation.objects.filter(visit=visit).aggregate(highest=Max("number"))["highest"] or 0) + 1
