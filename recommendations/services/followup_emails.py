"""The email to a country's team when staff send its report back for clarification."""

from django.core.mail import get_connection

from envcrime.emails import build_templated_email
from programmes.roles import country_team

from ..models import CountryReport
from .reminders import report_url


def report_returned_notify(*, report_id: int) -> int:
    """One message per team member, in their language, over one connection; the number sent."""
    report = CountryReport.objects.select_related("cycle__package", "member_country").get(pk=report_id)
    if report.status != CountryReport.Status.RETURNED:
        return 0  # resubmitted before the email went: nothing left to ask
    team = list(country_team(report.member_country_id).order_by("pk"))
    with get_connection(fail_silently=False) as connection:
        for contact in team:
            build_templated_email(
                to=[contact.email],
                template_prefix="recommendations/email/followup_returned",
                context={
                    "report": report,
                    "cycle": report.cycle,
                    "package": report.cycle.package,
                    "country": report.member_country,
                    "contact": contact,
                    "link": report_url(report.cycle_id),
                },
                language=contact.preferred_language,
                connection=connection,
            ).send(fail_silently=False)
    return len(team)
