"""A version token per database table, changed by every write any Django connection carries out, and
the tables a block of code reads: what the page caches (envcrime.caching) key on.

A page read from tables T is valid while none of T has been written since it was rendered; nothing has
to list which writes make which page stale, so a `QuerySet.update`, a `bulk_create` or SQL written by
hand (the distribution's claims and `sent` marks) invalidates as surely as a `save()`.

- **Writes**: an execute wrapper on every connection (installed as it opens) looks at each statement
  that is not a SELECT and gives each table it inserts into, updates, deletes from or truncates a new
  random token in the cache: at once and, inside a transaction, again when it commits. A page rendered
  from the rows before a commit but stored after the first change carries that first token and is
  dropped by the second. Tokens are random, not counters: a token lost to eviction never comes back,
  so an entry stored under it can never match again.
- **Reads**: within `reading()`, the tables named after FROM or JOIN in the statements run are recorded.
- Only the project's model tables count (every Django model's, many-to-many ones included); SQL
  keywords and aliases caught by the patterns are not tables.
- In a Celery task the changes are held back and made once, for each table written, when the task ends
  (`celery.signals`): the distribution writes a row per email and a change per row would cost a cache
  round trip each. A page may then show a row the task has already committed as it was until the task
  ends (a batch of emails: well under a second), or until its timeout if the worker is killed.

What it cannot see: writes that do not go through Django's connections (psql by hand, another
program): the page caches' timeouts bound those.
"""

import contextlib
import functools
import logging
import re
import secrets
import threading

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created

KEY_PREFIX = "tables:version:"

logger = logging.getLogger(__name__)

# The table after the keyword, whether quoted, schema-qualified ("public"."t") or after ONLY.
_TABLE = r'\s+(?:ONLY\s+)?(?:"?\w+"?\.)?"?(\w+)"?'
_WRITTEN = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)" + _TABLE, re.IGNORECASE)
_READ = re.compile(r"\b(?:FROM|JOIN)" + _TABLE, re.IGNORECASE)
_NAME = re.compile(r'"?(\w+)"?')


class _State(threading.local):
    def __init__(self):
        self.reading: set[str] | None = None
        self.held: set[str] | None = None
        # Nested holds (a task run eagerly inside another): the outermost makes the changes.
        self.depth = 0


_state = _State()


@functools.cache
def known_tables() -> frozenset[str]:
    return frozenset(model._meta.db_table.lower() for model in apps.get_models(include_auto_created=True))


def _tables(pattern: re.Pattern, sql: str) -> set[str]:
    known = known_tables()
    return {name for name in (match.lower() for match in pattern.findall(sql)) if name in known}


def written_tables(sql: str) -> set[str]:
    """The model tables a statement writes to."""
    if sql.lstrip()[:8].upper() == "TRUNCATE":
        return _tables(_NAME, sql)
    return _tables(_WRITTEN, sql)


def key(table: str) -> str:
    return f"{KEY_PREFIX}{table}"


def change(tables) -> None:
    """Every entry stored under the tables' current tokens is stale.

    A cache that cannot be reached is logged, not raised: the write it follows is done (and often
    committed), and failing it now would report an error for a write that happened; the pages stay
    stale until their timeouts."""
    if not tables:
        return
    try:
        cache.set_many({key(table): secrets.randbits(63) for table in tables}, timeout=None)
    except Exception:
        logger.exception("could not change the cache tokens of %s: cached pages stay until their timeout", tables)


def change_all() -> None:
    """Every cached page is stale (tests, and after data was changed behind Django's back)."""
    change(known_tables())


def versions(tables) -> tuple:
    """The current tokens of `tables`, in that order (None for a table whose token is not in the cache)."""
    keys = [key(table) for table in tables]
    found = cache.get_many(keys)
    return tuple(found.get(token_key) for token_key in keys)


def _given_tokens(current: dict) -> dict:
    """`current` with a token given to each table without one: entries are never stored under None,
    which a token lost to eviction would match again."""
    missing = [table for table, token in current.items() if token is None]
    if missing:
        # add(): two processes starting at once keep one token; then read back the one that won.
        for table in missing:
            cache.add(key(table), secrets.randbits(63), timeout=None)
        current.update(zip(missing, versions(missing), strict=True))
    return current


