"""Personal links: a signed, expiring token per delivery, emailed to the contact."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

LINK_SALT = "recommendations.package-link"


def _link_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LINK_SALT)


def delivery_link_token(delivery_id: int) -> str:
    return _link_signer().sign(str(delivery_id))


def delivery_id_from_token(token: str, *, allow_expired: bool = False) -> int:
    """Raises `signing.SignatureExpired` (a genuine but old link) or `signing.BadSignature` (tampered).

    `allow_expired`: the signature is still checked, only not its age (an expired link may still
    show the way to the package, behind the login).
    """
    max_age = None if allow_expired else timedelta(days=settings.PACKAGE_LINK_MAX_AGE_DAYS)
    value = _link_signer().unsign(token, max_age=max_age)
    try:
        return int(value)
    except ValueError as error:  # only reachable with the secret key: still refuse it
        raise signing.BadSignature("not a delivery id") from error


def delivery_link_url(delivery_id: int) -> str:
    return settings.SITE_URL + reverse("recommendations:link", kwargs={"token": delivery_link_token(delivery_id)})
