"""The distribution email goes out in the contact's preferred language where a translation exists."""

import pytest
from django.conf import settings as django_settings

from recommendations import services
from recommendations.models import Delivery
from tests.factories import ContactFactory, member_country

from .factories import published_package

pytestmark = pytest.mark.django_db

EXPECTED = {
    # language: (words of the subject, of the text body, of the HTML body's button)
    "en": ("Recommendations for your country", "acknowledge its receipt with your personal link", "Open the package"),
    "fr": ("Recommandations pour votre pays", "accusez-en réception avec votre lien personnel", "Ouvrir le dossier"),
    "es": ("Recomendaciones para su país", "acuse recibo con su enlace personal", "Abrir el paquete"),
    "ar": ("توصيات لبلدكم", "رابطك الشخصي", "فتح الحزمة"),
}
COUNTRY_OF = {"en": "GB", "fr": "SN", "es": "PE", "ar": "JO"}


def test_each_contact_gets_the_email_in_their_language(smtp_server, django_capture_on_commit_callbacks):
    package = published_package(title="Lyon recommendations")
    for language, iso2 in COUNTRY_OF.items():
        ContactFactory(
            member_country=member_country(iso2),
            is_primary=True,
            preferred_language=language,
            email=f"liaison-{language}@example.org",
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.distribution_start(package=package)

    assert Delivery.objects.filter(package=package, status=Delivery.Status.SENT).count() == len(COUNTRY_OF)
    for language, (subject_words, body_words, button_words) in EXPECTED.items():
        (message,) = smtp_server.messages_to(f"liaison-{language}@example.org")
        assert subject_words in message.subject, (language, message.subject)
        assert "Lyon recommendations" in message.subject
        assert body_words in message.text(), language
        assert button_words in message.html(), language
        assert f'lang="{language}"' in message.html()
        assert package.document_sha256 in message.text()
    assert 'dir="rtl"' in smtp_server.messages_to("liaison-ar@example.org")[0].html()


def _as_sent_normally(row, facts) -> bytes:
    return services.delivery_email(row, facts).message().as_bytes(linesep="\r\n")


def _same_but_for_date_id_and_boundary(fast: bytes, normal: bytes) -> bytes:
    """`normal` with the Date, Message-ID and MIME boundary of `fast` (drawn anew per message)."""
    import email

    ours, theirs = email.message_from_bytes(fast), email.message_from_bytes(normal)
    for header in ("Date", "Message-ID"):
        normal = normal.replace(theirs[header].encode(), ours[header].encode())
    return normal.replace(theirs.get_boundary().encode(), ours.get_boundary().encode())


@pytest.mark.parametrize(
    ("language", "iso2", "name", "title"),
    [
        ("fr", "SN", "Aïssatou Diallo-Ndiaye", "Lyon recommendations « été »"),
        ("fr", "FR", "Jean Martin", "Lyon recommendations"),
        ("ar", "JO", "محمد بن سلمان", "Lyon recommendations"),
        ("ar", "MA", "Tom & <Jerry>", "Lyon & Co"),
        ("en", "GB", "Ann O'Neil", "Lyon recommendations"),  # all ASCII: 7bit parts
        ("en", "GB", "Zoë", "Lyon recommendations"),  # the name alone makes them 8bit
    ],
)
def test_the_prepared_message_is_the_message_built_the_normal_way(language, iso2, name, title):
    """The fast path's bytes (built once per package and language, the recipient's parts filled in)
    equal the message Django builds for that recipient, but for its Date, Message-ID and boundary."""
    import email

    from recommendations.services.delivery import ClaimedDelivery, _package_facts, delivery_message_bytes

    package = published_package(title=title)
    contact = ContactFactory(
        member_country=member_country(iso2), is_primary=True, preferred_language=language, name=name
    )
    services.distribution_start(package=package)
    delivery = Delivery.objects.get(package=package, contact=contact)
    row = ClaimedDelivery(
        delivery.pk, delivery.distribution_id, package.pk, delivery.email, delivery.language, 1, contact.name
    )
    facts = _package_facts({package.pk})[package.pk]

    sender, recipient, fast = delivery_message_bytes(row, facts)

    assert (sender, recipient) == (django_settings.DEFAULT_FROM_EMAIL, delivery.email)
    assert fast == _same_but_for_date_id_and_boundary(fast, _as_sent_normally(row, facts))
    parsed = email.message_from_bytes(fast)
    assert parsed["To"] == delivery.email and parsed.get_content_type() == "multipart/alternative"
    text, html = (part.get_payload(decode=True).decode() for part in parsed.get_payload())
    assert name in text and f'lang="{language}"' in html
    assert delivery_message_bytes(row, facts)[2] != fast  # a new Message-ID per message


def test_a_recipient_the_prepared_message_cannot_hold_gets_the_normal_message():
    from recommendations.services.delivery import ClaimedDelivery, _package_facts, delivery_message_bytes

    package = published_package()
    contact = ContactFactory(member_country=member_country("SN"), is_primary=True, preferred_language="fr")
    services.distribution_start(package=package)
    delivery = Delivery.objects.get(package=package, contact=contact)
    facts = _package_facts({package.pk})[package.pk]
    for name in ("Two\nlines", "x" * 1200):
        row = ClaimedDelivery(delivery.pk, delivery.distribution_id, package.pk, delivery.email, "fr", 1, name)
        assert delivery_message_bytes(row, facts) is None


def test_the_warm_up_before_the_pool_forks_renders_every_language_and_leaves_no_rendering_behind():
    from recommendations.services import delivery

    delivery.delivery_email_warm()

    assert delivery._rendered.cache_info().currsize == 0 and delivery._prepared.cache_info().currsize == 0
