import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from programmes.roles import DELEGATE, LIAISON, PROGRAMME_STAFF


def codenames(group_name: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.django_db
def test_programme_staff_get_every_permission_of_the_portal_apps_and_some_account_ones():
    portal_permissions = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(
            content_type__app_label__in=["programmes", "meetings", "recommendations"]
        ).values_list("content_type__app_label", "codename")
    }
    assert {"programmes.add_contact", "meetings.change_registration", "recommendations.view_delivery"} <= (
        portal_permissions
    )
    account_permissions = {
        "auth.view_user",
        "auth.change_user",
        "auth.view_group",
        "auth.change_group",
        "account.view_emailaddress",
        "account.change_emailaddress",
    }
    assert codenames(PROGRAMME_STAFF) == portal_permissions | account_permissions


@pytest.mark.django_db
@pytest.mark.parametrize("role", [LIAISON, DELEGATE])
def test_liaisons_and_delegates_get_no_admin_permission(role):
    assert codenames(role) == set()


@pytest.mark.django_db
def test_every_migrate_restores_the_groups_and_staff_permissions():
    staff = Group.objects.get(name=PROGRAMME_STAFF)
    expected = codenames(PROGRAMME_STAFF)
    staff.permissions.remove(*staff.permissions.filter(codename="delete_contact"))
    Group.objects.filter(name=LIAISON).delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert codenames(PROGRAMME_STAFF) == expected
    assert Group.objects.filter(name=LIAISON).exists()
    assert codenames(LIAISON) == set()


@pytest.mark.django_db
def test_a_programme_staff_member_without_superuser_flag_can_work_in_the_admin(client, settings):
    from tests.factories import ContactFactory, UserFactory

    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    user = UserFactory(is_staff=True, roles=[PROGRAMME_STAFF])
    contact = ContactFactory()
    client.force_login(user)
    assert client.get("/admin/programmes/contact/").status_code == 200
    assert client.get(f"/admin/programmes/contact/{contact.pk}/change/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/auth/user/add/").status_code == 403  # view/change only
