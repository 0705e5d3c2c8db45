import http.server
import threading

import pytest
from django.template import engines

from envcrime import pdf


@pytest.fixture
def probe_server():
    """A local HTTP server that records every request it gets."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], requests
    server.shutdown()


def render_string(monkeypatch, html: str) -> bytes:
    template = engines["django"].from_string(html)
    monkeypatch.setattr(pdf, "render_to_string", lambda name, context: template.render(context))
    return pdf.render_pdf("inline", {})


def test_documents_never_fetch_network_urls_or_files_outside_static(monkeypatch, probe_server, tmp_path):
    port, requests = probe_server
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    document = render_string(
        monkeypatch,
        f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="http://127.0.0.1:{port}/probe.png"><p>Hello</p>',
    )
    assert document.startswith(b"%PDF")
    assert requests == []


def test_documents_still_read_the_portal_static_files(monkeypatch):
    fetched = []
    original = pdf._static_only_fetcher

    def recording_fetcher():
        fetcher = original()
        fetch = fetcher.fetch

        def recording(url, headers=None):
            fetched.append(url)
            return fetch(url, headers)

        fetcher.fetch = recording
        return fetcher

    monkeypatch.setattr(pdf, "_static_only_fetcher", recording_fetcher)
    document = render_string(monkeypatch, '<link rel="stylesheet" href="recommendations/package-pdf.css"><p>Hi</p>')
    assert document.startswith(b"%PDF")
    # The document's stylesheet, and the vendored fonts of the shared PDF stylesheet (envcrime/pdf.py).
    assert [url for url in fetched if url.endswith(".css")] == [fetched[-1]]
    assert fetched[-1].endswith("/static/recommendations/package-pdf.css")
    assert all("/static/fonts/" in url for url in fetched[:-1])
