"""The request log: what reached the fake under ``/api``, with secrets redacted and
bodies capped, for tests to assert on. (Faults and rate limits are in
:mod:`fake_server.faults`; :class:`~fake_server.FakeOrgo` exposes both.)
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode


@dataclass(slots=True)
class LoggedRequest:
    """One request the fake received, as a test would want to assert on it."""

    seq: int
    time: float  # fake-clock time
    method: str
    path: str  # below /api, e.g. /computers/<id>/click
    query: str
    status: int
    raw_body: bytes
    content_type: str
    key: str | None
    body_size: int = 0  # as received; raw_body keeps at most the log's max_body_bytes

    @property
    def body_truncated(self) -> bool:
        return self.body_size > len(self.raw_body)

    @property
    def body(self) -> Any:
        """The JSON body as Python (parsed when asked: logging must stay cheap); for other
        bodies, and bodies cut by the log's cap, their size and type; None when empty."""
        if not self.raw_body:
            return None
        if self.body_truncated:
            return {
                "size": self.body_size,
                "content_type": self.content_type or None,
                "truncated": True,
            }
        if self.content_type.startswith("application/json"):
            try:
                return json.loads(self.raw_body)
            except ValueError:
                return None
        return {"size": len(self.raw_body), "content_type": self.content_type or None}

    def to_json(self) -> dict[str, Any]:
        """The HTTP view (``GET /_fake/requests``): secrets redacted, as anyone who can
        reach the port may read it. The Python view (:attr:`key`, :attr:`body`) is whole."""
        return {
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "query": redact_query(self.query),
            "status": self.status,
            "body": redact_body(self.body),
            "body_size": self.body_size,
            "key": redact(self.key) if self.key is not None else None,
        }


SECRET_NAMES = frozenset(
    {
        "token",
        "password",
        "vnc_password",
        "secret",
        "signature",
        "api_key",
        "apikey",
        "access_token",
        "authorization",
    }
)


def redact(secret: str) -> str:
    """A secret as the log shows it: its first 4 characters (a key's kind, ``sk_l``) and
    a fingerprint, enough to tell keys apart and match a known one, not to use it."""
    digest = hashlib.sha256(secret.encode()).hexdigest()[:12]
    shown = secret[:4] if len(secret) >= 16 else ""
    return f"{shown}…sha256:{digest}"


def redact_query(query: str) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(k, redact(v) if k.lower() in SECRET_NAMES and v else v) for k, v in pairs], safe="…:"
    )


def redact_body(body: Any) -> Any:
    """JSON bodies with their secret-named fields (at any depth) redacted."""
    if isinstance(body, dict):
        return {
            k: redact(v) if isinstance(v, str) and k.lower() in SECRET_NAMES else redact_body(v)
            for k, v in body.items()
        }
    if isinstance(body, list):
        return [redact_body(item) for item in body]
    return body


MAX_ENTRIES = 10_000
MAX_BODY_BYTES = 64 * 1024  # kept of each request body
MAX_TOTAL_BYTES = 32 * 1024 * 1024  # kept of all bodies together


class RequestLog:
    """The requests received, oldest first, within bounds: at most ``max_entries``
    entries, the first ``max_body_bytes`` of each body, and ``max_total_bytes`` of bodies
    in all (the oldest entries go first). What was cut is counted, never silent:
    ``body_truncated`` on an entry, :attr:`evicted` and :attr:`dropped_bytes` here."""

    def __init__(
        self,
        maxlen: int = MAX_ENTRIES,
        *,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_total_bytes: int = MAX_TOTAL_BYTES,
    ) -> None:
        self._entries: deque[LoggedRequest] = deque()
        self._seq = 0
        self._lock = threading.Lock()
        self.configure(
            max_entries=maxlen, max_body_bytes=max_body_bytes, max_total_bytes=max_total_bytes
        )
        self.body_bytes = 0  # of bodies kept now
        self.evicted = 0  # entries dropped to stay within the bounds
        self.dropped_bytes = 0  # body bytes cut off or evicted

    def configure(
        self,
        *,
        max_entries: int | None = None,
        max_body_bytes: int | None = None,
        max_total_bytes: int | None = None,
    ) -> None:
        """Change the bounds (unnamed ones stay); applies to what is logged from now."""
        for name, value in (
            ("max_entries", max_entries),
            ("max_body_bytes", max_body_bytes),
            ("max_total_bytes", max_total_bytes),
        ):
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative")
        with self._lock:
            if max_entries is not None:
                self.max_entries = max_entries
            if max_body_bytes is not None:
                self.max_body_bytes = max_body_bytes
            if max_total_bytes is not None:
                self.max_total_bytes = max_total_bytes

    def add(self, **fields: Any) -> LoggedRequest:
        raw: bytes = fields.pop("raw_body", b"")
        kept = raw[: self.max_body_bytes]
        with self._lock:
            self._seq += 1
            entry = LoggedRequest(seq=self._seq, raw_body=kept, body_size=len(raw), **fields)
            self.dropped_bytes += len(raw) - len(kept)
            self._entries.append(entry)
            self.body_bytes += len(kept)
            while self._entries and (
                len(self._entries) > self.max_entries or self.body_bytes > self.max_total_bytes
            ):
                old = self._entries.popleft()
                self.body_bytes -= len(old.raw_body)
                self.dropped_bytes += len(old.raw_body)
                self.evicted += 1
        return entry

    def stats(self) -> dict[str, int]:
        """The bounds and what they cost so far (``GET /_fake/requests`` reports it)."""
        with self._lock:
            return {
                "entries": len(self._entries),
                "body_bytes": self.body_bytes,
                "evicted": self.evicted,
                "dropped_bytes": self.dropped_bytes,
                "max_entries": self.max_entries,
                "max_body_bytes": self.max_body_bytes,
                "max_total_bytes": self.max_total_bytes,
            }

    def entries(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """Logged requests, optionally filtered by method and a glob over the path."""
        with self._lock:
            entries = list(self._entries)
        return [
            e
            for e in entries
            if (method is None or e.method == method.upper())
            and (path is None or fnmatch.fnmatchcase(e.path, path))
        ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.body_bytes = 0
