from allauth.account.signals import user_signed_up
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import translation

from .languages import normalise_language
from .models import Contact, Language, UserPreferences
from .roles import DELEGATE, LIAISON, liaison_contacts


@receiver(user_signed_up, dispatch_uid="programmes.new_user_is_delegate")
def make_new_user_a_delegate(sender, request, user, **kwargs):
    """Everybody who signs up is a delegate; staff grant the other roles in the admin."""
    group, _created = Group.objects.get_or_create(name=DELEGATE)
    user.groups.add(group)


@receiver(user_signed_up, dispatch_uid="programmes.new_user_keeps_the_sign_up_language")
def save_the_sign_up_language(sender, request, user, **kwargs):
    """The language the account was created in is its language until the user switches."""
    language = normalise_language(translation.get_language()) or Language.ENGLISH
    UserPreferences.objects.get_or_create(user=user, defaults={"language": language})


def _sync_liaison_group(user_id: int | None) -> None:
    """The Liaison group mirrors the contact link (a label for the admin, never read for rights)."""
    if user_id is None:
        return
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    group, _created = Group.objects.get_or_create(name=LIAISON)
    linked = liaison_contacts().filter(user_id=user_id).exists()
    if linked:
        user.groups.add(group)
    else:
        user.groups.remove(group)


@receiver(pre_save, sender=Contact, dispatch_uid="programmes.contact_previous_user")
def remember_previous_user(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._previous_user_id = None
        return
    instance._previous_user_id = Contact.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()


@receiver(post_save, sender=Contact, dispatch_uid="programmes.contact_liaison_group")
def sync_liaison_group_on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _sync_liaison_group(instance.user_id)
    previous = getattr(instance, "_previous_user_id", None)
    if previous != instance.user_id:
        _sync_liaison_group(previous)


@receiver(post_delete, sender=Contact, dispatch_uid="programmes.contact_deleted_liaison_group")
def sync_liaison_group_on_delete(sender, instance, **kwargs):
    _sync_liaison_group(instance.user_id)
