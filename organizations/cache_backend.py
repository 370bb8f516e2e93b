"""The shared cache's backend: Django's RedisCache, whose failures are misses.

The cache holds only what can be had again (sessions are written through to the database; the kept figures and
pages are counted again), so a Redis that is down or slow must not take the portal down with it: a read that
fails is a miss, a write that fails is dropped, and the log says so at most once a minute per process. The
connection and each command give up after ``CACHE_TIMEOUT_MS`` (the settings' ``OPTIONS``), so a Redis that does
not answer costs a page that long, not a hung worker. tests/test_cache_faults.py serves pages with the cache's
Redis gone.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

#: The errors of a Redis that is down, refuses or does not answer in time (redis-py's, and the socket's own).
try:
    from redis.exceptions import RedisError

    FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError)
except ImportError:  # pragma: no cover - redis-py is a dependency of Celery's Redis transport
    FAILURES = (OSError,)

_last_warning = [0.0]


def _failed(operation: str, exc: BaseException) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= 60:
        _last_warning[0] = now
        logger.warning("cache %s failed (%s: %s); served without the cache", operation, type(exc).__name__, exc)


def _tolerant(name: str, on_failure):
    """``RedisCache.<name>``, answering ``on_failure(args)`` when Redis fails."""
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except FAILURES as exc:
            _failed(name, exc)
            return on_failure(args, kwargs)

    call.__name__ = name
    return call


def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class TolerantRedisCache(RedisCache):
    # Reads: a miss. Writes: dropped (set_many: every key not set).
    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", lambda args, kwargs: {})
    has_key = _tolerant("has_key", lambda args, kwargs: False)
    set = _tolerant("set", lambda args, kwargs: None)
    add = _tolerant("add", lambda args, kwargs: False)
    set_many = _tolerant("set_many", lambda args, kwargs: list(args[0]) if args else [])
    touch = _tolerant("touch", lambda args, kwargs: False)
    delete = _tolerant("delete", lambda args, kwargs: False)
    delete_many = _tolerant("delete_many", lambda args, kwargs: None)
