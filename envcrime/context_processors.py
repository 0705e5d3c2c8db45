from django.conf import settings

from programmes.roles import liaison_contact_of, user_is_liaison, user_may_see_contacts


def portal(request):
    """Values every page needs: the site URL for absolute links and what the user may see."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "SITE_URL": settings.SITE_URL,
        "user_is_liaison": signed_in and user_is_liaison(user),
        "user_sees_directory": signed_in and user_may_see_contacts(user),
        # The primary liaison endorses the country's nominations (cached lookup: no extra query).
        "user_endorses_nominations": signed_in and getattr(liaison_contact_of(user), "is_primary", False),
    }
