"""Follow-up benchmark (not a test): the staff dashboard, the matrix exports and one reminder round,
on real PostgreSQL, Redis, Celery worker processes and a local SMTP sink.

    python bench/followup.py
    python bench/followup.py --repeat 20 --concurrency 4

It creates (drops first) the database `envcrime_bench_followup` on the PostgreSQL of DATABASE_URL,
uses Redis database 12 of REDIS_URL's server, builds the follow-up of one package at full size (196
member countries × 20 recommendations × 3 reporting cycles, the data of the dashboard's pinned query
counts: tests/recommendations/dashboard/bulk.py) and prints:

- the dashboard's server time for the overdue cycle: median (and min/max) of N requests through
  Django's test client in this process (DEBUG off, cached templates), after one warm-up request, each
  rendered (the page cache forgotten before it), and its exact number of database queries; then the
  same page from the page cache;
- the time to export the full country × recommendation matrix as CSV and as XLSX, and to render
  the implementation report PDF (same views, same client);
- one reminder round: `reminders_plan` (what beat runs) creates the round's rows and enqueues them,
  `celery -A envcrime worker` sends them to the sink; wall time from the call to the last row marked
  sent. The floor, measured in the same run: the same messages, rendered beforehand to bytes, sent
  by this one process over one SMTP connection to the same sink. The ratio shows what the outbox
  (claims, row updates, the broker) costs over the bare SMTP exchange.
"""

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from databases import bench_database, postgres_url  # noqa: E402  (the benchmarks' own databases)
from databases import redis_url as bench_redis  # noqa: E402
from distribution import Sink, wait_for_pool  # noqa: E402  (the same sink and pool wait as the distribution bench)

BENCH_DB = "envcrime_bench_followup"
BENCH_REDIS_DB = 12


def timed(call, repeat: int, *, before=None) -> list[float]:
    """`repeat` timings of `call()`; `before()`, untimed, ahead of each."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def staff_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.test import Client

    user = get_user_model().objects.create_user(
        username="bench-staff", email="bench-staff@bench.invalid", password=secrets.token_urlsafe(), is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recommendations", codename__in=["view_reportingcycle", "add_reminder"]
        )
    )
    client = Client()
    client.force_login(user)
    return client, user


def get_ok(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}")
    return response


class QueryCounter:
    """Every statement this process sends, counted at the cursor (DEBUG off keeps no query log)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def queries_of(call) -> int:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        call()
    return counter.count


def measure_dashboard(client, cycle, repeat: int) -> dict:
    from django.urls import reverse

    from envcrime.caching import forget_cached_pages

    url = f"{reverse('dashboard:index')}?cycle={cycle.pk}"
    get_ok(client, url)  # warm-up: template loading, the first connection, the ISO mapping
    forget_cached_pages()
    queries = {"dashboard": queries_of(lambda: get_ok(client, url))}
    queries["dashboard cached"] = queries_of(lambda: get_ok(client, url))
    # Rendered: the page cache (envcrime.caching) forgotten before each request.
    times = timed(lambda: get_ok(client, url), repeat, before=forget_cached_pages)
    cached = timed(lambda: get_ok(client, url), repeat)
    exports = {}
    for fmt in ("csv", "xlsx"):
        export_url = f"{reverse(f'dashboard:matrix_{fmt}')}?cycle={cycle.pk}"
        queries[fmt] = queries_of(lambda u=export_url: get_ok(client, u))
        exports[fmt] = statistics.median(timed(lambda u=export_url: get_ok(client, u).content, 3))
    pdf_url = f"{reverse('dashboard:report_pdf')}?cycle={cycle.pk}"
    started = time.perf_counter()
    pdf = get_ok(client, pdf_url).content
    exports["pdf"] = time.perf_counter() - started
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "cached median": statistics.median(cached),
        "queries": queries,
        "exports": exports,
        "pdf_bytes": len(pdf),
    }


def start_worker(env: dict, concurrency: int) -> subprocess.Popen:
    log_path = PROJECT_DIR / "bench" / "results" / "followup-worker.log"
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
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname=bench-followup@%h",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_for_pool(worker, concurrency)
    return worker


