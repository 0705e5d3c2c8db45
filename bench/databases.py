"""The benchmarks' own PostgreSQL database and Redis database, on the servers the environment names."""

import os
import sys
from urllib.parse import urlparse, urlunparse


def postgres_url() -> str:
    """DATABASE_URL (or the local default); the benchmarks run on PostgreSQL only."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/envcrime")
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    return url


def bench_database(base_url: str, name: str, *, reuse: bool = False) -> tuple[str, bool]:
    """The URL of database `name` on `base_url`'s server, dropped and created afresh unless `reuse` and it
    exists; and whether it was reused."""
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
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        reused = reuse and cursor.fetchone() is not None
        if not reused:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {name}")
    admin.close()
    return urlunparse(parsed._replace(path=f"/{name}")), reused


def redis_url(db: int) -> str:
    """Database `db` of REDIS_URL's server (each benchmark flushes its own)."""
    return urlunparse(urlparse(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1")._replace(path=f"/{db}"))
