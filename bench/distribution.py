"""Distribution benchmark (not a test): real PostgreSQL, Redis, Celery worker processes, a local SMTP sink.

    python bench/distribution.py            # 190 contacts, then 10,000
    python bench/distribution.py --quick    # 190 only
    python bench/distribution.py --concurrency 4 --conn-max-age 60

It creates (drops first) the database `envcrime_bench` on the PostgreSQL of DATABASE_URL (default the
local server), uses Redis database 11, starts a counting SMTP sink on a loopback port and
`celery -A envcrime worker --concurrency=N`, then for each size publishes one package (the PDF is
rendered once, by the publish step, never by the workers), distributes it, and prints:

- wall time from `distribution_start` to the last delivery marked sent, and deliveries per second;
- database queries per delivery: exact, counted in this process with CaptureQueriesContext around
  `delivery_send` for a sample of extra deliveries (the same service the task calls); and, across
  the real run, PostgreSQL transactions committed in the benchmark database per delivery
  (`pg_stat_database.xact_commit`; the workers run in autocommit, so one statement is one
  transaction: an upper bound that also counts Celery's and this script's own polling);
- peak worker memory: RSS of the worker's pool processes (and of the main process), sampled from
  /proc every 100 ms; for 10,000 it also prints the pool RSS after the first 10% and at the end, to
  show it stays flat;
- the floor: the same messages (same templates, same signed links) built and sent by this one
  process over one SMTP connection to the same sink, and the ratio wall time / floor.

10,000 contacts: a distribution addresses one primary contact per member country and ISO codes
allow at most 676 countries, so the benchmark adds 10,000 synthetic, non-primary contacts spread
over the 190 member countries and passes them to `distribution_start(addressed=...)` — every
other step is the production code path.
"""

import argparse
import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

BENCH_DB = "envcrime_bench"
BENCH_REDIS = "redis://127.0.0.1:6379/11"


class CountingHandler:
    """The quickest sink: accept everything, count messages in a counter shared with the benchmark."""

    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 OK"


