"""Authentication backends that load the account with its preferences (programmes.UserPreferences)
and its contact, whose language is the account's until the user chooses one.

Every signed-in request needs the account's language (envcrime.middleware.UserLanguageMiddleware);
joining it to the query that loads the user keeps it free: no query more per request. The contact comes
with its member country, so the liaison check (programmes.roles.liaison_contact_of) needs no query either.

The loaded row (with those three) is kept in the cache for AUTH_USER_CACHE_SECONDS: building that query
cost about half of a cached page's time (0.5 of 1.7 ms in the test client). It is stored with the tokens
of the four tables it comes from (envcrime.table_versions), read before it was loaded, and used only
while they are current (tokens and row read in one round trip): every write to an account, preferences,
a contact or a member country, however made, makes every cached row stale, and a row read before a
concurrent write is never used after it. What the cached row answers is only what those models hold:
groups and permissions are still read per request.
"""

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache

from . import table_versions

USER_KEY = "auth:user:{}"


@functools.cache
def row_tables() -> tuple[str, ...]:
    user_model = get_user_model()
    models = [user_model, *(user_model._meta.get_field(name).related_model for name in ("preferences", "contact"))]
    models.append(models[-1]._meta.get_field("member_country").related_model)
    return tuple(sorted(model._meta.db_table.lower() for model in models))


def _tokens_and_user(user_id) -> tuple[tuple, object | None]:
    """The tables' current tokens and the row cached for `user_id` if stored under them: one round trip."""
    tokens, entry = table_versions.versions_and_entry(row_tables(), USER_KEY.format(user_id))
    if entry is not None and entry[0] == tokens:
        return tokens, entry[1]
    return tokens, None


class _UserWithPreferences:
    def get_user(self, user_id):
        timeout = settings.AUTH_USER_CACHE_SECONDS
        if timeout > 0:
            tokens, user = _tokens_and_user(user_id)
            if user is None:
                user = self._load(user_id)
                if user is not None:
                    cache.set(USER_KEY.format(user_id), (tokens, user), timeout=timeout)
        else:
            tokens = table_versions.current(row_tables())
            user = self._load(user_id)
        if user is not None:
            # What the row was read under: a page cache must not store a page rendered from this row under
            # later tokens (envcrime.caching).
            user.row_tokens = tokens
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _load(user_id):
        users = get_user_model()._default_manager.select_related("preferences", "contact__member_country")
        return users.filter(pk=user_id).first()


class ModelBackend(_UserWithPreferences, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithPreferences, AllauthBackend):
    pass
