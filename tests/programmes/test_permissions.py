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
    account_permissions = {"auth.view_user", "auth.change_user", "auth.view_group", "account.view_emailaddress"}
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


@pytest.fixture
def plain_staff(client, settings):
    """A programme staff member who is not a superuser, signed in to the admin."""
    from tests.factories import UserFactory

    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    user = UserFactory(is_staff=True, roles=[PROGRAMME_STAFF])
    client.force_login(user)
    return user


def user_form(user, **changes):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_staff_member_cannot_make_themselves_superuser(client, plain_staff):
    staff_group = Group.objects.get(name=PROGRAMME_STAFF)
    response = client.post(
        f"/admin/auth/user/{plain_staff.pk}/change/",
        user_form(plain_staff, is_superuser="on", is_staff="on", groups=[staff_group.pk]),
    )
    # Staff accounts are not in a non-superuser's list: the admin answers "does not exist".
    assert response.status_code == 302 and response.url == "/admin/"
    plain_staff.refresh_from_db()
    assert not plain_staff.is_superuser


@pytest.mark.django_db
def test_a_staff_member_cannot_open_a_superuser_or_set_passwords(client, plain_staff):
    from tests.factories import DelegateFactory, StaffFactory

    superuser = StaffFactory()
    delegate = DelegateFactory()
    assert client.get(f"/admin/auth/user/{superuser.pk}/change/").url == "/admin/"  # "does not exist"
    assert client.get(f"/admin/auth/user/{superuser.pk}/password/").status_code == 403
    assert client.get(f"/admin/auth/user/{delegate.pk}/password/").status_code == 403
    assert client.post(f"/admin/auth/group/{Group.objects.get(name=LIAISON).pk}/change/", {}).status_code == 403


@pytest.mark.django_db
def test_a_staff_member_can_make_a_delegate_a_liaison_but_not_staff(client, plain_staff):
    from tests.factories import DelegateFactory

    delegate = DelegateFactory()
    liaison, staff_group = Group.objects.get(name=LIAISON), Group.objects.get(name=PROGRAMME_STAFF)

    response = client.get(f"/admin/auth/user/{delegate.pk}/change/")
    group_choices = {choice[0].value for choice in response.context["adminform"].form.fields["groups"].choices}
    assert group_choices == {liaison.pk, Group.objects.get(name=DELEGATE).pk}
    assert "is_superuser" not in response.context["adminform"].form.fields

    refused = client.post(
        f"/admin/auth/user/{delegate.pk}/change/",
        user_form(delegate, groups=[staff_group.pk], is_staff="on", is_superuser="on", email="taken@example.org"),
    )
    assert refused.status_code == 200  # the form shows the invalid group choice
    delegate.refresh_from_db()
    assert set(delegate.groups.values_list("name", flat=True)) == {DELEGATE}

    accepted = client.post(f"/admin/auth/user/{delegate.pk}/change/", user_form(delegate, groups=[liaison.pk]))
    assert accepted.status_code == 302
    delegate.refresh_from_db()
    assert set(delegate.groups.values_list("name", flat=True)) == {LIAISON}
    assert not delegate.is_staff and not delegate.is_superuser
    assert delegate.email.endswith("@example.org") and delegate.email != "taken@example.org"
