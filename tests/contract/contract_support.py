"""The contract suite's machinery: a recording HTTP client and the report it feeds.

Why record: the suite exists to measure how far the fake is from the real API. A red
test says *that* something differs; the report says *what* the endpoint answered, so a
user with a key can send it back as a bug report or a fix to the fake. Every exchange
is recorded under the check that made it (a test, or a named step inside one with
:meth:`Recorder.step`), with the request, the status and the body seen. API keys never
enter the report, and password fields are redacted.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

BODY_TEXT_LIMIT = 4000
SECRET_FIELDS = frozenset({"vnc_password", "password", "token"})
HOUSEKEEPING = "session fixtures (outside any check)"


@dataclass
class Check:
    """One named expectation and what was seen while checking it."""

    name: str
    outcome: str = "running"  # passed | failed | error
    message: str | None = None
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "message": self.message,
            "exchanges": self.exchanges,
        }


class Recorder:
    """Every check of the run, in the order they ran; exchanges go to the innermost."""

    def __init__(self) -> None:
        self.checks: list[Check] = []
        self._open: list[Check] = []
        self._housekeeping = False

    def begin(self, name: str) -> Check:
        check = Check(name)
        self.checks.append(check)
        self._open.append(check)
        return check

    def end(self, check: Check, outcome: str, message: str | None = None) -> None:
        if check.outcome in ("running", "passed"):  # a failure, once seen, stays
            check.outcome, check.message = outcome, message
        if check in self._open:
            self._open.remove(check)

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[Check]:
        """A named check inside a test: its own outcome and exchanges in the report."""
        parent = self._open[-1].name if self._open else "contract"
        check = self.begin(f"{parent} > {label}")
        try:
            yield check
        except BaseException as exc:
            self.end(check, "failed", _describe(exc))
            raise
        self.end(check, "passed")

    def record(self, exchange: dict[str, Any]) -> None:
        if self._open and not self._housekeeping:
            self._open[-1].exchanges.append(exchange)
            return
        # Cleanup (deleting the run's computers and workspace) is recorded, but it is
        # housekeeping, not an expectation of whichever test happened to run last.
        if not self.checks or self.checks[-1].name != HOUSEKEEPING:
            self.checks.append(Check(HOUSEKEEPING, outcome="passed"))
        self.checks[-1].exchanges.append(exchange)

    @contextlib.contextmanager
    def housekeeping(self) -> Iterator[None]:
        """Record what happens inside as housekeeping (fixture teardown)."""
        self._housekeeping = True
        try:
            yield
        finally:
            self._housekeeping = False

    def report(self, **meta: Any) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for check in self.checks:
            counts[check.outcome] = counts.get(check.outcome, 0) + 1
        return {**meta, "summary": counts, "checks": [c.to_json() for c in self.checks]}


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500] if text else type(exc).__name__


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<redacted>" if k in SECRET_FIELDS else _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return value


def describe_body(content: bytes, content_type: str) -> Any:
    """JSON as JSON; text as (truncated) text; anything else by size and digest."""
    if not content:
        return None
    if "json" in content_type:
        try:
            return _redact(json.loads(content))
        except ValueError:
            pass
    if content_type.startswith("text/"):
        return content.decode("utf-8", "replace")[:BODY_TEXT_LIMIT]
    return {
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "head_base64": base64.b64encode(content[:16]).decode(),
    }


class ContractClient:
    """httpx, aimed at the run's API (the fake in memory, or a live endpoint), recording.

    The key goes only to the API's own origin (download links may point elsewhere)."""

    def __init__(
        self,
        recorder: Recorder,
        *,
        base_url: str,
        api_key: str,
        transport: httpx.BaseTransport | None,
        timeout: float = 120.0,
    ) -> None:
        self.recorder = recorder
        self.base_url = base_url.rstrip("/")
        self.origin = _origin(httpx.URL(self.base_url))
        self.api_key = api_key
        self.http = httpx.Client(transport=transport, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def url(self, path: str) -> str:
        """An API path (``/computers``), an origin-relative one (``/api/...``) or a URL."""
        if path.startswith(("http://", "https://")):
            return path
        if path.startswith("/api/"):
            return str(httpx.URL(self.base_url).join(path))
        return self.base_url + path

    def request(
        self, method: str, path: str, *, auth: bool = True, **kwargs: Any
    ) -> httpx.Response:
        url = httpx.URL(self.url(path))
        headers = dict(kwargs.pop("headers", None) or {})
        if auth and _origin(url) == self.origin:
            headers.setdefault("Authorization", f"Bearer {self.api_key}")
        started = time.perf_counter()
        response = self.http.request(method, url, headers=headers, **kwargs)
        elapsed = time.perf_counter() - started
        self.recorder.record(_exchange(response, elapsed))
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _exchange(response: httpx.Response, elapsed: float) -> dict[str, Any]:
    request = response.request
    request_type = request.headers.get("content-type", "")
    if request_type.startswith("multipart/"):
        size = request.headers.get("content-length")  # a stream over a socket: not kept
        request_body: Any = {"multipart": True, "size": int(size) if size else None}
    else:
        request_body = describe_body(request.content, request_type)
    url = (
        request.url.copy_remove_param("signature")
        if "signature" in request.url.params
        else request.url
    )
    return {
        "request": {"method": request.method, "url": str(url), "body": request_body},
        "response": {
            "status": response.status_code,
            "content_type": response.headers.get("content-type"),
            "body": describe_body(response.content, response.headers.get("content-type", "")),
        },
        "seconds": round(elapsed, 4),
    }


# -- what every check asserts -------------------------------------------------------------


def error_body(response: httpx.Response, status: int) -> dict[str, Any]:
    """The documented error: this status, JSON ``{"error": str, "request_id": str, ...}``."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text[:300]}"
    )
    assert response.headers.get("content-type", "").startswith("application/json")
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("error"), str) and body["error"], body
    assert isinstance(body.get("request_id"), str) and body["request_id"], body
    return body


def success_body(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text[:300]}"
    )
    body = response.json()
    assert isinstance(body, dict), body
    return body


def wait_for_status(
    client: ContractClient, computer_id: str, wanted: str, timeout: float
) -> dict[str, Any]:
    """Poll ``GET /computers/{id}`` until ``status == wanted`` (at once against the fake)."""
    deadline = time.monotonic() + timeout
    delay = 0.5
    while True:
        body = success_body(client.get(f"/computers/{computer_id}"))
        if body.get("status") == wanted or time.monotonic() > deadline:
            assert body.get("status") == wanted, f"still {body.get('status')!r} after {timeout} s"
            return body
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def new_computer(
    client: ContractClient, workspace: dict[str, Any], label: str, timeout: float
) -> dict[str, Any]:
    """A computer with every setting at its default, once it runs."""
    name = f"contract-{label}-{uuid.uuid4().hex[:6]}"
    created = success_body(
        client.post("/computers", json={"workspace_id": workspace["id"], "name": name}), 201
    )
    if created.get("status") != "running":
        wait_for_status(client, created["id"], "running", timeout)
    return created