def _current(tables) -> dict:
    tables = list(tables)
    return _given_tokens(dict(zip(tables, versions(tables), strict=True)))


def current(tables) -> tuple:
    """The current tokens of `tables`, each given one if it had none."""
    return tuple(_current(tables).values())


def versions_and_entry(tables, entry_key: str) -> tuple[tuple, object | None]:
    """The current tokens of `tables` (each given one if it had none) and what is stored under
    `entry_key`: one round trip."""
    found = cache.get_many([*map(key, tables), entry_key])
    tokens = _given_tokens({table: found.get(key(table)) for table in tables})
    return tuple(tokens.values()), found.get(entry_key)


def snapshot() -> dict[str, int]:
    """The current token of every model table, each table without one given one: read before a page is
    rendered, so that any write after this point changes a token the page is stored under."""
    return _current(sorted(known_tables()))


@contextlib.contextmanager
def reading():
    """Record the model tables read by the statements run inside the block (yields the set)."""
    outer = _state.reading
    tables: set[str] = set()
    _state.reading = tables
    try:
        yield tables
    finally:
        _state.reading = outer
        if outer is not None:
            outer.update(tables)


def hold(**kwargs) -> None:
    """From now on, collect the tables written instead of changing their tokens (a celery.signals.
    task_prerun receiver)."""
    _state.depth += 1
    if _state.held is None:
        _state.held = set()


def release(**kwargs) -> None:
    """Change the tokens of the tables written since `hold()` (a task_postrun receiver: it runs
    whatever the task's outcome); again on commit if a transaction is still open (a task run eagerly
    inside one), whose rows other connections do not see yet."""
    _state.depth = max(_state.depth - 1, 0)
    if _state.depth == 0 and _state.held is not None:
        tables, _state.held = frozenset(_state.held), None
        change(tables)
        if tables and transaction.get_connection().in_atomic_block:
            transaction.on_commit(functools.partial(change, tables), robust=True)


def _pending_on_commit(connection) -> set[str]:
    """The tables whose change is already registered to run when the connection's transaction commits.
    Django gives `run_on_commit` a new list whenever a transaction or savepoint ends, so the set is the
    current transaction's while it is paired with the current list."""
    owner, tables = getattr(connection, "_envcrime_pending_changes", (None, None))
    if owner is not connection.run_on_commit:
        tables = set()
        connection._envcrime_pending_changes = (connection.run_on_commit, tables)
    return tables


def _written(tables: set[str], connection) -> None:
    if _state.held is not None:
        _state.held.update(tables)
        return
    change(tables)
    if connection.in_atomic_block:
        pending = _pending_on_commit(connection)
        new = tables - pending
        if new:
            pending.update(new)
            # robust: a failing hook would drop the hooks after it (the task messages among them).
            transaction.on_commit(functools.partial(change, frozenset(new)), using=connection.alias, robust=True)


def _observe(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not isinstance(sql, str):  # a psycopg2.sql object: the project writes none
        return result
    if _state.reading is not None:
        _state.reading.update(_tables(_READ, sql))
    if sql[:6] != "SELECT":
        tables = written_tables(sql)
        if tables:
            _written(tables, context["connection"])
    return result


def _install(sender, connection, **kwargs) -> None:
    if _observe not in connection.execute_wrappers:
        # First, not last: `connection.execute_wrapper()` blocks pop the last wrapper on exit, and the
        # connection may open inside one.
        connection.execute_wrappers.insert(0, _observe)


def connect() -> None:
    from celery.signals import task_postrun, task_prerun
    from django.db import connections

    connection_created.connect(_install, dispatch_uid="envcrime-table-versions")
    # Connections opened before this ran (none in practice: apps are ready before any query).
    for connection in connections.all(initialized_only=True):
        _install(None, connection)
    task_prerun.connect(hold, dispatch_uid="envcrime-table-versions-hold")
    task_postrun.connect(release, dispatch_uid="envcrime-table-versions-release")
