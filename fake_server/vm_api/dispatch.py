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

from fake_server.errors import ApiError
from fake_server.framework import ApiRequest, ApiResponse, Route, Router, dump
from fake_server.models import VmScreenshotOut
from fake_server.state import ApiKey, Computer, State
from fake_server.vm_api.address import instance_of_host

if TYPE_CHECKING:
    from fake_server.server import FakeOrgo

logger = logging.getLogger("fake_server")

# The platform actions the VM API also answers (section 20), same names and bodies.
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


class VmDispatcher:
    """The VM API's single entrance, with :class:`fake_server.dispatch.Dispatcher`'s
    call signature so the ASGI app and the in-memory transport can use either."""

    def __init__(self, fake: FakeOrgo, platform: Router) -> None:
        self.fake = fake
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
        # ``network``/``peer`` match the platform dispatcher's signature (the ASGI app
        # passes them); the VM API has no control surface for them to guard.
        del network, peer
        headers = headers or {}
        path = path.rstrip("/") or "/"
        try:
            route, _ = self.router.match(method.upper(), path)
            state = self.fake.state
            with state.lock:
                if state.clock.mode == "real":
                    state.clock.fire_due()
                host = headers.get("host") or origin.partition("://")[2]
                computer = authenticate(state, bearer_token(headers), host)
                request = ApiRequest(
                    method.upper(),
                    f"/computers/{computer.id}{path}",
                    query_string,
                    headers,
                    body,
                    origin,
                    path_params={"computer_id": computer.id},
                    key=ApiKey("vm:" + computer.id, computer.account_id),
                )
                return route.handler(state, request)
        except ApiError as error:
            return ApiResponse(
                status=error.status, body={"error": error.message}, headers=error.headers
            )
        except Exception as exc:  # a bug in the fake: say so, in the VM's error shape
            logger.exception("fake_server: unhandled error on VM API %s %s", method, path)
            return ApiResponse(
                status=500, body={"error": f"Internal error in the fake VM API: {exc!r}"}
            )
