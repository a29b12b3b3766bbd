"""From a raw request to an answer: faults, routing, auth, rate limits, logging, errors.

This is the single entrance to the fake's REST API: the ASGI app and the in-memory
transport both call :meth:`Dispatcher.handle`, so every way of reaching the fake
behaves the same. Whatever happens inside, the answer is JSON: an :class:`ApiError`
becomes its documented shape, and a bug becomes a JSON 500 that names it (the fuzz
tests exist to keep that from ever happening).
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from fake_server.control_access import ControlAccess
from fake_server.errors import ApiError
from fake_server.faults import Fault, Faults, RateLimit
from fake_server.framework import ApiRequest, ApiResponse, Router
from fake_server.request_log import RequestLog
from fake_server.state import State

logger = logging.getLogger("fake_server")

API_PREFIX = "/api"
CONTROL_PREFIX = "/_fake"


def fault_error(fault: Fault) -> ApiError:
    """The error an injected fault with a ``status`` answers (each surface wraps it in
    its own envelope: the platform's with a request id, the VM API's without)."""
    assert fault.status is not None
    headers = {}
    if fault.retry_after is not None or fault.status == 429:
        headers["Retry-After"] = RateLimit.header(fault.retry_after or 1)
    message = fault.message or ("Too many requests" if fault.status == 429 else "Injected fault")
    return ApiError(fault.status, message, headers=headers)


class Handle(Protocol):
    """A surface's single entrance, from a raw request to its answer: what the ASGI app
    and the in-memory transport call (:meth:`Dispatcher.handle` for the platform, the VM
    API's dispatcher for a computer's own address), as httpx's ``MockTransport`` takes a
    handler. ``network`` and ``peer`` say the request came over a socket and from where
    (the control surface is guarded then); a surface without one ignores them."""

    def __call__(
        self,
        method: str,
        path: str,
        *,
        query_string: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        origin: str = "https://www.orgo.ai",
        network: bool = False,
        peer: str | None = None,
    ) -> ApiResponse: ...


@dataclass
class Dispatcher:
    state: Callable[[], State]
    api: Router
    control: Router
    log: RequestLog
    faults: Faults
    rate_limit: Callable[[], RateLimit | None]
    request_ids: random.Random
    access: ControlAccess | None = None  # guards /_fake over the network

    def handle(
        self,
        method: str,
        path: str,
        *,
        query_string: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        origin: str = "https://www.orgo.ai",
        network: bool = False,
        peer: str | None = None,
    ) -> ApiResponse:
        """``network``: the request came over a socket (from ``peer``), so the control
        surface is guarded; in-process calls are the test itself."""
        headers = headers or {}
        method = method.upper()
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            request = ApiRequest(
                method, path[len(CONTROL_PREFIX) :] or "/", query_string, headers, body, origin
            )
            if network and self.access is not None:
                refused = self.access.refusal(headers, peer)
                if refused is not None:
                    return self._error(ApiError(403, refused))
                request.trusted = self.access.has_token(headers)
            return self._run(self.control, request, control=True)
        prefixed = path == API_PREFIX or path.startswith(API_PREFIX + "/")
        sub = path[len(API_PREFIX) :] if prefixed else path
        sub = sub.rstrip("/") or "/"
        request = ApiRequest(method, sub, query_string, headers, body, origin)
        response = self._run(self.api, request, control=False, prefixed=prefixed)
        self._log(request, response)
        return response

    def _request_id(self) -> str:
        return str(uuid.UUID(int=self.request_ids.getrandbits(128), version=4))

    def _error(self, error: ApiError) -> ApiResponse:
        headers = dict(error.headers)
        headers["x-request-id"] = request_id = self._request_id()
        return ApiResponse(status=error.status, body=error.body(request_id), headers=headers)

    def _run(
        self, router: Router, request: ApiRequest, *, control: bool, prefixed: bool = True
    ) -> ApiResponse:
        try:
            if not prefixed:
                raise ApiError(404, "Not found: the Orgo API lives under /api")
            fault = None if control else self.faults.take(request.method, request.path)
            if fault is not None and (fault.drop or fault.status is not None):
                response = self._fault_response(fault)
            else:
                response = self._route(router, request)
            if fault is not None:
                response.delay += fault.delay
            return response
        except ApiError as error:
            return self._error(error)
        except Exception as exc:  # a bug in the fake: say so, in the API's shape
            logger.exception("fake_server: unhandled error on %s %s", request.method, request.path)
            return self._error(ApiError(500, f"Internal error in the fake Orgo server: {exc!r}"))

    def _fault_response(self, fault: Fault) -> ApiResponse:
        if fault.drop:
            return ApiResponse(status=0, body=None, drop=True)
        return self._error(fault_error(fault))

    def _route(self, router: Router, request: ApiRequest) -> ApiResponse:
        route, params = router.match(request.method, request.path)
        request.path_params = params
        state = self.state()
        if route.auth:
            request.key = state.authenticate(request.headers.get("authorization"))
            limit = self.rate_limit()
            if limit is not None:
                wait = limit.check(request.key.key)
                if wait is not None:
                    raise ApiError(
                        429, "Too many requests", headers={"Retry-After": RateLimit.header(wait)}
                    )
        with state.lock:
            if state.clock.mode == "real":
                state.clock.fire_due()
            return route.handler(state, request)

    def _log(self, request: ApiRequest, response: ApiResponse) -> None:
        self.log.add(
            time=self.state().clock.now(),
            method=request.method,
            path=request.path,
            query=request.query_string,
            status=response.status,
            raw_body=request.body,
            content_type=request.headers.get("content-type", ""),
            key=request.key.key if request.key is not None else None,
        )
