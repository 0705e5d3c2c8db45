"""Whole-page caching of the public pages for anonymous visitors, per language, and the version that
invalidates it.

A page is served from the cache only to a visitor who carries no session cookie and no messages cookie
(so nobody's signed-in page, flash message or session state can be served to anyone else), for a GET or
HEAD, keyed by language, host, scheme and full path. A rendered page is stored only when it answered 200,
set no cookie and added no message; a page that used a CSRF token is stored only by a view that asks for
it (`csrf=True`: the sign-in form), with the token replaced by a placeholder that each hit fills with the
request's own token (and, as on a rendered page, the CSRF cookie is then set by the middleware).

Invalidation: every save or delete of the content the public pages show bumps one version number
(envcrime.invalidation connects the signals); a page is stored with the version read before it was
rendered and served only while that is still the current version (both read in one round trip), so a
page rendered from rows older than a concurrent write is never served after it. Writes that bypass
signals (QuerySet.update) are bounded by the short timeout (ANONYMOUS_PAGE_CACHE_SECONDS), which also
bounds time-driven changes (a registration window closing).

This module imports no app: the apps' views use it, the signal wiring lives above them.
"""

import functools
import hashlib
import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "pages:anonymous:version"
CSRF_PLACEHOLDER = "__envcrime_csrf_token_placeholder__"
# Headers of the view's own response worth keeping; the middleware adds the rest on every hit.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")
# What {% csrf_token %} renders; the token found there is replaced wherever else it appears.
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add(): two processes starting at once agree on one value.
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _version_and_page(key: str) -> tuple[int, tuple | None]:
    """The current content version and the page stored under `key` if it was rendered at that version:
    one round trip to Redis. Pages are stored as (version, content, headers) under a key without the
    version, so a bump makes every stored page stale at once and the next render overwrites it."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return content_version(), None
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return version, stored[1:]
    return version, None


def bump_content_version() -> None:
    """Every anonymous page cached so far is stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet (or evicted): any fresh value differs from what pages used
        cache.add(VERSION_KEY, 1, timeout=None)
        cache.incr(VERSION_KEY)


def is_cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _key(request) -> str:
    digest = hashlib.sha256(
        f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode(), usedforsecurity=False
    ).hexdigest()[:32]
    return f"pages:anonymous:{get_language()}:{digest}"


def _added_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


def cache_anonymous_page(view=None, *, csrf: bool = False):
    """Serve the view's page from the cache to anonymous visitors (see the module's docstring)."""
    if view is None:
        return functools.partial(cache_anonymous_page, csrf=csrf)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        version, cached = _version_and_page(key)
        if cached is not None:
            content, headers = cached
            if csrf and CSRF_PLACEHOLDER.encode() in content:
                content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
            response = HttpResponse(content)
            for name, value in headers:
                response.headers[name] = value
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        token_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        used_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not token_before
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not _added_messages(request)
            and not (used_token and not csrf)
        ):
            content = response.content
            tokens = set(CSRF_INPUT.findall(content)) if used_token else set()
            for token in tokens:
                content = content.replace(token, CSRF_PLACEHOLDER.encode())
            # A token used outside a form field could not be told from the text: never stored.
            if tokens or not used_token:
                headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
                cache.set(key, (version, content, headers), timeout=settings.ANONYMOUS_PAGE_CACHE_SECONDS)
        # The same URL answers differently per language and to signed-in visitors.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapper


def _has_pending_messages(request) -> bool:
    return CookieStorage.cookie_name in request.COOKIES or "_messages" in request.session


def cache_user_page(fingerprint):
    """Cache a signed-in user's page for that user only, per language, keyed by what it shows.

    `fingerprint(request, *args, **kwargs)` returns a string that changes whenever the rows the page shows
    change (for example an aggregate over the country's deliveries), or None to skip the cache. The key
    holds the account, its role state (what the navigation shows), the language, the full path and the
    fingerprint, and the page is served only while the content version (envcrime.invalidation) it was
    rendered at is current, so one user's page is never served to another and a write that changes the
    page makes it stale. The CSRF token is stored as a placeholder
    and filled with the request's own token on each hit. Put it under login_required and the method
    checks, so they still run on a hit.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if request.method not in ("GET", "HEAD") or not user.is_authenticated or _has_pending_messages(request):
                return view(request, *args, **kwargs)
            state = fingerprint(request, *args, **kwargs)
            if state is None:
                return view(request, *args, **kwargs)
            from_roles = "|".join(str(part) for part in role_state(request))
            digest = hashlib.sha256(
                f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{from_roles}|{state}".encode(),
                usedforsecurity=False,
            ).hexdigest()[:32]
            key = f"pages:user:{user.pk}:{get_language()}:{digest}"
            version, cached = _version_and_page(key)
            if cached is not None:
                content, headers = cached
                if CSRF_PLACEHOLDER.encode() in content:
                    content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
                response = HttpResponse(content)
                for name, value in headers:
                    response.headers[name] = value
                patch_vary_headers(response, ("Cookie",))
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not _added_messages(request)
            ):
                content = response.content
                for token in set(CSRF_INPUT.findall(content)):
                    content = content.replace(token, CSRF_PLACEHOLDER.encode())
                headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
                cache.set(key, (version, content, headers), timeout=settings.USER_PAGE_CACHE_SECONDS)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorator


def role_state(request) -> tuple:
    """What the layout shows of the account: its address, staff flag and the role flags the context
    processor computes (envcrime.context_processors.portal, cached per request)."""
    from envcrime.context_processors import portal

    user = request.user
    flags = portal(request)
    return (
        user.pk,
        user.email,
        user.is_staff,
        user.is_superuser,
        flags["user_is_liaison"],
        flags["user_sees_directory"],
        flags["user_endorses_nominations"],
    )
