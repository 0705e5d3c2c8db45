"""Distribution benchmark (not a test): real PostgreSQL, Redis, Celery worker processes, a local SMTP sink.

    python bench/distribution.py                          # 190 contacts, 4 pool processes
    python bench/distribution.py --contacts 190 10000     # then 10,000, with the pool's memory
    python bench/distribution.py --repeat 5               # medians of 5 runs
    python bench/distribution.py --compare /tmp/base      # the same runs with the workers of another checkout

It creates (drops first) the database `<name of DATABASE_URL's database>_bench` on that PostgreSQL
server, uses database 11 of REDIS_URL's Redis server as the broker (or BENCH_REDIS_URL), starts a
counting SMTP sink in its own process and `celery -A envcrime worker --concurrency=N`, waits until the
pool processes exist and the consumer listens on the queue, then for each size publishes a package
and distributes it (in a separate process, with the distribution code of the worker's checkout), and
prints:

- **wall**: from the distribution's `started_at` to the last delivery's `sent_at` (both set by the code
  under test, on the same clock);
- **floor**: the relay's own speed, measured in the same run: the same messages, rendered to bytes
  beforehand, sent by this one process over one SMTP connection (smtplib `sendmail`) to the same sink;
  and the ratio wall / floor;
- PostgreSQL sessions opened and transactions committed in the benchmark database during the run
  (`pg_stat_database`: the workers' connections; the commits include this script's progress polling);
- the CPU time (user + system, from /proc, 10 ms ticks) per delivery of the worker (its main process
  and pool processes) and of the sink during the run: on a machine shared with other jobs it moves
  less than the wall;
- for 1,000 contacts or more: the RSS of each pool process at the start, the middle and the end of
  the run, to show it is flat.

`--compare DIR` runs every size with a worker started from DIR (e.g. `git archive <commit> | tar -x -C
DIR`: the baseline) and then from this checkout, alternating, `--repeat` times, and prints the medians
of both: baseline and candidate measured in the same run, on the same database, broker and sink.

The distributing process is warm, as the web process (or the admin action's) that starts a distribution
in production: a long-lived process, started with the worker, that has set Django up, opened its database
connection, connected to the broker and published once before the timed call — its warm-up message goes
to a queue no worker consumes (`bench-warmup`, deleted at once), which loads what Celery loads on a
process's first publish (the app's task registry, the result backend and event dispatcher objects, the
broker connection in the producer pool) and declares the task queue as an earlier publish would have.
Everything `distribution_start` does (its transaction, the rows, publishing every task message on commit)
is timed: `started_at` is set inside it. (A cold process, as this benchmark used before, paid 0.1–0.2 s of
imports and connections on its first publish, within the wall, which no running web process pays.)

10,000 contacts: a distribution addresses one primary contact per member country and ISO codes allow
at most 676 countries, so the benchmark adds synthetic, non-primary contacts spread over the 190 member
countries and passes them to `distribution_start(addressed=...)` — every other step is the production
code path.
"""

import argparse
import contextlib
import os
import secrets
import smtplib
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from databases import bench_database, postgres_url  # noqa: E402  (the benchmarks' own databases)
from databases import redis_url as bench_redis  # noqa: E402

BENCH_REDIS_DB = 11


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


def bench_redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL") or bench_redis(BENCH_REDIS_DB)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_cpu_seconds(worker_pid: int) -> float:
    """The worker's main process and its pool processes."""
    return cpu_seconds(worker_pid) + sum(cpu_seconds(pid) for pid in children(worker_pid))


def pool_rss_mib(worker_pid: int) -> list[float]:
    return [round(rss_kib(pid) / 1024, 1) for pid in sorted(children(worker_pid))]


