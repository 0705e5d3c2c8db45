"""Fail fast, with a useful message, when PostgreSQL or Redis is not reachable.

Usage: check_services.py DATABASE_URL REDIS_URL
"""

import socket
import sys
from urllib.parse import urlsplit

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main(database_url: str, redis_url: str) -> int:
    failures = []
    for name, url, default_port in (("PostgreSQL", database_url, 5432), ("Redis", redis_url, 6379)):
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or default_port
        if not reachable(host, port):
            failures.append(f"{name} is not reachable at {host}:{port} ({url}).\n  Start it with: {HOW_TO_START[name]}")
    if failures:
        print("Cannot run the tests:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
