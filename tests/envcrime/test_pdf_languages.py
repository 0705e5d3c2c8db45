"""PDFs in every language: tagged (PDF/UA-1) with the document's language, vendored fonts embedded,
Arabic shaped and extracted in logical order (poppler's pdftotext and pdffonts)."""

import io
import subprocess

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from envcrime import pdf
from meetings.documents import build_visa_letter
from tests.factories import RegistrationFactory

ARABIC_TEXT = "التعاون في مكافحة الجرائم البيئية"


def pdftotext(document: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(document)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdffonts(document: bytes, tmp_path) -> list[dict]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(document)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout.splitlines()
    # name type encoding emb sub uni object ID: the name is the first column, "emb" the third from the end.
    return [{"name": line.split()[0], "embedded": line.split()[-5] == "yes"} for line in lines[2:]]


def has_arabic_font(fonts: list[dict]) -> bool:
    """pdffonts names a subset "ABCDEF+Noto-Naskh-Arabic": an embedded font with the Arabic glyphs."""
    return any("NotoNaskhArabic" in font["name"].replace("-", "") and font["embedded"] for font in fonts)


def catalog(document: bytes):
    return PdfReader(io.BytesIO(document)).trailer["/Root"]


def test_an_arabic_document_is_extracted_in_logical_order_with_an_embedded_arabic_font(tmp_path):
    document = pdf.html_to_pdf(f'<html lang="ar" dir="rtl"><body><h1>{ARABIC_TEXT}</h1><p>Lyon 2013</p></body></html>')

    text = pdftotext(document, tmp_path)
    assert ARABIC_TEXT in " ".join(text.split())
    fonts = pdffonts(document, tmp_path)
    assert has_arabic_font(fonts), fonts
    assert all(font["embedded"] for font in fonts), "no font left to the reader's machine"


def test_every_pdf_is_tagged_with_its_language(tmp_path):
    for language in ("en", "fr", "es", "ar"):
        document = pdf.html_to_pdf(f'<html lang="{language}"><body><p>Lyon</p></body></html>')
        root = catalog(document)
        assert root["/Lang"] == language
        assert bool(root["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in root
        assert all(font["embedded"] for font in pdffonts(document, tmp_path))


def test_arabic_passages_in_a_latin_document_get_the_arabic_font(tmp_path):
    document = pdf.html_to_pdf(
        f'<html lang="en"><body><p>Title: <span lang="ar">{ARABIC_TEXT}</span></p></body></html>'
    )

    assert ARABIC_TEXT in " ".join(pdftotext(document, tmp_path).split())
    assert has_arabic_font(pdffonts(document, tmp_path))


@pytest.mark.django_db
def test_the_arabic_visa_letter_is_right_to_left_arabic_text_in_an_arabic_font(tmp_path):
    registration = RegistrationFactory(
        language="ar", needs_visa_letter=True, nationality="Kenyan", passport_number="AK123456", full_name="Grace"
    )

    document = build_visa_letter(registration)

    root = catalog(document)
    assert root["/Lang"] == "ar"
    text = " ".join(pdftotext(document, tmp_path).split())
    with translation.override("ar"):
        full_name_label = gettext("Full name")
    assert full_name_label != "Full name", "the Arabic catalog translates the letter"
    assert full_name_label in text
    assert "Grace" in text and "AK123456" in text
    assert has_arabic_font(pdffonts(document, tmp_path))