def wait_for_pool(worker, concurrency: int, timeout: float = 60, redis_url: str | None = None):
    """Until the pool processes exist and (given the broker) the consumer waits on the task queue."""
    import redis

    broker = redis.Redis.from_url(redis_url) if redis_url else None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            sys.exit(f"the worker exited early; see {PROJECT_DIR / 'bench/results'}")
        if len(children(worker.pid)) >= concurrency:
            if broker is None:
                time.sleep(1.0)  # let the consumer connect to the broker
                return
            if any(c.get("cmd") == "brpop" for c in broker.client_list()):
                return
        time.sleep(0.1)
    sys.exit("the worker pool did not start")


class Worker:
    def __init__(self, directory: Path, env: dict, concurrency: int, redis_url: str, label: str):
        self.directory = directory
        self.env = env
        self.concurrency = concurrency
        self.redis_url = redis_url
        self.label = label
        self.process = None
        self.distributor = None

    def start(self):
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()
        # Started with the worker (each warms up while the other starts), with the same checkout.
        self.distributor = Distributor(self.directory, self.env)
        log_path = PROJECT_DIR / "bench" / "results" / f"worker-{self.label}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "envcrime",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=bench-{self.label}@%h",
            ],
            cwd=self.directory,
            env=self.env,
            stdout=log_path.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_pool(self.process, self.concurrency, redis_url=self.redis_url)
        self.distributor.wait_ready()

    def stop(self):
        if self.distributor:
            self.distributor.stop()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()


# Run in a separate process from the worker's checkout: its own `distribution_start` publishes its own
# tasks. It warms up (see the module's docstring), says "ready", then distributes one package per line
# "<package pk> <email suffix>" it reads, answering with the distribution's pk.
DISTRIBUTE = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envcrime.settings")
django.setup()
from django.db import connection
from envcrime.celery import app
from programmes.models import Contact
from recommendations import services
from recommendations.models import RecommendationPackage
from recommendations.tasks import send_deliveries

connection.ensure_connection()
with app.producer_or_acquire() as producer:
    send_deliveries.apply_async(([],), queue="bench-warmup", producer=producer)
    app.amqp.queues["bench-warmup"].bind(producer.channel).delete()
    producer.maybe_declare(app.amqp.queues[app.conf.task_default_queue])
print("ready", flush=True)
for line in sys.stdin:
    package_pk, suffix = line.split()
    package = RecommendationPackage.objects.get(pk=int(package_pk))
    started = services.distribution_start(package=package, addressed=Contact.objects.filter(email__endswith=suffix))
    print(started.distribution.pk, flush=True)
"""


class Distributor:
    """The warm distributing process, with the code of `directory`."""

    def __init__(self, directory: Path, env: dict):
        self.process = subprocess.Popen(
            [sys.executable, "-c", DISTRIBUTE],
            cwd=directory,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self):
        if self.process.stdout.readline().strip() != "ready":
            sys.exit(f"the distributing process did not start (exit code {self.process.wait()})")

    def distribute(self, package_pk: int, suffix: str) -> int:
        self.process.stdin.write(f"{package_pk} {suffix}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer.strip():
            sys.exit(f"distribution_start failed (exit code {self.process.wait()})")
        return int(answer)

    def stop(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def pg_counters() -> tuple[int, int]:
    """(sessions opened, transactions committed) in this database so far."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT sessions, xact_commit FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()


def prepare_package(size: int, tag: str):
    """A published package and `size` fresh contacts whose emails end with a tag of this run."""
    import datetime

    from django.utils import timezone

    from meetings.models import Visit
    from programmes.models import Contact, MemberCountry, Programme
    from recommendations import services
    from recommendations.models import Recommendation, RecommendationPackage

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
    package = services.package_publish(
        package=RecommendationPackage.objects.create(visit=visit, version=1, title=f"Benchmark package {size}"),
        by=None,
    )
    countries = list(MemberCountry.objects.active().order_by("pk"))
    languages = ["en", "fr", "es", "ar"]
    Contact.objects.bulk_create(
        [
            Contact(
                name=f"Liaison {i}",
                email=f"liaison{i}-{tag}",
                member_country=countries[i % len(countries)],
                preferred_language=languages[i % 7 % 4] if i % 7 < 4 else "en",
                is_primary=False,
                is_active=True,
            )
            for i in range(size)
        ],
        batch_size=2000,
    )
    return package


