"""Users with a role, as the directory and admin tests call them."""

from tests.factories import DelegateFactory, StaffFactory


def make_delegate(**kwargs):
    return DelegateFactory(**kwargs)


def make_staff(**kwargs):
    return StaffFactory(**kwargs)
