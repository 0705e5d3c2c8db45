"""Factories shared by every app's tests. App-specific ones live beside the tests that use them."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from meetings.models import AgendaItem, Registration, Visit
from programmes.models import Contact, MemberCountry, Organisation, Programme
from programmes.roles import DELEGATE, LIAISON, PROGRAMME_STAFF

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """allauth requires a verified address before login (ACCOUNT_EMAIL_VERIFICATION=mandatory)."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            add_roles(self, extracted)


def add_roles(user, role_names) -> None:
    user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in role_names])


class DelegateFactory(UserFactory):
    # A subclass cannot give the `roles` hook a default value (a plain attribute would be passed to
    # User()), so it declares its own hook.
    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            add_roles(self, extracted or [DELEGATE])


class StaffFactory(UserFactory):
    """Programme staff: the admin, with exactly the permissions of the Programme staff group."""

    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            add_roles(self, extracted or [PROGRAMME_STAFF])


class SuperuserFactory(StaffFactory):
    is_superuser = True


VIEW_ONLY_STAFF = "View-only staff (tests)"


class ViewOnlyStaffFactory(UserFactory):
    """A staff account whose group may only look: the view permissions of the Programme staff group.

    The portal has no such role; the permission matrix uses it to show that looking and changing
    are separate in the admin's custom views too.
    """

    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        from programmes.permissions import staff_permissions_query

        group, created = Group.objects.get_or_create(name=VIEW_ONLY_STAFF)
        if created:
            group.permissions.set(Permission.objects.filter(staff_permissions_query(), codename__startswith="view_"))
        self.groups.add(group)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = "Environmental Crime Programme"
    slug = "environmental-crime"
    description = "Supports member countries in the fight against environmental crime."


def member_country(iso2: str) -> MemberCountry:
    """The member countries come from the data migration: fetch, do not create."""
    return MemberCountry.objects.get(iso2=iso2)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("short_name",)

    short_name = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.short_name}")
    kind = Organisation.Kind.NGO


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name")
    title = "NCB liaison officer"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    member_country = factory.LazyFunction(lambda: member_country("KE"))
    organisation = None
    is_primary = False
    is_active = True


def make_liaison(country_iso2: str, **user_kwargs):
    """A liaison user with the active primary contact of the country."""
    country = member_country(country_iso2)
    user = UserFactory(roles=[LIAISON], **user_kwargs)
    contact = ContactFactory(
        member_country=country, is_primary=True, user=user, email=user.email, name=user.get_full_name()
    )
    return user, contact


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Familiarization visit {n}")
    slug = factory.Sequence(lambda n: f"visit-{n}")
    venue = "General Secretariat"
    city = "Lyon"
    host_country = factory.LazyFunction(lambda: member_country("FR"))
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    end_date = factory.LazyAttribute(lambda v: v.start_date + datetime.timedelta(days=3))
    capacity = 16
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(
        lambda v: (
            timezone.make_aware(datetime.datetime.combine(v.start_date, datetime.time())) - datetime.timedelta(days=7)
        )
    )
    requires_approval = False
    status = Visit.Status.OPEN


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    visit = factory.SubFactory(VisitFactory)
    date = factory.LazyAttribute(lambda a: a.visit.start_date)
    start_time = datetime.time(9, 0)
    end_time = datetime.time(10, 30)
    kind = AgendaItem.Kind.PRESENTATION
    title = factory.Sequence(lambda n: f"Session {n}")
    location = "Conference room"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    visit = factory.SubFactory(VisitFactory)
    delegate = factory.SubFactory(DelegateFactory)
    member_country = factory.LazyFunction(lambda: member_country("KE"))
    organisation = None
    full_name = factory.LazyAttribute(lambda r: r.delegate.get_full_name() or r.delegate.email)
    job_title = "Senior wildlife officer"
    arrival_date = factory.LazyAttribute(lambda r: r.visit.start_date - datetime.timedelta(days=1))
    departure_date = factory.LazyAttribute(lambda r: r.visit.end_date + datetime.timedelta(days=1))
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
    # A seat needs vetting (issue 7): factory seats count as approved by programme staff.
    vetted_by_staff = factory.LazyAttribute(lambda r: r.status in (Registration.Status.CONFIRMED, "waitlisted"))