def rendered_messages(distribution) -> list[tuple[str, list[str], bytes]]:
    """(sender, recipients, bytes) of every delivery's message, built as the workers build them."""
    from recommendations import services
    from recommendations.models import Delivery

    messages = []
    rows = Delivery.objects.filter(distribution=distribution).values_list(
        "pk", "distribution_id", "package_id", "email", "language", "attempts", "contact__name"
    )
    if hasattr(services, "delivery_email"):  # the render-once path of the workers
        from recommendations.services.delivery import ClaimedDelivery, _package_facts

        claimed = [ClaimedDelivery(*row) for row in rows]
        facts = _package_facts({row.package_id for row in claimed})
        built = [services.delivery_email(row, facts[row.package_id]) for row in claimed]
    else:  # a checkout from before it
        from envcrime.emails import build_templated_email

        built = []
        for delivery in Delivery.objects.filter(distribution=distribution).select_related("package__visit", "contact"):
            built.append(
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
                )
            )
    for message in built:
        messages.append((message.from_email, message.recipients(), message.message().as_bytes(linesep="\r\n")))
    return messages


def relay_floor(messages, port: int) -> float:
    """Pre-rendered bytes, one process, one SMTP connection: the relay's own speed."""
    started = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port)
    for sender, recipients, data in messages:
        smtp.sendmail(sender, recipients, data)
    smtp.quit()
    return time.perf_counter() - started


def run(size: int, worker: Worker, sink: Sink) -> dict:
    from django.db.models import Max, Min

    from recommendations.models import Delivery, Distribution

    tag = f"{worker.label}-{time.time_ns()}@bench.invalid"
    package = prepare_package(size, tag)
    big = size >= 1000
    rss = {"start": pool_rss_mib(worker.process.pid)}
    sent_before = sink.count
    sessions_before, xact_before = pg_counters()
    cpu_before = worker_cpu_seconds(worker.process.pid), cpu_seconds(sink.process.pid)

    distribution = Distribution.objects.get(pk=worker.distributor.distribute(package.pk, tag))
    deadline = time.monotonic() + max(120, size / 10)
    while (
        sink.count - sent_before < size
        or Delivery.objects.filter(distribution=distribution, status__in=["queued", "sending"]).exists()
    ):
        if big and "middle" not in rss and sink.count - sent_before >= size // 2:
            rss["middle"] = pool_rss_mib(worker.process.pid)
        if time.monotonic() > deadline:
            sys.exit(f"not finished after {deadline} s: {sink.count - sent_before} of {size} sent")
        time.sleep(0.02 if size < 1000 else 0.2)
    rss["end"] = pool_rss_mib(worker.process.pid)
    worker_cpu = worker_cpu_seconds(worker.process.pid) - cpu_before[0]
    sink_cpu = cpu_seconds(sink.process.pid) - cpu_before[1]
    sessions_after, xact_after = pg_counters()
    times = Delivery.objects.filter(distribution=distribution).aggregate(first=Min("claimed_at"), last=Max("sent_at"))
    wall = (times["last"] - distribution.started_at).total_seconds()
    # Until the first claim: the distribution's own transaction, publishing, the broker and a worker picking up.
    first_claim = (times["first"] - distribution.started_at).total_seconds()
    received = sink.count - sent_before
    assert received == size, f"the sink received {received} messages for {size} deliveries"

    messages = rendered_messages(distribution)
    floor = relay_floor(messages, sink.port)
    return {
        "size": size,
        "label": worker.label,
        "wall": wall,
        "first_claim": first_claim,
        "floor": floor,
        "ratio": wall / floor,
        "sessions": sessions_after - sessions_before,
        "xact": xact_after - xact_before,
        "rss": rss if big else None,
        "worker_cpu": worker_cpu,
        "sink_cpu": sink_cpu,
    }


