"""Whole-page caching: the public pages for anonymous visitors, a signed-in user's own pages, and the
staff's dashboard and big admin lists; each per language, and each valid while none of the tables it
read has been written since (envcrime.table_versions).

An entry holds the tables the page read while it was rendered (plus, for signed-in pages, the tables the
account and its roles come from: the layout shows them and they are loaded outside the view), the
tokens those tables had *before* the rendering started, and the page. It is served while those tables
still have those tokens: two cache round trips (the entry, then the tokens). So every write to a table a
page read makes it stale, whoever writes and however (a `save()`, a `QuerySet.update`, the
distribution's SQL), and a page rendered from rows older than a concurrent write is never served after
it: that write changed a token after the snapshot the entry was stored under. The timeouts bound what no
write announces: time passing (a registration window closing) and SQL run outside Django.

- **Anonymous** (`cache_anonymous_page`): served only to a GET or HEAD without a session cookie or a
  messages cookie (so nobody's signed-in page, flash message or session state can be served to anyone
  else), keyed by language, host, scheme and full path. Stored only when the page answered 200, set no
  cookie and added no message; a page that used a CSRF token is stored only by a view that asks for it
  (`csrf=True`: the sign-in form), with the token replaced by a placeholder that each hit fills with the
  request's own token (and, as on a rendered page, the CSRF cookie is then set by the middleware).
- **Signed in** (`cache_user_page`, `cache_staff_page`): for that account only; the key holds the
  account, what the layout shows of its roles, the language and the full path. Pages with a pending
  message are neither served nor stored; the CSRF token is filled per request.

This module imports no app: the apps' views use it.
"""

import contextlib
import functools
import hashlib
import re

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from . import table_versions

CSRF_PLACEHOLDER = "__envcrime_csrf_token_placeholder__"
# Headers of the view's own response worth keeping; the middleware adds the rest on every hit.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")
# What {% csrf_token %} renders; the token found there is replaced wherever else it appears.
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def now_and_on_commit(action) -> None:
    action()
    transaction.on_commit(action)


def forget_cached_pages() -> None:
    """Every page cached so far is stale (tests; data changed behind Django's back)."""
    table_versions.change_all()


@functools.cache
def account_tables() -> frozenset[str]:
    """The tables a signed-in page's layout shows without reading them in the view: the account row
    with its preferences, contact and country (loaded by envcrime.auth, often from its cache), and the
    groups and permissions that decide the navigation and the admin's buttons."""
    from .auth import row_tables

    user_model = get_user_model()
    group_model = user_model._meta.get_field("groups").related_model
    roles = [
        user_model._meta.get_field("groups").remote_field.through,
        user_model._meta.get_field("user_permissions").remote_field.through,
        group_model,
        group_model._meta.get_field("permissions").remote_field.through,
        apps.get_model("auth", "Permission"),
    ]
    return frozenset(row_tables()) | {model._meta.db_table.lower() for model in roles}


# Per view, the tables its pages read when this process last stored or served one: their tokens are
# fetched with the entry, in the same round trip, and a second one is needed only if the entry read
# others. One small tuple per cached view.
_tables_read_by_view: dict[str, tuple[str, ...]] = {}


def _view_name(view) -> str:
    """A stable name for the view (an admin's changelist is a method bound to its admin)."""
    name = f"{view.__module__}.{view.__qualname__}"
    owner = getattr(view, "__self__", None)
    return name if owner is None else f"{name}:{owner}"


def _cached(key: str, view_name: str):
    """The payload stored under `key` if none of the tables it read has changed since, else None."""
    hinted = _tables_read_by_view.get(view_name, ())
    token_keys = [table_versions.key(table) for table in hinted]
    found = cache.get_many([key, *token_keys])
    entry = found.get(key)
    if entry is None:
        return None
    tables, tokens, payload = entry
    if set(tables) <= set(hinted):
        current = tuple(found.get(table_versions.key(table)) for table in tables)
    else:
        _tables_read_by_view[view_name] = tables
        current = table_versions.versions(tables)
    return payload if current == tokens else None


# What django.contrib.auth's ModelBackend keeps on the user object for the rest of the request.
_PERMISSION_CACHES = ("_perm_cache", "_user_perm_cache", "_group_perm_cache")


def _render(view, request, args, kwargs):
    """Call the view with the tables it reads recorded; returns (snapshot before, tables read, response).

    Permissions checked before the snapshot (a decorator's `has_perm`) are forgotten, so the page reads
    them again within the recorded block: read earlier, a change committed in between would be shown
    as it was under the later tokens."""
    before = table_versions.snapshot()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for name in _PERMISSION_CACHES:
            with contextlib.suppress(AttributeError):
                delattr(user, name)
    with table_versions.reading() as read:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
    return before, read, response


