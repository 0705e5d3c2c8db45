"""Subjects and text bodies are plain text: `&` and `<` in a title stay as they are."""

import pytest

from recommendations import services
from tests.factories import make_liaison
from tests.recommendations.factories import published_package

pytestmark = pytest.mark.django_db


def test_the_distribution_email_does_not_escape_a_title_in_its_subject_and_text(
    settings, tmp_path, smtp_server, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    _user, contact = make_liaison("KE")
    package = published_package(title="Rivers & <Forests>")
    with django_capture_on_commit_callbacks(execute=True):
        services.distribution_start(package=package)
    (message,) = smtp_server.messages_to(contact.email)
    assert "Rivers & <Forests>" in message.subject
    assert "Rivers & <Forests>" in message.text()
    assert "Rivers &amp; &lt;Forests&gt;" in message.html(), "HTML stays escaped"
