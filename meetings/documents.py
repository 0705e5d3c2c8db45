"""Files the portal hands to delegates: the visit's calendar (.ics) and the visa invitation letter (PDF)."""

import base64
import datetime
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from envcrime.pdf import render_pdf

from .models import Registration, Visit

PRODID = "-//EnvCrime Cooperation Portal//Familiarization visits//EN"


def _uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "envcrime.invalid"


def visit_uid(visit: Visit) -> str:
    # Stable per visit: calendar programs update the event instead of adding a second one.
    return f"visit-{visit.pk}@{_uid_domain()}"


def agenda_item_uid(visit: Visit, item) -> str:
    return f"visit-{visit.pk}-item-{item.pk}@{_uid_domain()}"


def calendar_filename(visit: Visit) -> str:
    return f"{visit.slug}.ics"


def build_visit_calendar(visit: Visit, *, language: str | None = None) -> bytes:
    """One all-day event for the visit plus one timed event per agenda item, in the venue's time zone."""
    with translation.override(language or settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", visit.title)

        stamp = timezone.now().astimezone(datetime.UTC)
        url = settings.SITE_URL + visit.get_absolute_url()
        parts = [visit.venue, visit.city]
        if visit.host_country and visit.host_country.name != visit.city:
            parts.append(visit.host_country.name)
        place = ", ".join(part for part in parts if part)

        event = Event()
        event.add("uid", visit_uid(visit))
        event.add("dtstamp", stamp)
        event.add("summary", visit.title)
        event.add("dtstart", visit.start_date)
        # All-day events end on the day after the last one (RFC 5545: DTEND is exclusive).
        event.add("dtend", visit.end_date + datetime.timedelta(days=1))
        event.add("location", place)
        event.add("url", url)
        event.add("description", "\n\n".join(part for part in (visit.description, url) if part))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)

        zone = visit.zone
        for item in visit.agenda_items.all():
            item_event = Event()
            item_event.add("uid", agenda_item_uid(visit, item))
            item_event.add("dtstamp", stamp)
            item_event.add("summary", f"{item.get_kind_display()}: {item.title}")
            item_event.add("dtstart", datetime.datetime.combine(item.date, item.start_time, tzinfo=zone))
            item_event.add("dtend", datetime.datetime.combine(item.date, item.end_time, tzinfo=zone))
            if item.location:
                item_event.add("location", f"{item.location}, {place}")
            details = [item.description]
            if item.speaker:
                details.append(_("Speaker: %(speaker)s") % {"speaker": item.speaker})
            details.append(url)
            item_event.add("description", "\n\n".join(part for part in details if part))
            item_event.add("related-to", visit_uid(visit))
            calendar.add_component(item_event)
        # VTIMEZONE definitions for every TZID used, so any calendar program places the times right.
        calendar.add_missing_timezones()
    return calendar.to_ical()


def visa_letter_filename(registration: Registration) -> str:
    return f"invitation-letter-{registration.visit.slug}-{registration.pk}.pdf"


def letter_verification_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("meetings:letter_verify", kwargs={"reference": registration.letter_reference})


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code as a data URI: the PDF renderer only reads static files, so it is inlined."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def build_visa_letter(registration: Registration) -> bytes:
    visit = registration.visit
    verification_url = letter_verification_url(registration)
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        return render_pdf(
            "meetings/visa_letter.html",
            {
                "registration": registration,
                "visit": visit,
                "programme": visit.programme,
                "today": timezone.localdate(),
                "signatory_name": settings.VISA_LETTER_SIGNATORY_NAME,
                "signatory_title": settings.VISA_LETTER_SIGNATORY_TITLE,
                "verification_url": verification_url,
                "verification_qr": qr_code_data_uri(verification_url),
                "issued_on": timezone.localdate(registration.confirmed_at) if registration.confirmed_at else None,
                "letterhead_address": getattr(
                    settings, "MEETINGS_LETTERHEAD_ADDRESS", _("General Secretariat, Lyon, France")
                ),
                # render_pdf renders without a request: context processors do not run.
                "SITE_URL": settings.SITE_URL,
                "reference": registration.letter_reference,
            },
        )
