from allauth.account.signals import user_signed_up
from django.contrib.auth.models import Group
from django.dispatch import receiver

from .roles import DELEGATE


@receiver(user_signed_up, dispatch_uid="programmes.new_user_is_delegate")
def make_new_user_a_delegate(sender, request, user, **kwargs):
    """Everybody who signs up is a delegate; staff grant the other roles in the admin."""
    group, _created = Group.objects.get_or_create(name=DELEGATE)
    user.groups.add(group)
