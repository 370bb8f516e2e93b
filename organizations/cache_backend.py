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


class TolerantRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except FAILURES as exc:
            _failed("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except FAILURES as exc:
            _failed("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except FAILURES as exc:
            _failed("has_key", exc)
            return False

    def set(self, key, value, timeout=None, version=None):  # noqa: DJ012 - the backend's own signature
        try:
            return super().set(key, value, timeout, version)
        except FAILURES as exc:
            _failed("set", exc)
            return None

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except FAILURES as exc:
            _failed("add", exc)
            return False

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except FAILURES as exc:
            _failed("set_many", exc)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except FAILURES as exc:
            _failed("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except FAILURES as exc:
            _failed("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except FAILURES as exc:
            _failed("delete_many", exc)
            return None
