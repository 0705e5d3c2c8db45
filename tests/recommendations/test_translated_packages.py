"""Packages in four languages: one frozen PDF per complete translation, the reader's one served.

The Arabic PDF is checked with poppler's own tools, as a reader's viewer would see it: `pdftotext`
extracts the Arabic words in logical order, `pdffonts` lists the embedded font that drew them.
"""

import hashlib
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from recommendations import services
from recommendations.models import Delivery, PackageDocument
from tests.factories import StaffFactory, VisitFactory, make_liaison

from .factories import DraftPackageFactory, ObstacleFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

ARABIC_TITLE = "توصيات زيارة التعارف إلى ليون"
ARABIC_OBSTACLE = "ضعف التواصل بين البلدان"
ARABIC_RECOMMENDATION = "تعيين جهة اتصال وطنية"


def _translated(obj, **texts):
    for name, value in texts.items():
        setattr(obj, name, value)
    obj.save()
    return obj


@pytest.fixture
def package():
    """English, French and Arabic complete; Spanish misses one recommendation's text."""
    visit = VisitFactory(title="Familiarization visit Lyon")
    _translated(visit, title_fr="Visite de familiarisation à Lyon", title_ar="زيارة التعارف إلى ليون")
    obstacle = ObstacleFactory(visit=visit, title="Insufficient communication", description="Weeks, not days.")
    _translated(
        obstacle,
        title_fr="Communication insuffisante",
        description_fr="Des semaines, non des jours.",
        title_es="Comunicación insuficiente",
        description_es="Semanas, no días.",
        title_ar=ARABIC_OBSTACLE,
        description_ar="أسابيع لا أيام.",
    )
    recommendation = RecommendationFactory(
        visit=visit, number=1, title="Designate a focal point", text="Each country names one.", obstacles=[obstacle]
    )
    _translated(
        recommendation,
        title_fr="Désigner un point focal",
        text_fr="Chaque pays en désigne un.",
        title_es="Designar un punto focal",  # text_es missing: no Spanish document
        title_ar=ARABIC_RECOMMENDATION,
        text_ar="يعيّن كل بلد جهة اتصال واحدة.",
    )
    draft = DraftPackageFactory(visit=visit, title="Lyon recommendations", summary="What was found.")
    _translated(
        draft,
        title_fr="Recommandations de Lyon",
        summary_fr="Ce qui a été constaté.",
        title_es="Recomendaciones de Lyon",
        summary_es="Lo que se constató.",
        title_ar=ARABIC_TITLE,
        summary_ar="ما تمت ملاحظته.",
    )
    return services.package_publish(package=draft, by=StaffFactory())


def test_one_pdf_per_complete_language_each_with_its_own_checksum(package):
    documents = {d.language: d for d in PackageDocument.objects.filter(package=package)}
    assert sorted(documents) == ["ar", "en", "fr"]
    assert package.content["languages"] == ["en", "fr", "ar"]
    for document in documents.values():
        data = document.file.read()
        assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
        assert data.startswith(b"%PDF-")
    assert len({d.sha256 for d in documents.values()}) == 3
    # The English document is still the package's own.
    package.refresh_from_db()
    assert (package.document.name, package.document_sha256) == (documents["en"].file.name, documents["en"].sha256)
    # The snapshot keeps each language's text, frozen: later edits change nothing.
    assert package.content["translations"]["fr"]["recommendations"][0]["title"] == "Désigner un point focal"
    assert package.content["recommendations"][0]["title"] == "Designate a focal point"


