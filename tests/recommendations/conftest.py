import pytest


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Package documents are written under a per-test folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_worker_connection():
    """Tasks run in this process (eager mode, captured on-commit callbacks: deliveries and reminders)
    keep the email connection of `recommendations.tasks.worker_connection` open, as a worker child does.
    Each test has its own SMTP server (or the in-memory backend): a connection left open would hand the
    next test's messages to a server that has stopped."""
    from recommendations import tasks

    tasks.worker_connection.reset()
    yield
    tasks.worker_connection.reset()
