"""Users with a role, for the directory and admin tests.

`tests.factories.DelegateFactory` and `StaffFactory` set `roles = [...]` as a plain class
attribute, which replaces UserFactory's post-generation hook and is passed to User() as a field
(FieldError). Until that is fixed there, these build the same users through UserFactory.
"""

from programmes.roles import DELEGATE, PROGRAMME_STAFF
from tests.factories import UserFactory


def make_delegate(**kwargs):
    return UserFactory(roles=[DELEGATE], **kwargs)


def make_staff(**kwargs):
    return UserFactory(is_staff=True, is_superuser=True, roles=[PROGRAMME_STAFF], **kwargs)
