"""Shared fixtures: real SMTP server, real Celery worker processes, headless Chromium.

Tests run on PostgreSQL and Redis (`make test` sets DATABASE_URL, REDIS_URL and CACHE_URL).
By default Celery tasks run eagerly in the test process; a test that needs the real thing asks
for the `celery_worker` fixture, which starts `celery -A envcrime worker` as a separate process
against the test database, Redis and the `smtp_server` fixture.
"""

import importlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from aiosmtpd.controller import Controller
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache

from envcrime.celery import app as celery_app

PROJECT_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"


def pytest_configure(config):
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise pytest.UsageError("The tests run on PostgreSQL: use `make test` or set DATABASE_URL.")
    if not settings.REDIS_URL:
        raise pytest.UsageError("The tests need Redis: use `make test` or set REDIS_URL.")


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks():
    """Each test starts with an empty cache (allauth's rate limits live there) and eager tasks."""
    cache.clear()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _uses_transactional_db(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server", "celery_worker"} & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture
def migration_data(transactional_db):
    """The member countries and role groups that data migrations load, present in a transactional test.

    A transactional test ends by flushing every table, data-migration rows included; the next
    transactional test would find no member countries. `serialized_rollback` restores them only when
    pytest-django serialized the database at creation, which depends on which tests were collected.
    Loading them again is idempotent (ignore_conflicts / get_or_create) and cheap.
    """
    migration = importlib.import_module("programmes.migrations.0002_load_member_countries_and_roles")
    migration.load_member_countries(django_apps, None)
    migration.create_role_groups(django_apps, None)


@pytest.fixture(autouse=True)
def _migration_data_in_transactional_tests(request):
    if _uses_transactional_db(request):
        request.getfixturevalue("migration_data")


# --- A real SMTP server ---------------------------------------------------------------------------


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""

    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())


@dataclass
class RecordingHandler:
    """aiosmtpd handler that keeps every message and can refuse chosen recipients.

    `refuse(address, times=n)` answers 451 (a transient failure) to the next n RCPT TO commands
    for that address; times=None refuses for good.
    """

    messages: list[ReceivedMessage] = field(default_factory=list)
    refusals: dict[str, int | None] = field(default_factory=dict)
    refusal_code: str = "451 4.3.0 Mailbox temporarily unavailable"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, address: str, times: int | None = None, code: str | None = None):
        with self.lock:
            self.refusals[address.lower()] = times
            if code:
                self.refusal_code = code

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            key = address.lower()
            if key in self.refusals:
                remaining = self.refusals[key]
                if remaining is None:
                    return self.refusal_code
                if remaining > 0:
                    self.refusals[key] = remaining - 1
                    return self.refusal_code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(ReceivedMessage(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@dataclass
class SMTPServer:
    host: str
    port: int
    handler: RecordingHandler

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def refuse(self, address: str, times: int | None = None, code: str | None = None):
        self.handler.refuse(address, times, code)

    def messages_to(self, address: str) -> list[ReceivedMessage]:
        return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[ReceivedMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages, the SMTP server received {len(self.messages)}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a loopback port; Django's SMTP backend in this process points at it."""
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield SMTPServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


# --- A real Celery worker -------------------------------------------------------------------------


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`celery -A envcrime worker` in its own process group, so SIGKILL takes its children too."""

    def __init__(self, env: dict[str, str], log_path: Path, concurrency: int, beat: bool):
        self.env = env
        self.log_path = log_path
        self.concurrency = concurrency
        self.beat = beat
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60.0):
        self.starts += 1
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "envcrime",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={self.concurrency}",
            f"--hostname=test-worker-{os.getpid()}-{self.starts}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if self.beat:
            command += ["--beat", f"--schedule={self.log_path.parent / 'celerybeat-schedule'}"]
        log = self.log_path.open("ab")
        log.write(f"\n--- start {self.starts}\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_ready(timeout)

    def _wait_until_ready(self, timeout: float):
        marker = f"--- start {self.starts}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log_path.read_text(errors="replace")
            if "ready." in text.split(marker, 1)[-1]:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited early:\n{text[-4000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"the Celery worker did not become ready:\n{self.log_text()[-4000:]}")

    def kill(self):
        """SIGKILL the worker and its pool processes: no warm shutdown, nothing acknowledged."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def celery_worker(transactional_db, smtp_server, tmp_path, request):
    """Start a real worker process (call it: `worker = celery_worker(concurrency=2, beat=True, env={...})`).

    The worker uses the test database, the test Redis broker and the `smtp_server` fixture. The
    broker's queue is purged first so no message of an earlier test is run. Tasks enqueued by the
    test are no longer eager while the worker fixture is in use.
    """
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    celery_app.conf.task_always_eager = False
    workers: list[WorkerProcess] = []

    def start(concurrency: int = 2, beat: bool = False, env: dict[str, str] | None = None) -> WorkerProcess:
        worker_env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "CACHE_URL": settings.CACHE_URL,
            "EMAIL_URL": smtp_server.url,
            "SITE_URL": settings.SITE_URL,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        worker = WorkerProcess(worker_env, tmp_path / f"worker-{len(workers)}.log", concurrency, beat)
        workers.append(worker)
        worker.start()
        return worker

    yield start

    for worker in workers:
        worker.stop()
    celery_app.conf.task_always_eager = True
    broker.flushdb()
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        for worker in workers:
            print(f"--- worker log {worker.log_path}\n{worker.log_text()[-6000:]}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so fixtures can print logs when a test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- Headless Chromium through Playwright ---------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}: .ci/run installs it with apt-get.")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (setting up data, checking results) are still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; `screenshot(name)` keeps a full-page PNG under test-artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "rep_call", None) and request.node.rep_call.failed
    if failed:
        screenshot(page, f"FAILED-{request.node.name}")
    context.close()


@pytest.fixture
def browser_problems(page):
    """Console errors (CSP violations among them), uncaught exceptions and failed requests of `page`.

    A browser asks for /favicon.ico on pages without a favicon link (the Django admin's): ignored.
    """
    problems = []

    def on_console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} ({message.location.get('url')})")

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", on_response)
    return problems


def screenshot(page, name: str) -> Path:
    directory = ARTIFACTS_DIR / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
