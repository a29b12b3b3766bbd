"""``/_fake``: the control surface over HTTP, for tests that run in another process
(the standalone server, a live-mode run pointed at it). Mirrors the backend's control methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from fake_server.errors import bad_request, forbidden, not_found
from fake_server.framework import ApiRequest, ApiResponse, Handler, Router, ok
from fake_server.routes.control_desktop import desktop_router
from fake_server.state import State

if TYPE_CHECKING:
    from fake_server.backend import Backend


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeyBody(_Body):
    key: StrictStr = Field(min_length=1)
    workspace_id: StrictStr | None = None
    account_id: StrictStr | None = None


class PlanBody(_Body):
    max_running_computers: StrictInt | None = Field(default=None, ge=0)
    max_ram_gb: StrictInt | None = Field(default=None, ge=1)
    max_cpu: float | None = Field(default=None, gt=0)
    max_disk_gb: StrictInt | None = Field(default=None, ge=1)
    allow_windows: StrictBool = False
    allow_gpu: StrictBool = True


class LifecycleBody(_Body):
    mode: str = "immediate"
    delay: float = Field(default=0.0, ge=0)
    idempotent: StrictBool = False
    create_latency: float = Field(default=0.0, ge=0, le=600)


class AdvanceBody(_Body):
    seconds: float = Field(ge=0, le=10_000_000)


class SettleBody(_Body):
    computer_id: StrictStr | None = None


class FaultBody(_Body):
    status: StrictInt | None = Field(default=None, ge=100, le=599)
    message: StrictStr | None = None
    delay: float = Field(default=0.0, ge=0, le=600)
    drop: StrictBool = False
    method: StrictStr | None = None
    path: StrictStr | None = None
    times: StrictInt | None = Field(default=1, ge=1)
    retry_after: float | None = Field(default=None, ge=0)


class RateLimitBody(_Body):
    requests: StrictInt | None = Field(default=None, ge=1)
    per_seconds: float = Field(default=1.0, gt=0)
    retry_after: float | None = Field(default=None, ge=0)


def control_router(backend: Backend) -> Router:
    router = Router()

    def handler(method: str, path: str) -> Callable[[Handler], Handler]:
        return router.route(method, path, auth=False)

    @handler("POST", "/reset")
    def reset(state: State, request: ApiRequest) -> ApiResponse:
        backend.reset()
        return ok({"success": True})

    @handler("GET", "/state")
    def counts(state: State, request: ApiRequest) -> ApiResponse:
        return ok({**state.counts(), "time": state.clock.now(), "clock": state.clock.mode})

    @handler("GET", "/requests")
    def requests(state: State, request: ApiRequest) -> ApiResponse:
        entries = backend.requests(request.query.get("method"), request.query.get("path"))
        return ok({"requests": [e.to_json() for e in entries], "log": backend.log.stats()})

    @handler("DELETE", "/requests")
    def clear_requests(state: State, request: ApiRequest) -> ApiResponse:
        backend.log.clear()
        return ok({"success": True})

    @handler("POST", "/keys")
    def add_key(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(KeyBody)
        if not request.trusted and not backend.key_grants_nothing_new(body.key, body.account_id):
            raise forbidden(
                "Creating this key needs the control token (X-Orgo-Fake-Token): it would "
                "reach another account, replace a key, or pass a --api-key restriction"
            )
        key = backend.add_api_key(
            body.key, workspace_id=body.workspace_id, account_id=body.account_id
        )
        return ok(
            {"key": key.key, "account_id": key.account_id, "workspace_id": key.workspace_id}, 201
        )

    @handler("PUT", "/plan")
    def set_plan(state: State, request: ApiRequest) -> ApiResponse:
        plan = backend.set_plan(**request.model(PlanBody).model_dump())
        return ok(vars(plan))

    @handler("PUT", "/lifecycle")
    def set_lifecycle(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(LifecycleBody)
        try:
            backend.set_lifecycle(
                body.mode,  # type: ignore[arg-type]
                delay=body.delay,
                idempotent=body.idempotent,
                create_latency=body.create_latency,
            )
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        return ok(body.model_dump())

    @handler("POST", "/settle")
    def settle(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(SettleBody)
        if body.computer_id is not None and state.find_computer(body.computer_id) is None:
            raise not_found("Computer not found")
        return ok({"settled": backend.settle(body.computer_id)})

    @handler("POST", "/clock/advance")
    def advance(state: State, request: ApiRequest) -> ApiResponse:
        backend.advance(request.model(AdvanceBody).seconds)
        return ok({"time": backend.clock.now()})

    @handler("GET", "/faults")
    def list_faults(state: State, request: ApiRequest) -> ApiResponse:
        return ok({"faults": [f.to_json() for f in backend.faults.active()]})

    @handler("POST", "/faults")
    def add_fault(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(FaultBody)
        try:
            fault = backend.inject_fault(**body.model_dump())
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        return ok(fault.to_json(), 201)

    @handler("DELETE", "/faults")
    def clear_faults(state: State, request: ApiRequest) -> ApiResponse:
        backend.faults.clear()
        return ok({"success": True})

    @handler("PUT", "/rate-limit")
    def rate_limit(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(RateLimitBody)
        backend.set_rate_limit(
            body.requests, per_seconds=body.per_seconds, retry_after=body.retry_after
        )
        return ok(body.model_dump())

    router.include(desktop_router(backend))
    return router
