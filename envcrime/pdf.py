"""HTML-to-PDF rendering with WeasyPrint, for documents the portal generates.

Fonts come from the system (DejaVu on Debian); static assets (logos, CSS) are read from the
project's `static/` folder through `file://` URLs — never from the network.
"""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy import: only when a document is rendered

    html = render_to_string(template_name, context)
    base_url = (settings.BASE_DIR / "static").as_uri() + "/"
    return HTML(string=html, base_url=base_url).write_pdf()
