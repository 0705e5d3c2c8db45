"""The liaison's side: their country's packages, download, acknowledge; the personal email link."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from envcrime.caching import cache_user_page
from envcrime.downloads import private_file
from programmes.languages import normalise_language
from programmes.models import Language
from programmes.roles import liaison_contact_of, user_speaks_for_country

from .. import selectors, services
from ..models import Delivery, DownloadEvent, PackageDocument


def _client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _document_response(delivery: Delivery, language: str) -> FileResponse:
    """The package's PDF in `language`; a language it does not exist in is a 404."""
    package = delivery.package
    if language not in services.package_languages(package.content):
        raise Http404
    if language == Language.ENGLISH:
        # English is also the package's own document (no query, and packages older than translations).
        file = package.document
    else:
        document = PackageDocument.objects.filter(package=package, language=language).first()
        file = document.file if document else None
    if not file:
        raise Http404
    return private_file(file.open("rb"), filename=package.language_filename(language), content_type="application/pdf")


def _reader_languages(request, contact_language: str) -> tuple[str, ...]:
    """The reader's languages, best first: the one they chose for the portal (their account's, or the
    switcher's cookie), else their contact's preferred language, else what their browser asks for."""
    active = get_language()
    if request.user.is_authenticated or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return (active, contact_language)
    return (contact_language, active)


def _language_link(code: str, url: str, document: dict) -> dict:
    return {"code": code, "name": get_language_info(code)["name_local"], "url": url, **document}


def _detail_context(request, delivery: Delivery, *, preferred_language: str, token: str | None = None) -> dict:
    package = delivery.package
    # The reader's language (see _reader_languages) where the package exists in it, else English.
    language = services.reader_language(package, *_reader_languages(request, preferred_language))
    if token:
        acknowledge_url = reverse("recommendations:link_acknowledge", kwargs={"token": token})
        download = "recommendations:link_download_language"
        key = {"token": token}
    else:
        acknowledge_url = reverse("recommendations:package_acknowledge", kwargs={"pk": package.pk})
        download = "recommendations:package_download_language"
        key = {"pk": package.pk}
    documents = [
        _language_link(code, reverse(download, kwargs={**key, "language": code}), document)
        for code, document in services.package_documents(package).items()
    ]
    page_url = request.get_full_path()
    # Acknowledging speaks for the country: signed out, the button leads through the sign-in page
    # and back here.
    # The same frozen snapshot the PDF was built from, in the reader's language where it exists.
    content = services.package_document_context(package, package.content, package.published_at, language)
    document = next(d for d in documents if d["code"] == content["language"])
    content_lang = "" if content["language"] == normalise_language(get_language()) else content["language"]
    return {
        "package": package,
        "visit": package.visit,
        "title": content["title"],
        "summary": content["summary"],
        "visit_title": content["visit"]["title"],
        "delivery": delivery,
        "document": document,
        "other_documents": [d for d in documents if d is not document],
        "download_url": document["url"],
        # Content in another language than the page's (English as the fallback, or the contact's
        # language on a link opened in a browser that asks for another): marked as such.
        "content_lang": content_lang,
        "content_dir": "rtl" if content["language_bidi"] else "ltr",
        "fallback": content_lang == Language.ENGLISH,
        "acknowledge_url": acknowledge_url,
        "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': page_url})}",
        "may_acknowledge": user_speaks_for_country(request.user, delivery.member_country_id),
        "obstacles": content["obstacles"],
        "recommendations": content["recommendations"],
        "via_link": bool(token),
    }


# --- Signed-in liaisons -------------------------------------------------------------------------


def _country_state(request, *args, **kwargs) -> str | None:
    """The cache key's part for a liaison's pages (the contact they speak as); None (no cache: the view
    answers 404) for others. The rows shown invalidate the page through the tables they come from."""
    contact = liaison_contact_of(request.user)
    return None if contact is None else f"{contact.pk}:{contact.member_country_id}:{contact.is_primary}"


@never_cache
@login_required
@require_GET
@cache_user_page(_country_state)
def package_list(request):
    contact = selectors.liaison_contact(request.user)
    packages = selectors.packages_for_country(contact.member_country_id)
    return render(request, "recommendations/package_list.html", {"packages": packages, "contact": contact})


