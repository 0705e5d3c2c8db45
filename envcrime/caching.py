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
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "__envcrime_csrf_token_placeholder__"
# Headers of the view's own response worth keeping; the middleware adds the rest on every hit.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")
# What {% csrf_token %} renders; the token found there is replaced wherever else it appears.
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


class Generation:
    """A number in the cache that, when bumped, makes stale every entry stored under it.

    Entries are stored as (generation, payload) under keys without the generation, so a bump makes them
    all stale at once and the next store overwrites them. An entry is stored with the generation read
    before its payload was built and used only while that generation is current (both read in one round
    trip), so a payload built from rows older than a concurrent write is never used after it. The page
    caches here and the account cache (envcrime.auth) use one each.
    """

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        generation = cache.get(self.key)
        if generation is None:
            # add(): two processes starting at once agree on one value.
            cache.add(self.key, 1, timeout=None)
            generation = cache.get(self.key, 1)
        return generation

    def current_and_entry(self, entry_key: str) -> tuple[int, object | None]:
        """The current generation and the payload under `entry_key` if stored at it: one round trip."""
        found = cache.get_many([self.key, entry_key])
        generation = found.get(self.key)
        if generation is None:
            return self.current(), None
        stored = found.get(entry_key)
        if stored is not None and stored[0] == generation:
            return generation, stored[1]
        return generation, None

    def store(self, entry_key: str, generation: int, payload, *, timeout: int) -> None:
        cache.set(entry_key, (generation, payload), timeout=timeout)

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # not there yet (or evicted): any fresh value differs from what entries used
            cache.add(self.key, 1, timeout=None)
            cache.incr(self.key)

    def bump_now_and_on_commit(self, sender=None, **kwargs) -> None:
        """A signal receiver: stale at once, and again when the transaction commits (an entry built
        between the write and the commit, from the rows before it, is stored under the first bump's
        generation and dropped by the second)."""
        now_and_on_commit(self.bump)


def now_and_on_commit(action) -> None:
    action()
    transaction.on_commit(action)


CONTENT = Generation("pages:anonymous:version")


def bump_content_version() -> None:
    """Every page cached so far is stale."""
    CONTENT.bump()


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
    return f"page:anonymous:{get_language()}:{digest}"


def _added_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


ANONYMOUS_VARY = ("Accept-Language", "Cookie")
USER_VARY = ("Cookie",)


def _storable(request, response) -> bool:
    return (
        response.status_code == 200 and not response.streaming and not response.cookies and not _added_messages(request)
    )


def _store(key: str, version: int, response, tokens: set[bytes], *, timeout: int) -> None:
    """Store the rendered page with its CSRF tokens replaced by the placeholder."""
    content = response.content
    for token in tokens:
        content = content.replace(token, CSRF_PLACEHOLDER.encode())
    headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
    CONTENT.store(key, version, (content, headers), timeout=timeout)


def _from_cache(request, cached, *, vary) -> HttpResponse:
    """A stored page, its placeholder filled with this request's CSRF token."""
    content, headers = cached
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers:
        response.headers[name] = value
    patch_vary_headers(response, vary)
    return response


def cache_anonymous_page(view=None, *, csrf: bool = False):
    """Serve the view's page from the cache to anonymous visitors (see the module's docstring)."""
    if view is None:
        return functools.partial(cache_anonymous_page, csrf=csrf)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        version, cached = CONTENT.current_and_entry(key)
        if cached is not None:
            return _from_cache(request, cached, vary=ANONYMOUS_VARY)
        token_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        used_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not token_before
        if _storable(request, response) and not (used_token and not csrf):
            tokens = set(CSRF_INPUT.findall(response.content)) if used_token else set()
            # A token used outside a form field could not be told from the text: never stored.
            if tokens or not used_token:
                _store(key, version, response, tokens, timeout=settings.ANONYMOUS_PAGE_CACHE_SECONDS)
        # The same URL answers differently per language and to signed-in visitors.
        patch_vary_headers(response, ANONYMOUS_VARY)
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
            key = f"page:user:{user.pk}:{get_language()}:{digest}"
            version, cached = CONTENT.current_and_entry(key)
            if cached is not None:
                return _from_cache(request, cached, vary=USER_VARY)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _storable(request, response):
                tokens = set(CSRF_INPUT.findall(response.content))
                _store(key, version, response, tokens, timeout=settings.USER_PAGE_CACHE_SECONDS)
            patch_vary_headers(response, USER_VARY)
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
        user.email,
        user.is_staff,
        user.is_superuser,
        flags["user_is_liaison"],
        flags["user_sees_directory"],
        flags["user_endorses_nominations"],
    )
