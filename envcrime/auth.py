"""Authentication backends that load the account with its preferences (programmes.UserPreferences)
and its contact, whose language is the account's until the user chooses one.

Every signed-in request needs the account's language (envcrime.middleware.UserLanguageMiddleware);
joining it to the query that loads the user keeps it free: no query more per request. The contact comes
with its member country, so the liaison check (programmes.roles.liaison_contact_of) needs no query either.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _UserWithPreferences:
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("preferences", "contact__member_country")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_UserWithPreferences, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithPreferences, AllauthBackend):
    pass
