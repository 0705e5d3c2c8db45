import pytest

from recommendations import tasks


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    """Reminders sent in this process (eager tasks) reuse the worker's SMTP connection, like deliveries.

    Each test has its own SMTP server: a connection left open to this test's server must not be
    reused by the next test, which would send into a server that has stopped.
    """
    tasks.worker_connection.reset()
    yield
    tasks.worker_connection.reset()
