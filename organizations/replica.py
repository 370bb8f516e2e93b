"""Reading from a PostgreSQL streaming replica (issue 13 item 6), when ``DATABASE_REPLICA_URL`` configures one.

Nothing is guessed: reads go to the replica only inside an explicit scope, ``replica_reads()`` (a context
manager) or ``reads_from_replica`` (a view decorator), used by the heavy readers of a province deployment — the
leader and cadre dashboards (page and API), the ledger exports (page, API, the background ``ExportRun`` job) and
the reads of the dashboard summaries' refresh. Everything else, and every write, uses the primary.

- ``ReplicaRouter`` (``DATABASE_ROUTERS``, installed only with a replica): a read inside the scope goes to the
  replica, except inside a transaction on the primary (``select_for_update``, reading back one's own writes);
  any other read and every write go to the primary. Objects read from either may be related to each other.
- Read-your-writes: ``ReadYourWritesMiddleware`` (installed only with a replica) gives a request that wrote
  (POST, PUT, PATCH or DELETE answered below 400) a signed cookie; for ``REPLICA_READ_YOUR_WRITES_SECONDS`` the
  person's requests carrying it read the primary even inside the scope, so the page after a write shows it
  whatever the replica's lag. A client that does not keep cookies (an API script) reads the replica.
- A replica that does not answer when a scope opens is left out (the primary is read, a warning logged); put
  ``?connect_timeout=2`` in ``DATABASE_REPLICA_URL`` so that a host gone silent does not hold requests.
- Background work has no cookie: ``replica_reads(caught_up=True)`` first waits (up to
  ``REPLICA_CATCH_UP_SECONDS``) until the replica has replayed everything the primary had written when it was
  called (WAL positions), and reads the primary when it has not — a job never reads data older than its start.

The scope is a ``contextvars.ContextVar``: per thread under gunicorn's workers, per task under ASGI.
"""

from __future__ import annotations

import functools
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
#: The read-your-writes cookie: signed (its age is checked on reading), holds nothing but its signing time.
PIN_COOKIE = "primary_reads"
_PIN_SALT = "organizations.replica.read-your-writes"
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_reading = ContextVar("replica_reads", default=False)
_pinned = ContextVar("replica_pinned_to_primary", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reading_from_replica() -> bool:
    """Whether the ORM's reads here go to the replica (the router's rule, outside a transaction)."""
    return _reading.get()


@contextmanager
def replica_reads(*, caught_up: bool = False):
    """Reads inside go to the replica when one is configured, this request is not pinned to the primary
    (read-your-writes), no transaction is open on the primary and the replica answers (a replica down: the
    primary). ``caught_up``: first wait until the replica has what the primary has now, else read the primary.
    Yields whether the replica is read."""
    use = (replica_configured() and not _pinned.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block
           and _replica_reachable())
    if use and caught_up:
        use = replica_caught_up(timeout=settings.REPLICA_CATCH_UP_SECONDS)
    token = _reading.set(use)
    try:
        yield use
    finally:
        _reading.reset(token)


@contextmanager
def primary_reads():
    """Reads inside go to the primary, even within a replica scope (e.g. a job run in-process by a request)."""
    token = _reading.set(False)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view):
    """A view (function or method) whose reads go to the replica, its template rendered within the scope."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            response = view(*args, **kwargs)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()  # lazy querysets of the context are read here, still from the replica
            return response

    return wrapper


def _replica_reachable() -> bool:
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        logger.warning("the replica is unreachable, reading the primary: %s", exc)
        return False
    return True


def replica_caught_up(*, timeout: float) -> bool:
    """True once the replica has replayed the primary's WAL up to where it was when called; False if it has not
    within ``timeout`` seconds. A replica that is not a standby (a test mirror of the primary) is caught up."""
    primary, replica = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    if primary.vendor != "postgresql" or replica.vendor != "postgresql":
        return True
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (position,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        with replica.cursor() as cursor:
            cursor.execute("SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            if cursor.fetchone()[0]:
                return True
        if time.monotonic() >= deadline:
            logger.warning("the replica has not replayed %s within %s s: reading the primary", position, timeout)
            return False
        time.sleep(0.05)


class ReplicaRouter:
    """Reads in a replica scope to the replica, unless inside a transaction on the primary; the rest, and every
    write, to the primary. Migrations run on the primary only (the replica is its copy)."""

    def db_for_read(self, model, **hints):
        if _reading.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS  # also for an object read from the replica and saved

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None} or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """A request that wrote pins its person's following requests to the primary for a short window."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.REPLICA_READ_YOUR_WRITES_SECONDS
        pinned = request.get_signed_cookie(PIN_COOKIE, default=None, salt=_PIN_SALT, max_age=seconds) is not None
        token = _pinned.set(pinned)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method in _WRITE_METHODS and response.status_code < 400:
            response.set_signed_cookie(PIN_COOKIE, "1", salt=_PIN_SALT, max_age=seconds, httponly=True,
                                       samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