def measure_reminder_round(sink: Sink, smtp_port: int) -> dict | None:
    """One beat round through the workers, then the floor: the same messages as bytes over one connection."""
    try:
        from recommendations.services import reminders
    except ImportError:
        return None
    import smtplib

    from django.conf import settings
    from django.core.mail import get_connection
    from django.utils import timezone

    from recommendations.models import Reminder

    sent_before = sink.count
    round_started_at = timezone.now()
    started = time.perf_counter()
    created = reminders.reminders_plan(now=round_started_at)
    planned = time.perf_counter() - started
    round_reminders = Reminder.objects.filter(created_at__gte=round_started_at)
    deadline = time.monotonic() + 600
    while round_reminders.filter(status__in=[Reminder.Status.QUEUED, Reminder.Status.SENDING]).exists():
        if time.monotonic() > deadline:
            sys.exit("the reminder round did not finish within 10 minutes")
        time.sleep(0.02)
    wall = time.perf_counter() - started
    round_rows = list(
        round_reminders.filter(status=Reminder.Status.SENT).select_related(
            "cycle__package", "delivery__package", "member_country", "contact"
        )
    )
    failed = round_reminders.filter(status=Reminder.Status.FAILED).count()
    attempts = sum(round_reminders.values_list("attempts", flat=True))

    # The floor: the round's messages rendered first (not timed), then sent as bytes.
    from envcrime.emails import build_templated_email

    connection = get_connection()  # only to build messages; nothing is sent through it
    messages = []
    for reminder in round_rows:
        cycle = reminder.cycle
        message = build_templated_email(
            to=[reminder.email],
            template_prefix=f"recommendations/email/followup_{reminder.kind}",
            context={
                "reminder": reminder,
                "cycle": cycle,
                "package": cycle.package if cycle else reminder.delivery.package,
                "country": reminder.member_country,
                "contact": reminder.contact,
                "link": settings.SITE_URL + "/",
            },
            language=reminder.language,
            connection=connection,
        )
        messages.append((message.from_email, message.recipients(), message.message().as_bytes(linesep="\r\n")))
    floor_started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for sender, recipients, data in messages:
            smtp.sendmail(sender, recipients, data)
    floor = time.perf_counter() - floor_started
    return {
        "created": created,
        "sent": sink.count - sent_before - len(messages),
        "failed": failed,
        "wall": wall,
        "planned": planned,
        "attempts": attempts,
        "floor": floor,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="dashboard requests timed (default 20)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes (default 2)")
    parser.add_argument("--conn-max-age", type=int, default=None, help="CONN_MAX_AGE for the workers")
    args = parser.parse_args()

    database_url, _reused = bench_database(postgres_url(), BENCH_DB)
    redis_url = bench_redis(BENCH_REDIS_DB)
    sink = Sink()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        # The test client's host; the dashboard's second-factor rule is the admin's and not measured here.
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "REQUIRE_STAFF_MFA": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if args.conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(args.conn_max_age)
    os.environ.update({key: env[key] for key in env if key not in ("PYTHONUNBUFFERED",)})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envcrime.settings")

    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    import redis
    from django.conf import settings
    from django.core.management import call_command

    from tests.recommendations.dashboard.bulk import build_followup_data

    print(f"database {BENCH_DB}: migrating…", flush=True)
    call_command("migrate", verbosity=0)
    # As in production: hashed, compressed static files from a manifest (into a scratch folder).
    static_root = tempfile.mkdtemp(prefix="envcrime-bench-static-")
    settings.STATIC_ROOT = static_root
    call_command("collectstatic", "--noinput", verbosity=0)
    redis.Redis.from_url(redis_url).flushdb()
    started = time.perf_counter()
    data = build_followup_data()
    print(
        f"data: {len(data.countries)} countries × {len(data.recommendations)} recommendations × "
        f"{len(data.cycles)} cycles, built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    client, _user = staff_client()
    overdue_cycle = data.cycles[1]
    dashboard = measure_dashboard(client, overdue_cycle, args.repeat)

    worker = start_worker(env, args.concurrency)
    try:
        reminder_round = measure_reminder_round(sink, sink.port)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        sink.stop()
        shutil.rmtree(static_root, ignore_errors=True)

    print()
    print(
        f"dashboard (cycle “{overdue_cycle.title}”): median {dashboard['median'] * 1000:.0f} ms "
        f"(min {dashboard['min'] * 1000:.0f}, max {dashboard['max'] * 1000:.0f}) over {args.repeat} requests, "
        f"{dashboard['queries']['dashboard']} queries; from the page cache: median "
        f"{dashboard['cached median'] * 1000:.1f} ms, {dashboard['queries']['dashboard cached']} queries"
    )
    exports = dashboard["exports"]
    print(
        f"matrix export ({len(data.countries)} × {len(data.recommendations)}): "
        f"CSV {exports['csv'] * 1000:.0f} ms ({dashboard['queries']['csv']} queries), "
        f"XLSX {exports['xlsx'] * 1000:.0f} ms ({dashboard['queries']['xlsx']} queries); "
        f"implementation report PDF {exports['pdf']:.2f} s ({dashboard['pdf_bytes'] // 1024} KiB)"
    )
    if reminder_round is None:
        print("reminder round: not measured (recommendations.services.reminders is not there)")
    else:
        ratio = reminder_round["wall"] / reminder_round["floor"] if reminder_round["floor"] else float("nan")
        print(
            f"reminder round: {reminder_round['created']} reminders planned, {reminder_round['sent']} sent, "
            f"{reminder_round['failed']} failed, {reminder_round['attempts']} attempts; "
            f"wall {reminder_round['wall']:.2f} s "
            f"(planning {reminder_round['planned']:.2f} s) with {args.concurrency} "
            f"worker processes; floor (pre-rendered, one process, one SMTP connection) "
            f"{reminder_round['floor']:.2f} s; ratio {ratio:.1f}"
        )


if __name__ == "__main__":
    main()
