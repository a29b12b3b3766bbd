"""The VM API's REST side: authenticate the bearer token, then run the platform route.

Every VM endpoint is the platform's ``/computers/{id}/{action}`` route with the computer
taken from the token instead of the path, so a click through the VM API and one through
``/api`` run the same code and answer the same body. Only the envelope differs: the VM
answers errors as ``{"error": ...}`` alone (no request id, it is not the platform), and
its screenshot is ``{image, width, height}``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from starlette.routing import compile_path

from fake_server.dispatch import fault_error
from fake_server.errors import ApiError
from fake_server.framework import ApiRequest, ApiResponse, Route, Router, dump
from fake_server.models import VmScreenshotOut
from fake_server.state import ApiKey, Computer, State
from fake_server.vm_api.address import instance_of_host

if TYPE_CHECKING:
    from fake_server.backend import Backend

logger = logging.getLogger("fake_server")

# The platform actions the VM API also answers (section 20), same names and bodies.
# Where VM API calls appear in the request log and fault matching (see :func:`log_path`).
VM_LOG_PREFIX = "/vm"
ACTIONS = ("click", "type", "key", "scroll", "drag", "wait", "bash", "exec")


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (None if absent)."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(state: State, token: str | None, host: str | None) -> Computer:
    """The computer a VM API call is for; 401 for a missing, stale or foreign token.

    A VNC password is refused unless the fake acts as an older image (where the two are
    the same). On a ``{instance_id}.vm.orgo.test`` host the token must be that VM's."""
    if token is None:
        raise ApiError(401, "Missing Authorization: Bearer <desktop_api_token>")
    computer = state.computer_by_vm_token(token)
    named = instance_of_host(host)
    if computer is None or (named is not None and computer.instance_id != named):
        raise ApiError(401, "Invalid desktop API token")
    return computer


def _platform_route(platform: Router, method: str, action: str) -> Route:
    route, _ = platform.match(method, f"/computers/_/{action}")
    return route


def _screenshot_handler(platform: Route) -> Route:
    """``GET /screenshot``: the platform's base64 screenshot, as the VM words it."""

    def screenshot(state: State, request: ApiRequest) -> ApiResponse:
        """Take a screenshot: the PNG as base64, with its size."""
        request.query_string, request._query = "response_format=base64", None
        answer = platform.handler(state, request).body
        return dump(
            VmScreenshotOut(image=answer["image"], width=answer["width"], height=answer["height"])
        )

    return _vm_route(platform, "GET", "/screenshot", screenshot, query=None, answer=VmScreenshotOut)


def _vm_route(
    platform: Route, method: str, template: str, handler: object, **changes: object
) -> Route:
    regex, _, _ = compile_path(template)
    return dataclasses.replace(
        platform,
        method=method,
        template=template,
        regex=regex,
        handler=handler,  # type: ignore[arg-type]
        endpoint=handler,  # type: ignore[arg-type]
        auth=False,  # the VM's own token, checked by VmDispatcher, not an API key
        **changes,  # type: ignore[arg-type]
    )


def vm_router(platform: Router) -> Router:
    """The VM API's route table, made from the platform's (models and handlers shared)."""
    router = Router()
    routes = [_screenshot_handler(_platform_route(platform, "GET", "screenshot"))]
    for action in ACTIONS:
        route = _platform_route(platform, "POST", action)
        routes.append(_vm_route(route, "POST", f"/{action}", route.handler))
        routes[-1] = dataclasses.replace(routes[-1], endpoint=route.endpoint)
    for route in routes:
        router._register(route)  # ready-made Route objects: no endpoint to bind
    return router


def _identify(state: State, token: str | None, host: str | None) -> Computer | None:
    """The computer a call is for, or None when its token names none (no error: the log
    and fault matching need the computer before the call is refused or answered)."""
    try:
        return authenticate(state, token, host)
    except ApiError:
        return None


def log_path(computer: Computer | None, path: str) -> str:
    """How a VM API call appears in the request log and fault matching:
    ``/vm/{computer_id}/{endpoint}``, ``-`` for the id when the token names no computer."""
    return f"{VM_LOG_PREFIX}/{computer.id if computer is not None else '-'}{path}"


class VmDispatcher:
    """The VM API's single entrance: :meth:`handle` is a
    :class:`~fake_server.dispatch.Handle`, as the platform dispatcher's is, so the ASGI app
    and the in-memory transport take either.

    Like the platform, every call is logged and honours injected faults, under
    :func:`log_path` (``/vm/{computer_id}/screenshot``), so a fault on
    ``/computers/*/click`` leaves the VM's ``/click`` working (the MCP server's fallback)
    and one on ``/vm/*/click`` fails it; a fault with no path matches both surfaces.
    Rate limits are the platform's (per API key) and do not apply here."""

    def __init__(self, backend: Backend, platform: Router) -> None:
        self.backend = backend
        self.router = vm_router(platform)

    def handle(
        self,
        method: str,
        path: str,
        *,
        query_string: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        origin: str = "",
        network: bool = False,
        peer: str | None = None,
    ) -> ApiResponse:
        # ``network``/``peer`` are part of a Handle (the ASGI app passes them); the VM API
        # has no control surface for them to guard.
        del network, peer
        headers = headers or {}
        method = method.upper()
        path = path.rstrip("/") or "/"
        state = self.backend.state
        token = bearer_token(headers)
        host = headers.get("host") or origin.partition("://")[2]
        with state.lock:
            logged = log_path(_identify(state, token, host), path)
        fault = self.backend.faults.take(method, logged)
        if fault is not None and fault.drop:
            response = ApiResponse(status=0, body=None, drop=True)
        elif fault is not None and fault.status is not None:
            response = _error(fault_error(fault))
        else:
            response = self._answer(method, path, query_string, headers, body, origin, host)
        if fault is not None:
            response.delay += fault.delay
        self.backend.log.add(
            time=state.clock.now(),
            method=method,
            path=logged,
            query=query_string,
            status=response.status,
            raw_body=body,
            content_type=headers.get("content-type", ""),
            key=token,
        )
        return response

    def _answer(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: Mapping[str, str],
        body: bytes,
        origin: str,
        host: str,
    ) -> ApiResponse:
        try:
            route, _ = self.router.match(method, path)
            state = self.backend.state
            with state.lock:
                if state.clock.mode == "real":
                    state.clock.fire_due()
                computer = authenticate(state, bearer_token(headers), host)
                request = ApiRequest(
                    method,
                    f"/computers/{computer.id}{path}",
                    query_string,
                    headers,
                    body,
                    origin,
                    path_params={"computer_id": computer.id},
                    key=ApiKey("vm:" + computer.id, computer.account_id),
                )
                # a long bash/exec yields this lock as it runs: the platform handler
                # wraps its run in desktop.cooperative.cooperative, which releases every
                # level this thread holds (this one included)
                return route.handler(state, request)
        except ApiError as error:
            return _error(error)
        except Exception as exc:  # a bug in the fake: say so, in the VM's error shape
            logger.exception("fake_server: unhandled error on VM API %s %s", method, path)
            return ApiResponse(
                status=500, body={"error": f"Internal error in the fake VM API: {exc!r}"}
            )


def _error(error: ApiError) -> ApiResponse:
    """The VM's error envelope: ``{"error": ...}`` alone (no request id)."""
    return ApiResponse(status=error.status, body={"error": error.message}, headers=error.headers)
