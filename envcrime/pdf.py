"""HTML-to-PDF rendering with WeasyPrint, for every document the portal generates.

Every PDF is tagged (PDF/UA-1: structure, reading order, the document's language from `<html lang>`)
and gets static/css/pdf-fonts.css: anything in Arabic is set in the vendored Noto Naskh Arabic (with
Noto Sans for Latin words; static/fonts), shaped by Pango/HarfBuzz, so Arabic documents are right to
left with joined letters whatever fonts the server has. Templates set `lang` and `dir` on `<html>` from the active
language (render under `translation.override(language)`).

Stylesheets, fonts and images are read from the project's `static/` folder through `file://` URLs.
Nothing else is fetched: no network (a URL slipped into a document must not make the server call out)
and no other file on the disk.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"
FONTS_STYLESHEET = "css/pdf-fonts.css"


def _static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def _static_only_fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnlyURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not path.is_relative_to(_static_root()):
                raise ValueError(f"documents may only use the portal's static files, not {url}")
            return super().fetch(url, headers)

    return StaticOnlyURLFetcher(allowed_protocols=("file", "data"))


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy import: only when a document is rendered
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _static_only_fetcher()
    font_config = FontConfiguration()
    fonts = CSS(filename=str(_static_root() / FONTS_STYLESHEET), url_fetcher=fetcher, font_config=font_config)
    base_url = _static_root().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[fonts], font_config=font_config, pdf_variant=PDF_VARIANT
    )
