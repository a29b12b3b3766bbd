"""What makes two requests "the same": canonical URLs, body digests, the index key.

Why not vcrpy's matcher: it compares a request with every recorded interaction in turn,
O(n) per request (~10 ms a request at 1,000 interactions). Here each recorded request is
reduced once, at load, to a hashable key - (method, canonical URL parts chosen by
``match_on``, body digest) - and the index maps key -> FIFO of interactions, so a lookup
costs the same at 10 interactions as at 10,000.

Canonical URLs make cassettes portable: an Orgo host (``www.orgo.ai``, the legacy
``{id}.orgo.dev`` WebSocket host) or a loopback address (the standalone fake on a random
port, the in-process fake's loopback server) becomes ``https://www.orgo.ai`` (``wss://``
for WebSockets), so a cassette recorded against ``http://127.0.0.1:41234/api`` replays in
fake mode, where the same code calls ``https://www.orgo.ai/api``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Sequence
from ipaddress import ip_address
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from pytest_orgo.cassettes.credentials import is_secret_param
from pytest_orgo.routing import is_orgo_host, map_ws_url

ORGO_HTTP = "https://www.orgo.ai"
ORGO_WS = "wss://www.orgo.ai"

Key = tuple[str, ...]


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def canonical_url(url: str) -> str:
    """Orgo and loopback origins rewritten to Orgo's; anything else unchanged."""
    parts = urlsplit(url)
    host = parts.hostname
    if not (is_orgo_host(host) or is_loopback(host)):
        return url
    websocket = parts.scheme in ("ws", "wss")
    origin = ORGO_WS if websocket else ORGO_HTTP
    if websocket:
        mapped = urlsplit(map_ws_url(url, origin))
        if mapped.netloc == "www.orgo.ai":
            parts = mapped
    scheme, netloc = origin.split("://")
    return urlunsplit((scheme, netloc, parts.path, parts.query, ""))


def canonical_body(body: bytes, content_type: str = "") -> bytes:
    """JSON re-dumped with sorted keys, form fields sorted, multipart boundaries fixed."""
    if not body:
        return b""
    stripped = body.lstrip()[:1]
    if stripped in (b"{", b"[") or "json" in content_type:
        try:
            return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            return body
    if "x-www-form-urlencoded" in content_type:
        try:
            pairs = sorted(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return body
        return "&".join(f"{k}={v}" for k, v in pairs).encode()
    if "multipart/" in content_type and "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1].split(";")[0].strip().strip('"')
        if boundary:
            return body.replace(boundary.encode(), b"BOUNDARY")
    return body


def digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest() if body else ""


def request_key(
    method: str, url: str, body: bytes, content_type: str, match_on: Sequence[str]
) -> Key:
    """The index key of a request whose URL and body are already in placeholder form."""
    parts = urlsplit(canonical_url(url))
    key: list[str] = []
    for name in match_on:
        if name == "method":
            key.append(method.upper())
        elif name == "scheme":
            key.append(parts.scheme)
        elif name == "host":
            key.append(parts.hostname or "")
        elif name == "port":
            key.append(str(parts.port or ""))
        elif name == "path":
            key.append(parts.path or "/")
        elif name == "query":
            key.append(canonical_query(parts.query))
        elif name == "body":
            key.append(digest(canonical_body(body, content_type)))
    return tuple(key)


def canonical_query(query: str) -> str:
    """Sorted parameters; a credential's value (``token=``, ``key=``...) compares by name
    only, so a replay with another key (or a constant wrong one) still matches."""
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{k}={'<secret>' if is_secret_param(k) else v}" for k, v in pairs)


def ws_key(url: str) -> str:
    parts = urlsplit(canonical_url(url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, canonical_query(parts.query), ""))


def content_type(headers: Iterable[tuple[str, str]]) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.lower()
    return ""


def describe(method: str, url: str, body: bytes, limit: int = 200) -> str:
    """``METHOD url body`` as a person reads it (and difflib compares it)."""
    text = body.decode("utf-8", "replace") if body else ""
    if len(text) > limit:
        text = text[:limit] + f"... ({len(body)} bytes)"
    return f"{method.upper()} {canonical_url(url)}" + (f" {text}" if text else "")


def closest(wanted: str, candidates: Iterable[str]) -> str | None:
    """The recorded description most like ``wanted`` (difflib), or None if none."""
    best, best_ratio = None, -1.0
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, wanted, candidate, autojunk=False)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best