def median(results: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in results)


def report(size: int, label: str, results: list[dict]):
    walls = ", ".join(f"{r['wall']:.2f}" for r in results)
    print(
        f"{size:>7} {label:<10} wall {median(results, 'wall'):7.2f} s "
        f"(first claim {median(results, 'first_claim'):.2f} s)  floor {median(results, 'floor'):6.2f} s  "
        f"ratio {median(results, 'ratio'):5.2f}  ({size / median(results, 'wall'):5.0f}/s; "
        f"PG sessions {median(results, 'sessions'):.0f}, commits {median(results, 'xact') / size:.2f}/delivery; "
        f"CPU per delivery: worker {median(results, 'worker_cpu') / size * 1000:.2f} ms, "
        f"sink {median(results, 'sink_cpu') / size * 1000:.2f} ms; walls {walls})"
    )
    for r in results:
        if r["rss"]:
            rss = r["rss"]
            print(f"{'':>18} pool RSS MiB: start {rss['start']}, middle {rss.get('middle')}, end {rss['end']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, nargs="+", default=[190], help="sizes to run (default 190)")
    parser.add_argument("--quick", action="store_true", help="190 contacts only (the default)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; medians are printed")
    parser.add_argument("--concurrency", type=int, default=4, help="worker pool processes (default 4)")
    parser.add_argument("--conn-max-age", type=int, default=None, help="CONN_MAX_AGE for the workers")
    parser.add_argument("--compare", type=Path, default=None, help="checkout whose workers are the baseline")
    args = parser.parse_args()

    base_url = postgres_url()
    database_url, _reused = bench_database(base_url, f"{urlparse(base_url).path.lstrip('/') or 'envcrime'}_bench")
    redis_url = bench_redis_url()
    sink = Sink()

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        # As in production: DEBUG off (cached templates, no query log).
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "envcrime.settings",
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
    from django.core.management import call_command

    print(f"database {urlparse(database_url).path[1:]}, broker {redis_url}: migrating…", flush=True)
    call_command("migrate", verbosity=0)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")

    variants = [("candidate", PROJECT_DIR)]
    if args.compare:
        variants.insert(0, ("baseline", args.compare.resolve()))
    results: dict[tuple[int, str], list[dict]] = {}
    try:
        for size in args.contacts:
            for repeat in range(args.repeat):
                for label, directory in variants:
                    worker = Worker(directory, env, args.concurrency, redis_url, label)
                    worker.start()
                    try:
                        result = run(size, worker, sink)
                    finally:
                        worker.stop()
                    results.setdefault((size, label), []).append(result)
                    print(
                        f"  {size} {label} #{repeat + 1}: wall {result['wall']:.2f} s (first claim at "
                        f"{result['first_claim']:.2f} s), floor {result['floor']:.2f} s, "
                        f"ratio {result['ratio']:.2f}, PG sessions {result['sessions']}, "
                        f"worker CPU {result['worker_cpu']:.2f} s",
                        flush=True,
                    )
    finally:
        sink.stop()
    print(f"\nload after: {os.getloadavg()[0]:.2f} (1 min); {args.concurrency} pool processes, {os.cpu_count()} cores")
    print("medians of", args.repeat, "run(s):")
    for size in args.contacts:
        for label, _directory in variants:
            report(size, label, results[(size, label)])
        if args.compare:
            base, cand = results[(size, "baseline")], results[(size, "candidate")]
            print(
                f"{size:>7} candidate/baseline wall: {median(cand, 'wall') / median(base, 'wall'):.2f}; "
                f"ratio to the floor {median(base, 'ratio'):.2f} → {median(cand, 'ratio'):.2f}"
            )


if __name__ == "__main__":
    main()
