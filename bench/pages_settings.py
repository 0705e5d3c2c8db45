"""Settings of the page benchmark (bench/pages.py): the production settings, plus a bench-only URLconf
that adds the bare "hello" view beside the portal's URLs, and a scratch STATIC_ROOT. Nothing else
differs, so the hello view runs through the same middleware in the same gunicorn workers."""

import os

from envcrime.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
