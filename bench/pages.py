"""Page benchmark (not a test): the key pages under gunicorn with the production settings, against a
bare Django "hello" view served by the same gunicorn workers, measured in the same run.

    python bench/pages.py                       # build the data, then measure every page
    python bench/pages.py --duration 3 --only home,visit_list
    python bench/pages.py --reuse               # keep the database of the previous run

It creates (drops first) the database `envcrime_bench_pages` on the PostgreSQL of DATABASE_URL and uses
Redis database 13 of REDIS_URL's server as cache (and broker: nothing is enqueued). The data: `seed_demo`
plus 1,000 registrations (of 1,000 delegate accounts), 10,000 contacts and 10 more published packages, each
distributed to every contact of a member country (about 100,000 deliveries), built with bulk_create.

It collects the static files (manifest storage, as in production), then starts `gunicorn -w 2` with
`DEBUG=false`, `CONN_MAX_AGE=60` and the Redis cache (settings `bench.pages_settings`: the production
settings plus a URLconf that adds the bare view at /__bench__/hello/), creates sessions for a liaison
(Kenya), a delegate and a staff member with a second factor, checks that every page answers 200, and runs
`wrk -t2 -c16` against each page: a warm-up, then a measured run. The bare view is measured first and
last; the ratios use the mean of both. It prints requests/s, p50 and p99 latency, the ratio of requests/s
to the bare view's and, for staff pages, p99 / bare p99, with the targets of issue 11 and the load average.
"""

import argparse
import io
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from databases import bench_database, postgres_url  # noqa: E402  (the benchmarks' own databases)
from databases import redis_url as bench_redis  # noqa: E402

BENCH_DB = "envcrime_bench_pages"
BENCH_REDIS_DB = 13
HELLO = "/__bench__/hello/"

REGISTRATIONS = 1000
CONTACTS = 10_000
PACKAGES = 10

# (key, group, who): groups carry the targets of issue 11.
ANONYMOUS, SIGNED_IN, STAFF = "anonymous", "signed-in", "staff"
TARGETS = {ANONYMOUS: "≥ 50% of bare req/s", SIGNED_IN: "≥ 25% of bare req/s", STAFF: "p99 < 10× bare p99"}


def build_volume() -> None:
    """Rows at the issue's scale, made with bulk_create (no services: nothing is emailed or rendered)."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from meetings.models import Registration, Visit
    from programmes.models import Contact, MemberCountry
    from recommendations.models import Delivery, Distribution, RecommendationPackage

    User = get_user_model()
    now = timezone.now()
    countries = list(MemberCountry.objects.active().order_by("pk"))
    with transaction.atomic():
        Contact.objects.bulk_create(
            [
                Contact(
                    name=f"Officer {i}",
                    email=f"officer{i}@bench.invalid",
                    member_country=countries[i % len(countries)],
                    is_primary=False,
                    is_active=True,
                )
                for i in range(CONTACTS)
            ],
            batch_size=2000,
        )
        delegates = User.objects.bulk_create(
            [
                User(username=f"bench-delegate-{i}", email=f"delegate{i}@bench.invalid", password="!")
                for i in range(REGISTRATIONS)
            ],
            batch_size=2000,
        )
        visit = Visit.objects.filter(status=Visit.Status.OPEN).order_by("start_date").first()
        statuses = [Registration.Status.PENDING, Registration.Status.DECLINED, Registration.Status.CANCELLED]
        Registration.objects.bulk_create(
            [
                Registration(
                    visit=visit,
                    delegate=delegate,
                    member_country=countries[i % len(countries)],
                    full_name=f"Delegate {i}",
                    job_title="Inspector",
                    arrival_date=visit.start_date,
                    departure_date=visit.end_date,
                    status=statuses[i % len(statuses)],
                    declined_at=now if statuses[i % len(statuses)] == Registration.Status.DECLINED else None,
                    cancelled_at=now if statuses[i % len(statuses)] == Registration.Status.CANCELLED else None,
                )
                for i, delegate in enumerate(delegates)
            ],
            batch_size=2000,
        )
        seeded = RecommendationPackage.objects.filter(status=RecommendationPackage.Status.PUBLISHED).first()
        packages = RecommendationPackage.objects.bulk_create(
            [
                RecommendationPackage(
                    visit=seeded.visit,
                    version=100 + i,
                    title=f"{seeded.title} (bench {i + 1})",
                    summary=seeded.summary,
                    status=RecommendationPackage.Status.PUBLISHED,
                    content=seeded.content,
                    published_at=now - datetime.timedelta(days=10 - i),
                    document=seeded.document.name,
                    document_sha256=seeded.document_sha256,
                    document_size=seeded.document_size,
                )
                for i in range(PACKAGES)
            ]
        )
        contacts = list(
            Contact.objects.filter(is_active=True, member_country__is_active=True).values_list(
                "pk", "member_country_id", "email"
            )
        )
        for n, package in enumerate(packages):
            distribution = Distribution.objects.create(package=package, started_at=now, finished_at=now)
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        distribution=distribution,
                        package=package,
                        contact_id=contact_id,
                        member_country_id=country_id,
                        email=email,
                        status=Delivery.Status.SENT,
                        attempts=1,
                        claimed_at=now,
                        sent_at=now,
                        acknowledged_at=now if (contact_id + n) % 3 == 0 else None,
                    )
                    for contact_id, country_id, email in contacts
                ],
                batch_size=5000,
            )
    from django.db import connection

    # What autovacuum does soon after bulk inserts in production: statistics and the visibility map
    # (without it a count(*) of the deliveries reads every heap page instead of the index).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def session_cookie(email: str) -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(email__iexact=email)
    client = Client()
    # One of the portal's own backends: a session naming another is not signed in.
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def staff_with_second_factor() -> str:
    """The demo staff account, with a TOTP authenticator (the admin requires one with DEBUG off)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.get(email__iexact="staff@example.org")
    Authenticator.objects.get_or_create(
        user=staff, type=Authenticator.Type.TOTP, defaults={"data": {"secret": secrets.token_hex(10)}}
    )
    return staff.email


