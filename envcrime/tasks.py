"""Project-wide tasks: the account emails of allauth, sent from a worker (see envcrime.accounts)."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from .emails import is_transient_smtp_error


@shared_task(bind=True, max_retries=5)
def send_rendered_email(self, *, subject: str, body: str, html: str, from_email: str, to: list[str]) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send(fail_silently=False)
    except Exception as error:
        if is_transient_smtp_error(error):
            raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
        raise
