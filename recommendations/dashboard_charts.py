"""What the dashboard's charts and the implementation report's figures show, and in which colours.

One palette for the browser (passed to the scripts as JSON) and the PDF (drawn here as SVG, since a
document for a governing body runs no JavaScript), so a status has the same colour everywhere.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Assessment, ImplementationItem
from .selectors.dashboard import NOT_ANSWERED, NOT_ASSESSED, CountryStatus

# Ordered from "nothing yet" to "done"; colour-blind-safe hues, light to dark.
COUNTRY_STATUS_COLOURS = {
    CountryStatus.NOT_ACKNOWLEDGED: "#c8423b",
    CountryStatus.ACKNOWLEDGED: "#f08c3a",
    CountryStatus.REPORTING: "#f4d35e",
    CountryStatus.SUBMITTED: "#5aa9d6",
    CountryStatus.IMPLEMENTING: "#1b7a4b",
}
ITEM_STATUS_COLOURS = {
    ImplementationItem.Status.NOT_STARTED: "#c8423b",
    ImplementationItem.Status.PLANNED: "#f08c3a",
    ImplementationItem.Status.IN_PROGRESS: "#f4d35e",
    ImplementationItem.Status.PARTIALLY_IMPLEMENTED: "#5aa9d6",
    ImplementationItem.Status.FULLY_IMPLEMENTED: "#1b7a4b",
    NOT_ANSWERED: "#d9dee3",
}
VERDICT_COLOURS = {
    Assessment.Verdict.AGREE: "#1b7a4b",
    Assessment.Verdict.PARTLY_AGREE: "#f4d35e",
    Assessment.Verdict.DISAGREE: "#c8423b",
    NOT_ASSESSED: "#d9dee3",
}
NO_DATA_COLOUR = "#e9ecef"


def item_status_series() -> list[tuple[str, str, str]]:
    """(key, label, colour) of each implementation status, in the stacked bars' order."""
    labels = dict(ImplementationItem.Status.choices) | {NOT_ANSWERED: _("Not answered")}
    return [(key, str(labels[key]), colour) for key, colour in ITEM_STATUS_COLOURS.items()]


def verdict_series() -> list[tuple[str, str, str]]:
    labels = dict(Assessment.Verdict.choices) | {NOT_ASSESSED: _("Not assessed yet")}
    return [(key, str(labels[key]), colour) for key, colour in VERDICT_COLOURS.items()]


def country_status_series() -> list[tuple[str, str, str]]:
    return [(status.value, str(status.label), colour) for status, colour in COUNTRY_STATUS_COLOURS.items()]


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    label: str
    count: int


@dataclass
class Bar:
    """One horizontal stacked bar of an SVG chart, laid out in a 0..`width` box."""

    label: str
    total: int
    segments: list[Segment]
    bar_y: float
    text_y: float


# The SVG box of the PDF's bar charts, in millimetres: labels, then the bar, then the total.
BAR_X, BAR_WIDTH, ROW_HEIGHT, BAR_HEIGHT = 44.0, 100.0, 7.0, 5.0


def stacked_bars(rows: list[tuple[str, dict]], series) -> list[Bar]:
    """Lay out stacked bars: `rows` are (label, {key: count}); each bar fills BAR_WIDTH by share."""
    bars = []
    for index, (label, counts) in enumerate(rows):
        total = sum(counts.get(key, 0) for key, _label, _colour in series)
        x, segments = BAR_X, []
        for key, series_label, colour in series:
            count = counts.get(key, 0)
            if count and total:
                width = BAR_WIDTH * count / total
                segments.append(
                    Segment(x=round(x, 2), width=round(width, 2), colour=colour, label=series_label, count=count)
                )
                x += width
        top = index * ROW_HEIGHT
        bars.append(Bar(label=label, total=total, segments=segments, bar_y=top + 1, text_y=top + 4.8))
    return bars


def chart_height(bars: list[Bar]) -> float:
    return max(len(bars), 1) * ROW_HEIGHT
