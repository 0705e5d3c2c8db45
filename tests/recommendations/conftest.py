import pytest


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Package documents are written under a per-test folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_worker_connection():
    """Tasks run in this process (eager mode, captured on-commit callbacks) keep the email connection
    of `recommendations.tasks.worker_connection` open, as a worker child does. A test using the
    in-memory backend would otherwise hand its connection to the next test, whose messages then never
    reach that test's SMTP server."""
    yield
    from recommendations import tasks

    tasks.worker_connection.reset()
