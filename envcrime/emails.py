"""Rendering and sending the portal's templated, multilingual emails.

An email is three templates sharing a prefix: `<prefix>_subject.txt`, `<prefix>.txt` and
optionally `<prefix>.html`. They are rendered in the recipient's language (the organisation's
four official languages; English where no translation exists yet).
"""

import logging
import smtplib
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a subject or plain-text body: no HTML escaping (`&` stays `&`, not `&amp;`).

    The project's one template engine escapes for HTML; a text template rendered through it would
    show entities to the reader unless every template remembered `{% autoescape off %}`.
    """
    return get_template(template_name).template.render(Context(context, autoescape=False))


def build_templated_email(
    *,
    to: Iterable[str],
    template_prefix: str,
    context: dict,
    language: str | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: Iterable[str] = (),
    connection=None,
) -> EmailMultiAlternatives:
    context = {"SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        # Subjects must be one line: a template's trailing newline would break the header.
        subject = " ".join(render_plain_text(f"{template_prefix}_subject.txt", context).split())
        body = render_plain_text(f"{template_prefix}.txt", context)
        try:
            html = render_to_string(f"{template_prefix}.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to),
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def send_templated_email(**kwargs) -> None:
    """Build and send; SMTP errors propagate so the calling task can retry."""
    build_templated_email(**kwargs).send(fail_silently=False)


def is_transient_smtp_error(error: BaseException) -> bool:
    """4xx answers, dropped connections and timeouts are worth retrying; 5xx answers are not.

    A 5xx is the relay's final word (unknown mailbox, policy rejection): retrying it only delays
    the report staff need and can get the sender blocklisted, so it fails at once; staff can retry
    it after fixing the address.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(
        error,
        smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | ConnectionError | TimeoutError | socket.timeout,
    )


class ReusableConnection:
    """One email backend connection, reused across messages: opened lazily, checked after idling,
    dropped on error.

    For a long-lived process sending many messages (a Celery worker child): one SMTP session instead
    of one per message. Celery's prefork pool forks the children before any task runs, so each child
    opens its own. Not shared between threads.
    """

    # A relay drops connections that sit idle; past this, check with NOOP before reusing one.
    idle_check_after_seconds = 10

    def __init__(self):
        self.backend = None
        self.last_used = 0.0

    def get(self):
        if self.backend is not None and time.monotonic() - self.last_used > self.idle_check_after_seconds:
            smtp = getattr(self.backend, "connection", None)
            try:
                if smtp is not None:
                    smtp.noop()
            except (smtplib.SMTPException, OSError):
                self.reset()
        if self.backend is None:
            backend = get_connection(fail_silently=False)
            backend.open()
            self.backend = backend
        self.last_used = time.monotonic()
        return self.backend

    def reset(self):
        """After an SMTP error the session may be in any state: the next message starts afresh."""
        if self.backend is not None:
            try:
                self.backend.close()
            except Exception:  # a broken connection may fail to close; it is dropped either way
                logger.debug("closing a broken SMTP connection failed", exc_info=True)
        self.backend = None
