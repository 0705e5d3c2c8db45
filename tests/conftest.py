"""Shared fixtures, one module per topic under tests/fixtures/:

- environment: PostgreSQL and Redis required, a fast password hasher, an empty cache and eager
  Celery tasks in every test;
- data: `migration_data` (member countries and role groups in transactional tests);
- smtp: `smtp_server`, a real SMTP server (aiosmtpd) that Django's SMTP backend points at;
- worker: `celery_worker`, real `celery -A envcrime worker` processes;
- browser: headless Chromium (`browser`, `page`, `browser_problems`, `screenshot()`);
- parallel: each pytest-xdist worker gets its own Redis databases.

Tests run on PostgreSQL and Redis (`make test` sets DATABASE_URL, REDIS_URL and CACHE_URL).
By default Celery tasks run eagerly in the test process; a test that needs the real thing asks
for the `celery_worker` fixture, which starts `celery -A envcrime worker` as a separate process
against the test database, Redis and the `smtp_server` fixture.
"""

import pytest

# The re-exports below import fixture modules before `pytest_plugins` registers them as plugins:
# have their asserts rewritten all the same (pytest warns otherwise).
pytest.register_assert_rewrite("tests.fixtures")

from tests.fixtures import PROJECT_DIR  # noqa: E402
from tests.fixtures.browser import screenshot  # noqa: E402
from tests.fixtures.data import database_url as _database_url  # noqa: E402

pytest_plugins = [
    "tests.fixtures.environment",
    "tests.fixtures.parallel",
    "tests.fixtures.data",
    "tests.fixtures.smtp",
    "tests.fixtures.worker",
    "tests.fixtures.browser",
]

# Tests written before the split import these from here.
__all__ = ["PROJECT_DIR", "_database_url", "screenshot"]
