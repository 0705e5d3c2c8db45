"""Admin permissions of the role groups, (re)assigned after every `migrate`.

Permissions are created by a post_migrate handler of django.contrib.auth, so they do not exist
yet inside data migrations; this handler runs after it for every app and is idempotent.
"""

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

from .roles import DELEGATE, LIAISON, PROGRAMME_STAFF

# Programme staff run the portal from the admin: everything in the portal's apps...
STAFF_APPS = ("programmes", "meetings", "recommendations")
# ...and enough of the accounts to give delegates and liaisons their role. Never group changes or
# email-address changes: either would let a staff member raise their own rights or take over a
# liaison's account through a password reset. What staff may change on a user is narrowed further
# by programmes.admin.PortalUserAdmin; superusers manage the rest.
STAFF_EXTRA_PERMISSIONS = (
    ("auth", "user", ("view", "change")),
    ("auth", "group", ("view",)),
    ("account", "emailaddress", ("view",)),
)


def staff_permissions_query() -> Q:
    query = Q(content_type__app_label__in=STAFF_APPS)
    for app_label, model, actions in STAFF_EXTRA_PERMISSIONS:
        query |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return query


def grant_role_permissions(sender=None, *, apps=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver: ensure the role groups exist and staff have their permissions."""
    if apps is None:
        from django.apps import apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated yet (e.g. `migrate auth zero`)
        return
    groups = {
        name: Group.objects.using(using).get_or_create(name=name)[0] for name in (PROGRAMME_STAFF, LIAISON, DELEGATE)
    }
    permissions = Permission.objects.using(using).filter(staff_permissions_query())
    # The role's permissions are defined here, in code: set() also withdraws any granted by hand or
    # by an earlier version of this list. It only writes the difference, so it stays cheap.
    groups[PROGRAMME_STAFF].permissions.set(permissions)
    groups[LIAISON].permissions.clear()
    groups[DELEGATE].permissions.clear()
