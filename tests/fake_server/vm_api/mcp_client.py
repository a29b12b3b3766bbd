"""The official Orgo MCP server's calls (github nickvasilescu/orgo-mcp 4.1.1,
``src/client.ts`` and ``src/terminal.ts``), made the same way from Python.

What it sends, step for step: the platform under ``{base}/computers/...`` with the API
key; the VM at ``http://{publicHost}:{apiPort}/{endpoint}`` with ``Authorization: Bearer
<desktop_api_token or password>`` from ``GET /computers/{id}/vnc-password``, the address
from ``POST /computers/{id}/ensure-running`` (both cached); on a VM 401 it drops both
caches and tries once more; a platform 5xx falls back to the VM. The terminal tries
``?token=`` first and then the Bearer header, and wraps each command in sentinels.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

_COUNTER = itertools.count(1)


class HttpError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass
class McpLikeClient:
    base_url: str  # e.g. http://127.0.0.1:PORT/api
    api_key: str
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    tokens: dict[str, str] = field(default_factory=dict)
    instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    vnc_fetches: int = 0

    # -- client.ts ----------------------------------------------------------------------

    def api_request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(
            method,
            f"{self.base_url}/{path}",
            headers={"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"},
            content=json.dumps(body) if body is not None else None,
        )
        return _answer(response)

    def vm_token(self, computer_id: str) -> str:
        if computer_id not in self.tokens:
            data = self.api_request("GET", f"computers/{computer_id}/vnc-password")
            self.vnc_fetches += 1
            self.tokens[computer_id] = data.get("desktop_api_token") or data["password"]
        return self.tokens[computer_id]

    def instance_info(self, computer_id: str) -> dict[str, Any]:
        if computer_id not in self.instances:
            self.instances[computer_id] = self.api_request(
                "POST", f"computers/{computer_id}/ensure-running"
            )
        return self.instances[computer_id]

    def vm_endpoint(self, computer_id: str) -> tuple[str, int]:
        details = self.instance_info(computer_id).get("instance_details") or {}
        host = details.get("publicHost") or details.get("vncHost")
        assert details.get("apiPort") and host, details
        return str(host), int(details["apiPort"])

    def clear_cache(self, computer_id: str) -> None:
        self.tokens.pop(computer_id, None)
        self.instances.pop(computer_id, None)

    def direct_vm_request(
        self, method: str, computer_id: str, endpoint: str, body: dict[str, Any] | None = None
    ) -> Any:
        def attempt() -> Any:
            token = self.vm_token(computer_id)
            host, port = self.vm_endpoint(computer_id)
            response = self.http.request(
                method,
                f"http://{host}:{port}/{endpoint}",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                content=json.dumps(body) if body is not None else None,
            )
            return _answer(response)

        try:
            return attempt()
        except HttpError as error:
            if error.status != 401:
                raise
            self.clear_cache(computer_id)
            return attempt()

    def computer_action(
        self,
        method: str,
        computer_id: str,
        endpoint: str,
        body: dict[str, Any] | None = None,
        *,
        direct: bool = False,
    ) -> Any:
        if direct:
            return self.direct_vm_request(method, computer_id, endpoint, body)
        try:
            return self.api_request(method, f"computers/{computer_id}/{endpoint}", body)
        except HttpError as error:
            if error.status < 500:
                raise
        return self.direct_vm_request(method, computer_id, endpoint, body)

    def screenshot(self, computer_id: str) -> tuple[bytes, int, int]:
        data = self.computer_action("GET", computer_id, "screenshot", direct=True)
        return base64.b64decode(data["image"]), data["width"], data["height"]

    # -- terminal.ts --------------------------------------------------------------------

    def terminal(self, computer_id: str, cols: int = 200, rows: int = 50) -> ClientConnection:
        """Connect: ``?token=`` first, then the Bearer header; both refused drops the
        caches (a stale token) and raises the last error."""
        host, port = self.vm_endpoint(computer_id)
        token = self.vm_token(computer_id)
        base = f"ws://{host}:{port}/terminal"
        attempts: list[tuple[str, dict[str, str] | None]] = [
            (f"{base}?token={token}&cols={cols}&rows={rows}", None),
            (f"{base}?cols={cols}&rows={rows}", {"Authorization": f"Bearer {token}"}),
        ]
        last: Exception | None = None
        for url, headers in attempts:
            try:
                return connect(url, additional_headers=headers, open_timeout=15)
            except (InvalidStatus, OSError) as error:
                last = error
        self.clear_cache(computer_id)
        assert last is not None
        raise last


def wrapped_command(command: str, *, full: bool) -> tuple[str, str, str]:
    """The line the MCP server types, with its sentinels. ``full``: the exact wrapper
    (``eval "$(printf '%s' '<b64>' | base64 -d)"``); otherwise the command runs bare
    between the same two ``printf`` sentinels."""
    ident = f"1700000000000_{next(_COUNTER)}"
    begin, done = f"__ORGO_BEGIN_{ident}__", f"__ORGO_DONE_{ident}__"
    if full:
        encoded = base64.b64encode(command.encode()).decode()
        middle = f"eval \"$(printf '%s' '{encoded}' | base64 -d)\""
    else:
        middle = command
    line = f"printf '\\n%s\\n' {begin}; {middle}; printf '\\n%s:%s\\n' {done} $?"
    return line, begin, done


def run_in_terminal(
    ws: ClientConnection, command: str, *, full: bool = False, timeout: float = 10
) -> tuple[str, int]:
    """``executeNow``: send the wrapped line with ``\\r``, read output frames until the
    DONE line; the output is what lies between the last BEGIN line and DONE."""
    line, begin, done = wrapped_command(command, full=full)
    begin_line = re.compile(rf"(?:^|[\r\n]){begin}\s*[\r\n]")
    done_line = re.compile(rf"[\r\n]{done}:(\d+)\s*(?:[\r\n]|$)")
    ws.send(json.dumps({"type": "input", "data": line + "\r"}))
    output = ""
    while True:
        message = json.loads(ws.recv(timeout=timeout))
        if message.get("type") != "output":
            continue
        output += message["data"]
        found = done_line.search(output)
        if found:
            starts = [m.end() for m in begin_line.finditer(output, 0, found.start() + 1)]
            assert starts, f"no BEGIN line before DONE in {output!r}"
            return output[starts[-1] : found.start()].strip(), int(found.group(1))


def _answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        try:
            detail = str(response.json().get("error") or "")
        except ValueError:
            detail = ""
        raise HttpError(response.status_code, detail)
    return response.json()
