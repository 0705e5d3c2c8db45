"""The distribution email goes out in the contact's preferred language where a translation exists."""

import pytest

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