@never_cache
@login_required
@require_GET
@cache_user_page(_country_state)
def package_detail(request, pk: int):
    contact = selectors.liaison_contact(request.user)
    delivery = selectors.country_delivery(package_id=pk, contact=contact)
    context = _detail_context(request, delivery, preferred_language=contact.preferred_language)
    return render(request, "recommendations/package_detail.html", context)


@login_required
@require_GET
def package_download(request, pk: int, language: str | None = None):
    """The PDF in the reader's language (`language` when one is asked for: the other versions' links)."""
    contact = selectors.liaison_contact(request.user)
    delivery = selectors.country_delivery(package_id=pk, contact=contact)
    if language is None:
        language = services.reader_language(delivery.package, *_reader_languages(request, contact.preferred_language))
    response = _document_response(delivery, language)
    services.download_record(
        delivery=delivery, user=request.user, via=DownloadEvent.Via.PORTAL, client_address=_client_address(request)
    )
    return response


@login_required
@require_POST
def package_acknowledge(request, pk: int):
    contact = selectors.liaison_contact(request.user)
    delivery = selectors.country_delivery(package_id=pk, contact=contact)
    services.delivery_acknowledge(delivery=delivery, user=request.user)
    messages.success(request, _("Thank you: receipt of the package is acknowledged."))
    return redirect("recommendations:package_detail", pk=delivery.package_id)


# --- The personal link of the distribution email ------------------------------------------------


class _LinkRefused(Exception):
    def __init__(self, response):
        self.response = response


def _delivery_from_link(request, token: str) -> Delivery:
    """The link is the recipient's key: valid, unexpired, and not used by another signed-in account."""
    try:
        delivery_id = services.delivery_id_from_token(token)
    except signing.SignatureExpired:
        raise _LinkRefused(_expired_link_response(request, token)) from None
    except signing.BadSignature:
        raise _LinkRefused(
            render(request, "recommendations/link_invalid.html", {"reason": "tampered"}, status=400)
        ) from None
    delivery = (
        Delivery.objects.select_related("package__visit", "contact", "member_country")
        .filter(pk=delivery_id)
        .exclude(package__status="draft")
        .first()
    )
    if delivery is None:
        raise Http404
    # Signed in, the holder must belong to the addressed country's team (any of its contacts).
    if request.user.is_authenticated and not user_speaks_for_country(request.user, delivery.member_country_id):
        raise Http404
    return delivery


def _expired_link_response(request, token: str):
    # The signature was genuine, only old: its value can be trusted to point the way to the package.
    delivery_id = services.delivery_id_from_token(token, allow_expired=True)
    package_id = Delivery.objects.filter(pk=delivery_id).values_list("package_id", flat=True).first()
    if package_id is None:
        raise Http404
    next_url = reverse("recommendations:package_detail", kwargs={"pk": package_id})
    messages.info(request, _("This personal link has expired. Please sign in to open the package in the portal."))
    if request.user.is_authenticated:
        return redirect(next_url)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def _link_view(handler):
    @wraps(handler)
    def view(request, token: str, **kwargs):
        try:
            delivery = _delivery_from_link(request, token)
        except _LinkRefused as refused:
            return refused.response
        return handler(request, delivery, token, **kwargs)

    return view


# The link pages are personal: never kept by a browser or a proxy, nor replayed from a cache
# once the link has expired.
@never_cache
@require_GET
@_link_view
def link(request, delivery: Delivery, token: str):
    context = _detail_context(request, delivery, preferred_language=delivery.contact.preferred_language, token=token)
    return render(request, "recommendations/package_detail.html", context)


@never_cache
@require_GET
@_link_view
def link_download(request, delivery: Delivery, token: str, language: str | None = None):
    # The email's link: the PDF in the reader's language, else their contact's, else English.
    if language is None:
        language = services.reader_language(
            delivery.package, *_reader_languages(request, delivery.contact.preferred_language)
        )
    response = _document_response(delivery, language)
    services.download_record(
        delivery=delivery, user=request.user, via=DownloadEvent.Via.EMAIL_LINK, client_address=_client_address(request)
    )
    return response


@never_cache
@require_POST
@_link_view
def link_acknowledge(request, delivery: Delivery, token: str):
    # The link alone downloads; acknowledging speaks for the country and needs one of its accounts:
    # signed out, sign in and come back to the link page (the service refuses other countries' users).
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("recommendations:link", kwargs={"token": token}))
    services.delivery_acknowledge(delivery=delivery, user=request.user)
    messages.success(request, _("Thank you: receipt of the package is acknowledged."))
    return redirect("recommendations:link", token=token)