def pages_to_measure() -> list[tuple[str, str, str, str]]:
    """(key, group, path, account email or '') for every key page."""
    from django.urls import reverse

    from meetings.models import Visit
    from programmes.models import Contact
    from recommendations.models import Delivery, ReportingCycle

    kenya = Contact.objects.select_related("member_country").get(user__email__iexact="ncb.ke@example.org")
    package_id = Delivery.objects.filter(member_country=kenya.member_country).order_by("-package_id").first().package_id
    visit = Visit.objects.filter(status=Visit.Status.OPEN).order_by("start_date").first()
    cycle = ReportingCycle.objects.order_by("pk").first()
    liaison, delegate, staff = "ncb.ke@example.org", "nominee@example.org", staff_with_second_factor()
    return [
        ("home", ANONYMOUS, reverse("home"), ""),
        ("visit list", ANONYMOUS, reverse("meetings:visit_list"), ""),
        ("visit page", ANONYMOUS, reverse("meetings:visit_detail", args=[visit.slug]), ""),
        ("sign-in", ANONYMOUS, reverse("account_login"), ""),
        ("package list", SIGNED_IN, reverse("recommendations:package_list"), liaison),
        ("package page", SIGNED_IN, reverse("recommendations:package_detail", args=[package_id]), liaison),
        ("my registrations", SIGNED_IN, reverse("meetings:my_registrations"), delegate),
        ("follow-up page", SIGNED_IN, reverse("followup:report", args=[cycle.pk]), liaison),
        ("dashboard", STAFF, reverse("dashboard:index"), staff),
        ("admin contacts", STAFF, reverse("admin:programmes_contact_changelist"), staff),
        ("admin registrations", STAFF, reverse("admin:meetings_registration_changelist"), staff),
        ("admin deliveries", STAFF, reverse("admin:recommendations_delivery_changelist"), staff),
    ]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    log_path = PROJECT_DIR / "bench" / "results" / "pages-gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "envcrime.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            f"--pythonpath={PROJECT_DIR}",
            "--access-logfile=-" if env.get("BENCH_ACCESS_LOG") else "--error-logfile=-",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited ({server.returncode}); see {log_path}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{HELLO}", timeout=2).read()
            return server
        except OSError:  # URLError, refused, or a timeout while the workers boot
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not answer within 60 s; see {log_path}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_page(base: str, path: str, cookie: str) -> int:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drain(base: str) -> None:
    """Wait until the workers have no backlog left from the previous page (wrk leaves requests behind)."""
    quick = 0
    for _ in range(600):
        started = time.perf_counter()
        urllib.request.urlopen(base + HELLO, timeout=60).read()
        quick = quick + 1 if time.perf_counter() - started < 0.02 else 0
        if quick == 5:
            return
        time.sleep(0.05)


