"""Misbehaving on purpose: injected faults (an error status, a delay, a dropped
connection) and per-key rate limiting, both checked by the dispatcher before a route runs.
"""

from __future__ import annotations

import fnmatch
import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """The next ``times`` requests matching ``method`` and ``path`` misbehave.

    ``path`` is a glob (``/computers/*/click``) or, prefixed with ``re:``, a regex,
    matched against the path below ``/api``. A fault answers ``status`` with
    ``message``, or waits ``delay`` real seconds first, or drops the connection.
    ``times=None`` never runs out.
    """

    status: int | None = None
    message: str | None = None
    delay: float = 0.0
    drop: bool = False
    method: str | None = None
    path: str | None = None
    times: int | None = 1
    retry_after: float | None = None
    hits: int = 0
    id: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path is None:
            return True
        if self.path.startswith("re:"):
            return re.search(self.path[3:], path) is not None
        return fnmatch.fnmatchcase(path, self.path)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "message": self.message,
            "delay": self.delay,
            "drop": self.drop,
            "method": self.method,
            "path": self.path,
            "times": self.times,
            "retry_after": self.retry_after,
            "hits": self.hits,
        }


class Faults:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._next_id = 0

    def add(self, fault: Fault) -> Fault:
        if fault.status is None and not fault.drop and fault.delay <= 0:
            raise ValueError("a fault needs a status, a delay or drop=True")
        if fault.status is not None and not 100 <= fault.status <= 599:
            raise ValueError(f"status must be an HTTP status code, not {fault.status}")
        if fault.times is not None and fault.times < 1:
            raise ValueError("times must be at least 1 (or None for always)")
        with self._lock:
            self._next_id += 1
            fault.id = self._next_id
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first live fault matching this request, counting the hit."""
        with self._lock:
            for fault in self._faults:
                if not fault.exhausted and fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None

    def active(self) -> list[Fault]:
        with self._lock:
            return [f for f in self._faults if not f.exhausted]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


RATE_KEYS_PRUNE_AT = 1024


@dataclass
class RateLimit:
    """At most ``requests`` per ``per_seconds`` of wall-clock time, per API key.

    Wall-clock rather than fake-clock time, because clients back off in real seconds.
    """

    requests: int
    per_seconds: float = 1.0
    retry_after: float | None = None
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: str) -> float | None:
        """None when the request may pass; otherwise the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            if key not in self._seen and len(self._seen) >= RATE_KEYS_PRUNE_AT:
                self._forget_quiet_keys(now)
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - self.per_seconds:
                seen.popleft()
            if len(seen) < self.requests:
                seen.append(now)
                return None
            wait = seen[0] + self.per_seconds - now
        return self.retry_after if self.retry_after is not None else max(wait, 0.0)

    def _forget_quiet_keys(self, now: float) -> None:
        """Keys with no request inside the window (with any key accepted, every new key
        would otherwise stay here for good)."""
        for key in [
            k for k, seen in self._seen.items() if not seen or seen[-1] <= now - self.per_seconds
        ]:
            del self._seen[key]

    @staticmethod
    def header(seconds: float) -> str:
        return str(max(1, math.ceil(seconds)))
