"""HTML-to-PDF rendering with WeasyPrint, for documents the portal generates.

Fonts come from the system (DejaVu on Debian); stylesheets and images are read from the
project's `static/` folder through `file://` URLs. Nothing else is fetched: no network (a URL
slipped into a document must not make the server call out) and no other file on the disk.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string


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
    from weasyprint import HTML  # heavy import: only when a document is rendered

    html = render_to_string(template_name, context)
    base_url = _static_root().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=_static_only_fetcher()).write_pdf()