LATENCY_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_latency(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * LATENCY_UNITS[unit]


def wrk(url: str, cookie: str, duration: int, warmup: int, threads: int, connections: int) -> dict:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    # A generous timeout: a slow page's latency is measured, not dropped as a socket timeout.
    base = ["wrk", f"-t{threads}", f"-c{connections}", "--timeout=30s", *headers]
    subprocess.run([*base, f"-d{warmup}s", url], check=True, capture_output=True)
    out = subprocess.run([*base, f"-d{duration}s", "--latency", url], check=True, capture_output=True, text=True)
    text = out.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50_match = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99_match = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    p50 = parse_latency(p50_match.group(1)) if p50_match else float("nan")
    p99 = parse_latency(p99_match.group(1)) if p99_match else float("nan")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(bad.group(1)) if bad else 0,
        "errors": errors.group(0) if errors else "",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds measured per page (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per page (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--only", default="", help="comma list of page keys to measure (default all)")
    parser.add_argument("--reuse", action="store_true", help="reuse the database of a previous run if it exists")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    database_url, reused = bench_database(postgres_url(), BENCH_DB, reuse=args.reuse)
    redis_url = bench_redis(BENCH_REDIS_DB)
    static_root = tempfile.mkdtemp(prefix="envcrime-bench-static-")
    port = 18000 + os.getpid() % 1000
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
        "BENCH_STATIC_ROOT": static_root,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_URL": redis_url,
        "CONN_MAX_AGE": "60",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)

    import django

    django.setup()
    import redis
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    redis.Redis.from_url(redis_url).flushdb()
    if reused:
        print(f"database {BENCH_DB}: reused", flush=True)
    else:
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        build_volume()
        print(f"database {BENCH_DB}: seed_demo + volume built in {time.perf_counter() - started:.1f} s", flush=True)
    from django.contrib.auth import get_user_model

    from meetings.models import Registration
    from programmes.models import Contact
    from recommendations.models import Delivery, RecommendationPackage

    print(
        f"rows: {Registration.objects.count()} registrations, {Contact.objects.count()} contacts, "
        f"{RecommendationPackage.objects.filter(status='published').count()} published packages, "
        f"{Delivery.objects.count()} deliveries, {get_user_model().objects.count()} users",
        flush=True,
    )
    pages = pages_to_measure()
    if args.only:
        wanted = {key.strip() for key in args.only.split(",")}
        pages = [page for page in pages if page[0] in wanted]
    cookies = {email: session_cookie(email) for email in {page[3] for page in pages if page[3]}}
    from django.db import connections

    connections.close_all()

    server = start_gunicorn(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        for key, _group, path, email in pages:
            status = check_page(base, path, cookies.get(email, ""))
            if status != 200:
                sys.exit(f"{key} ({path}) answered {status}, not 200; see bench/results/pages-gunicorn.log")

        def measure(key, path, cookie):
            drain(base)
            result = wrk(base + path, cookie, args.duration, args.warmup, args.threads, args.connections)
            print(
                f"  {key:<20} {result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms"
                + (f"  NON-2xx {result['non2xx']}" if result["non2xx"] else "")
                + (f"  {result['errors']}" if result["errors"] else ""),
                flush=True,
            )
            return result

        print(
            f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s (warm-up {args.warmup}s), "
            f"gunicorn -w {args.workers}",
            flush=True,
        )
        bare_first = measure("bare (first)", HELLO, "")
        for key, _group, path, email in pages:
            results[key] = measure(key, path, cookies.get(email, ""))
        bare_last = measure("bare (last)", HELLO, "")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(static_root, ignore_errors=True)

    bare_rps = (bare_first["rps"] + bare_last["rps"]) / 2
    bare_p99 = (bare_first["p99"] + bare_last["p99"]) / 2
    print(
        f"\nbare view: {bare_rps:.0f} req/s (first {bare_first['rps']:.0f}, last {bare_last['rps']:.0f}), "
        f"p99 {bare_p99:.1f} ms; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n"
    )
    print(f"{'page':<20} {'group':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'% bare':>7} {'p99×bare':>9}  target")
    for key, group, _path, _email in pages:
        result = results[key]
        ratio = result["rps"] / bare_rps
        p99_ratio = result["p99"] / bare_p99
        met = p99_ratio < 10 if group == STAFF else ratio >= (0.5 if group == ANONYMOUS else 0.25)
        print(
            f"{key:<20} {group:<10} {result['rps']:8.1f} {result['p50']:8.1f} {result['p99']:8.1f} "
            f"{ratio:6.1%} {p99_ratio:8.1f}×  {TARGETS[group]}: {'met' if met else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