def test_the_arabic_pdf_is_right_to_left_with_an_embedded_arabic_font(package, tmp_path):
    path = tmp_path / "ar.pdf"
    path.write_bytes(PackageDocument.objects.get(package=package, language="ar").file.read())
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    text = " ".join(text.decode().split())
    # Logical order: the words come out as they are written, not reversed glyph by glyph.
    for phrase in (ARABIC_TITLE, ARABIC_OBSTACLE, ARABIC_RECOMMENDATION):
        assert phrase in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    arabic_fonts = [line for line in fonts.splitlines()[2:] if "Arab" in line.split()[0]]
    assert arabic_fonts, fonts
    # Columns: name type encoding emb sub uni object ID — every Arabic font is embedded.
    assert all(line.split()[-5] == "yes" for line in arabic_fonts), fonts

    html = _render(package, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="fr" dir="ltr">' in _render(package, "fr")


def _render(package, language):
    from django.template.loader import render_to_string

    with translation.override(language):
        context = services.package_document_context(package, package.content, package.published_at, language)
        return render_to_string(services.PDF_TEMPLATE, context)


def _delivery(package, iso2="KE", preferred_language="en"):
    user, contact = make_liaison(iso2)
    contact.preferred_language = preferred_language
    contact.save(update_fields=["preferred_language"])
    services.distribution_start(package=package)
    return user, Delivery.objects.get(package=package, contact=contact)


def test_the_liaison_reads_and_downloads_their_language_with_the_others_one_click_away(client, package):
    user, delivery = _delivery(package)
    client.force_login(user)
    documents = {d.language: d for d in PackageDocument.objects.filter(package=package)}

    client.cookies["django_language"] = "fr"  # chosen on this browser: wins over the contact's language
    with translation.override("fr"):
        page = client.get(reverse("recommendations:package_detail", args=[package.pk]))
        html = page.content.decode()
        assert "Recommandations de Lyon" in html and "Désigner un point focal" in html
        assert documents["fr"].sha256 in html
        for other in ("en", "ar"):
            url = reverse("recommendations:package_download_language", args=[package.pk, other])
            assert f'href="{url}" hreflang="{other}" lang="{other}"' in html

    download = client.get(reverse("recommendations:package_download", args=[package.pk]))
    assert b"".join(download.streaming_content) == documents["fr"].file.open("rb").read()
    assert download["Content-Disposition"].endswith(f'{package.language_filename("fr")}"')
    assert download["Cache-Control"] == "no-store"

    arabic = client.get(reverse("recommendations:package_download_language", args=[package.pk, "ar"]))
    assert hashlib.sha256(b"".join(arabic.streaming_content)).hexdigest() == documents["ar"].sha256
    assert client.get(reverse("recommendations:package_download_language", args=[package.pk, "es"])).status_code == 404


def test_a_language_without_a_document_falls_back_to_english_with_a_note(client, package):
    user, _delivery_ = _delivery(package)
    client.force_login(user)
    client.cookies["django_language"] = "es"
    html = client.get(reverse("recommendations:package_detail", args=[package.pk])).content.decode()
    assert '<h1 class="h3" lang="en" dir="ltr">Lyon recommendations</h1>' in html
    assert "content-untranslated" in html  # the discreet "not yet translated" note
    download = client.get(reverse("recommendations:package_download", args=[package.pk]))
    assert download["Content-Disposition"].endswith(f'{package.download_filename}"')


def test_the_email_link_serves_the_contacts_language(client, package):
    _user, delivery = _delivery(package, preferred_language="ar")
    token = services.delivery_link_token(delivery.pk)
    download = client.get(reverse("recommendations:link_download", args=[token]))
    expected = PackageDocument.objects.get(package=package, language="ar")
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == expected.sha256
    english = client.get(reverse("recommendations:link_download_language", args=[token, "en"]))
    assert english["Content-Disposition"].endswith(f'{package.download_filename}"')
    assert client.get(reverse("recommendations:link_download_language", args=[token, "es"])).status_code == 404


def test_a_new_version_keeps_every_translation(package):
    draft = services.package_new_version(package=package)
    assert (draft.title_ar, draft.summary_fr, draft.title_es) == (
        ARABIC_TITLE,
        "Ce qui a été constaté.",
        package.title_es,
    )


@pytest.mark.parametrize(("language", "title", "document"), [("ar", ARABIC_TITLE, "ar"), ("es", None, "en")])
def test_the_distribution_email_shows_the_title_and_checksum_of_the_document_its_link_serves(
    package, language, title, document
):
    from recommendations.services.delivery import ClaimedDelivery, _package_facts, delivery_email

    _user, delivery = _delivery(package, preferred_language=language)
    row = ClaimedDelivery(delivery.pk, delivery.distribution_id, package.pk, delivery.email, language, 1, "Liaison")
    message = delivery_email(row, _package_facts({package.pk})[package.pk])

    expected = PackageDocument.objects.get(package=package, language=document)
    assert expected.sha256 in message.body
    other = PackageDocument.objects.exclude(language=document).filter(package=package).first()
    assert other.sha256 not in message.body
    # Spanish has no document (one text missing): the English one is linked, with its title and checksum.
    assert (title or package.title_en) in message.subject
