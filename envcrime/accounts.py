"""allauth, in the portal's ways: where people land, and account emails like the portal's others."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string

from programmes.languages import normalise_language
from programmes.models import Contact, UserPreferences
from programmes.roles import user_is_liaison

from . import tasks
from .emails import render_plain_text


def user_display(user) -> str:
    """How allauth names a user ("Signed in as ..."): never the generated username."""
    return user.get_full_name() or user.email


def account_email_language(email: str) -> str:
    """The language of an account email: the account's saved one, else the contact's, else the request's."""
    preferred = (
        UserPreferences.objects.filter(user__email__iexact=email).values_list("language", flat=True).first()
        or Contact.objects.filter(email__iexact=email, is_active=True)
        .values_list("preferred_language", flat=True)
        .first()
    )
    return normalise_language(preferred or translation.get_language()) or settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        # Only used when no `next` was given (allauth lets `next` win). Staff work in the admin
        # (their to-do panel is on its index); a liaison signs in for their country's packages.
        if request.user.is_staff:
            return reverse("admin:index")
        if user_is_liaison(request.user):
            return reverse("recommendations:package_list")
        return super().get_login_redirect_url(request)

    def render_mail(self, template_prefix, email, context, headers=None):
        # The subject and the text body are plain text: rendered without HTML escaping.
        with translation.override(account_email_language(email if isinstance(email, str) else email[0])):
            context = {"SITE_URL": settings.SITE_URL, **context}
            message = super().render_mail(template_prefix, email, context, headers=headers)
            message.body = render_plain_text(f"{template_prefix}_message.txt", context).strip()
            subject = " ".join(render_plain_text(f"{template_prefix}_subject.txt", context).split())
            message.subject = self.format_email_subject(subject)
        return message

    def send_mail(self, template_prefix, email, context):
        """Render now (the request's language and URLs), send from a worker.

        Sending from the request would let its timing tell a known address (no account created,
        one email) from a new one; with the SMTP round trip out of the request, both paths cost the
        same (see send_account_already_exists_mail for the rest).
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        # Rendered here, so the worker reads no row: nothing to wait for, no on_commit needed (and
        # allauth's confirmation and reset keys are signed values, not rows).
        tasks.send_rendered_email.delay(
            subject=message.subject, body=message.body, html=html, from_email=message.from_email, to=message.to
        )

    def send_account_already_exists_mail(self, email):
        # A new address costs a password hash (the account is created); a known one would answer
        # at once and tell the address has an account. The same hashing work makes both alike.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)