def serve_sink(port: int, counter, ready) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(CountingHandler(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    threading.Event().wait()


class Sink:
    """The SMTP sink runs in its own process: in this one, the polling and sampling threads would
    make it wait for the GIL on every SMTP round trip and slow the workers down."""

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.port = free_port()
        self.counter = context.Value("q", 0)
        ready = context.Event()
        self.process = context.Process(target=serve_sink, args=(self.port, self.counter, ready), daemon=True)
        self.process.start()
        if not ready.wait(10):
            sys.exit("the SMTP sink did not start")

    @property
    def count(self) -> int:
        return self.counter.value

    def stop(self):
        self.process.terminate()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(base_url: str) -> str:
    import psycopg2

    parsed = urlparse(base_url)
    admin = psycopg2.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    return urlunparse(parsed._replace(path=f"/{BENCH_DB}"))


class RSSSampler(threading.Thread):
    """Peak resident memory of a process tree, from /proc, every 100 ms."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_child_kib = 0
        self.peak_main_kib = 0
        self.current_child_kib = 0
        self.running = True

    @staticmethod
    def _children(pid: int) -> list[int]:
        children = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                children += [int(c) for c in (task / "children").read_text().split()]
        return children

    @staticmethod
    def _rss_kib(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def sample(self):
        self.peak_main_kib = max(self.peak_main_kib, self._rss_kib(self.root_pid))
        children = self._children(self.root_pid)
        sizes = [self._rss_kib(pid) for pid in children]
        self.current_child_kib = max(sizes, default=0)
        self.peak_child_kib = max(self.peak_child_kib, self.current_child_kib)

    def run(self):
        while self.running:
            self.sample()
            time.sleep(0.1)

    def reset(self):
        self.peak_child_kib = self.peak_main_kib = 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="190 contacts only")
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes (default 2)")
    parser.add_argument("--large", type=int, default=10_000, help="size of the large run (default 10,000)")
    parser.add_argument("--conn-max-age", type=int, default=None, help="CONN_MAX_AGE for the workers")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/envcrime")
    if not base_url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    database_url = prepare_database(base_url)

    handler = Sink()
    smtp_port = handler.port

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": BENCH_REDIS,
        "CACHE_URL": BENCH_REDIS,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        # As in production: DEBUG off (cached templates, no query log).
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if args.conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(args.conn_max_age)
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL", "DEBUG", "SECRET_KEY")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envcrime.settings")

    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    import redis
    from django.core.management import call_command

    print(f"database {BENCH_DB}: migrating…", flush=True)
    call_command("migrate", verbosity=0)
    redis.Redis.from_url(BENCH_REDIS).flushdb()

    log_path = PROJECT_DIR / "bench" / "results" / "worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "envcrime",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={args.concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname=bench@%h",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sampler = RSSSampler(worker.pid)
    try:
        wait_for_pool(worker, args.concurrency)
        sampler.start()
        sizes = [190] if args.quick else [190, args.large]
        results = [run(size, handler, sampler, args.concurrency) for size in sizes]
    finally:
        sampler.running = False
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        handler.stop()
    print()
    print(
        f"{'contacts':>9} {'wall s':>8} {'deliv/s':>8} {'floor s':>8} {'ratio':>6} {'queries':>8} "
        f"{'xact/dlv':>8} {'pool RSS MiB':>12} {'main MiB':>9}"
    )
    for r in results:
        print(
            f"{r['size']:>9} {r['wall']:>8.2f} {r['rate']:>8.0f} {r['floor']:>8.2f} {r['ratio']:>6.2f} "
            f"{r['queries']:>8} {r['xact_per_delivery']:>8.2f} {r['peak_child_mib']:>12.1f} {r['peak_main_mib']:>9.1f}"
        )


def wait_for_pool(worker, concurrency: int, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            sys.exit(f"the worker exited early; see {PROJECT_DIR / 'bench/results/worker.log'}")
        if len(RSSSampler._children(worker.pid)) >= concurrency:
            time.sleep(1.0)  # let the consumer connect to the broker
            return
        time.sleep(0.2)
    sys.exit("the worker pool did not start")


def xact_commit() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def run(size: int, handler: "Sink", sampler: RSSSampler, concurrency: int) -> dict:
    import datetime

    from django.core.mail import get_connection
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    import envcrime.pdf
    from meetings.models import Visit
    from programmes.models import Contact, MemberCountry, Programme
    from recommendations import services
    from recommendations.models import Delivery, Recommendation, RecommendationPackage

    print(f"\n--- {size} contacts", flush=True)
    programme, _ = Programme.objects.get_or_create(slug="environmental-crime", defaults={"name": "EnvCrime"})
    today = timezone.localdate()
    visit = Visit.objects.create(
        programme=programme,
        title=f"Benchmark visit {size}",
        slug=f"bench-{size}-{time.time_ns()}",
        venue="General Secretariat",
        city="Lyon",
        start_date=today,
        end_date=today + datetime.timedelta(days=3),
        capacity=16,
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    for number in range(1, 9):
        Recommendation.objects.create(visit=visit, number=number, title=f"Recommendation {number}", text="Do it.")
    renders = []
    original_render = envcrime.pdf.render_pdf
    services.render_pdf = lambda *a, **k: renders.append(1) or original_render(*a, **k)
    package = services.package_publish(
        package=RecommendationPackage.objects.create(visit=visit, version=1, title=f"Benchmark package {size}"),
        by=None,
    )
    services.render_pdf = original_render

    countries = list(MemberCountry.objects.active().order_by("pk"))
    Contact.objects.filter(email__endswith="@bench.invalid").update(is_active=False)
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                name=f"Liaison {i}",
                email=f"liaison{i}-{size}@bench.invalid",
                member_country=countries[i % len(countries)],
                is_primary=False,
                is_active=True,
            )
            for i in range(size)
        ],
        batch_size=2000,
    )
    addressed = Contact.objects.filter(pk__in=[c.pk for c in contacts])
    sent_before = handler.count
    sampler.reset()
    xact_before = xact_commit()

    started_at = time.perf_counter()
    started = services.distribution_start(package=package, addressed=addressed)
    enqueued_at = time.perf_counter()
    mid_rss = None
    polls = 0
    while True:
        polls += 1
        done = Delivery.objects.filter(distribution=started.distribution, status="sent").count()
        if mid_rss is None and done >= size // 10:
            mid_rss = sampler.current_child_kib
        if done == size:
            break
        time.sleep(0.05)
    wall = time.perf_counter() - started_at
    xact_after = xact_commit()
    sampler.sample()
    end_rss = sampler.current_child_kib
    assert handler.count - sent_before == size, (handler.count - sent_before, size)

    # Exact queries of one delivery, in this process, on extra deliveries of the same package.
    extra = Contact.objects.bulk_create(
        [
            Contact(name=f"Sample {i}", email=f"sample{i}-{size}@bench.invalid", member_country=countries[i])
            for i in range(3)
        ]
    )
    # Rows made directly, not enqueued: the running workers must not take them first.
    samples = Delivery.objects.bulk_create(
        [
            Delivery(
                distribution=started.distribution,
                package=package,
                contact=contact,
                member_country_id=contact.member_country_id,
                email=contact.email,
            )
            for contact in extra
        ]
    )
    counts = []
    smtp = get_connection()
    smtp.open()
    for delivery_id in [d.pk for d in samples]:
        with CaptureQueriesContext(connection) as queries:
            services.delivery_send(delivery_id=delivery_id, open_connection=lambda: smtp)
        counts.append(len(queries))
    smtp.close()

    # The floor: the same messages, built and sent by one process over one SMTP connection.
    deliveries = list(
        Delivery.objects.filter(distribution=started.distribution).select_related("package__visit", "contact")
    )
    floor_started = time.perf_counter()
    smtp = get_connection()
    smtp.open()
    for delivery in deliveries:
        from envcrime.emails import build_templated_email

        build_templated_email(
            to=[delivery.email],
            template_prefix=services.EMAIL_TEMPLATE_PREFIX,
            context={
                "delivery": delivery,
                "package": delivery.package,
                "visit": delivery.package.visit,
                "contact": delivery.contact,
                "link": services.delivery_link_url(delivery.pk),
                "link_max_age_days": 30,
            },
            language=delivery.language,
            connection=smtp,
        ).send(fail_silently=False)
    smtp.close()
    floor = time.perf_counter() - floor_started

    result = {
        "size": size,
        "wall": wall,
        "rate": size / wall,
        "floor": floor,
        "ratio": wall / floor,
        "queries": "/".join(str(c) for c in counts),
        "xact_per_delivery": (xact_after - xact_before) / size,
        "peak_child_mib": sampler.peak_child_kib / 1024,
        "peak_main_mib": sampler.peak_main_kib / 1024,
    }
    print(
        f"wall {wall:.2f} s (enqueue {enqueued_at - started_at:.2f} s), {result['rate']:.0f} deliveries/s; "
        f"floor {floor:.2f} s ({size / floor:.0f}/s), ratio {result['ratio']:.2f}"
    )
    print(
        f"queries per delivery (in-process sample): {result['queries']}; committed transactions per delivery "
        f"across the run: {result['xact_per_delivery']:.2f} (incl. {polls} progress polls)"
    )
    print(
        f"peak RSS: pool process {result['peak_child_mib']:.1f} MiB, worker main {result['peak_main_mib']:.1f} MiB; "
        f"pool RSS at 10%: {(mid_rss or 0) / 1024:.1f} MiB, at end: {end_rss / 1024:.1f} MiB"
    )
    print(f"document renders: {len(renders)} (at publish; {package.document_size} bytes), none by the workers")
    return result


if __name__ == "__main__":
    main()