def is_cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _key(request, scope: str, extra: str = "") -> str:
    """The page's key: `scope` (who it is for), the language and a digest of the URL and `extra`."""
    digest = hashlib.sha256(
        f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{extra}".encode(), usedforsecurity=False
    ).hexdigest()[:32]
    return f"page:{scope}:{get_language()}:{digest}"


def _added_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


ANONYMOUS_VARY = ("Accept-Language", "Cookie")
USER_VARY = ("Cookie",)


def _storable(request, response) -> bool:
    # The CSRF cookie aside (the admin's views set it themselves, through csrf_protect; a hit has it set
    # again by the middleware, as the token is filled), a page that sets a cookie is someone's own.
    cookies = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
    return response.status_code == 200 and not response.streaming and not cookies and not _added_messages(request)


def _store(
    key: str, view_name: str, before: dict, read: set[str], response, tokens: set[bytes], *, timeout: int, also=()
):
    """Store the rendered page, its CSRF tokens replaced by the placeholder, under the tokens its tables
    had before it was rendered."""
    content = response.content
    for token in tokens:
        content = content.replace(token, CSRF_PLACEHOLDER.encode())
    headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
    tables = tuple(sorted(read | set(also)))
    _tables_read_by_view[view_name] = tables
    cache.set(key, (tables, tuple(before[table] for table in tables), (content, headers)), timeout=timeout)


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

    view_name = f"anonymous:{_view_name(view)}"

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request, "anonymous")
        cached = _cached(key, view_name)
        if cached is not None:
            return _from_cache(request, cached, vary=ANONYMOUS_VARY)
        token_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        before, read, response = _render(view, request, args, kwargs)
        used_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not token_before
        if _storable(request, response) and not (used_token and not csrf):
            tokens = set(CSRF_INPUT.findall(response.content)) if used_token else set()
            # A token used outside a form field could not be told from the text: never stored.
            if tokens or not used_token:
                _store(key, view_name, before, read, response, tokens, timeout=settings.ANONYMOUS_PAGE_CACHE_SECONDS)
        # The same URL answers differently per language and to signed-in visitors.
        patch_vary_headers(response, ANONYMOUS_VARY)
        return response

    return wrapper


def _has_pending_messages(request) -> bool:
    return CookieStorage.cookie_name in request.COOKIES or "_messages" in request.session


def _signed_in_page(view, *, scope: str, part, timeout_setting: str):
    """The wrapper shared by the signed-in caches: `part(request, *args, **kwargs)` returns a string for
    the key (what else, beyond the account, role state, language and path, changes the page), or None
    to skip the cache."""
    view_name = f"{scope}:{_view_name(view)}"

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if request.method not in ("GET", "HEAD") or not user.is_authenticated or _has_pending_messages(request):
            return view(request, *args, **kwargs)
        extra = part(request, *args, **kwargs)
        if extra is None:
            return view(request, *args, **kwargs)
        from_roles = "|".join(str(value) for value in role_state(request))
        key = _key(request, f"{scope}:{user.pk}", f"{from_roles}|{extra}")
        cached = _cached(key, view_name)
        if cached is not None:
            return _from_cache(request, cached, vary=USER_VARY)
        before, read, response = _render(view, request, args, kwargs)
        if _storable(request, response) and _account_row_current(user, before):
            tokens = set(CSRF_INPUT.findall(response.content))
            timeout = getattr(settings, timeout_setting)
            _store(key, view_name, before, read, response, tokens, timeout=timeout, also=account_tables())
        patch_vary_headers(response, USER_VARY)
        return response

    return wrapper


def _account_row_current(user, before: dict) -> bool:
    """Whether the account row the layout showed (loaded before the snapshot, in the middleware) was read
    under the snapshot's tokens: a write to those tables in between would otherwise be stored as
    current. The authentication backends record the tokens (envcrime.auth)."""
    from .auth import row_tables

    return getattr(user, "row_tokens", None) == tuple(before[table] for table in row_tables())


def cache_user_page(part):
    """Cache a signed-in user's own page for that user only (see the module's docstring).

    `part(request, *args, **kwargs)` returns a string for the key, or None to skip the cache (someone the
    page is not for: the view then answers as it does). Put it under login_required and the method
    checks, so they still run on a hit.
    """

    def decorator(view):
        return _signed_in_page(view, scope="user", part=part, timeout_setting="USER_PAGE_CACHE_SECONDS")

    return decorator


def cache_staff_page(view=None, *, part=None):
    """Cache a staff page (the dashboard, a big admin list) for that account only, like
    `cache_user_page`; `part` adds to the key (the date, for pages that count days). Put it under the
    permission checks, so they still run on a hit."""
    if view is None:
        return functools.partial(cache_staff_page, part=part)
    part = part or (lambda request, *args, **kwargs: "")
    return _signed_in_page(view, scope="staff", part=part, timeout_setting="STAFF_PAGE_CACHE_SECONDS")


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
