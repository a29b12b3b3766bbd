"""``PUT /_fake/vm-api``: the older-image switch over HTTP (mirrors FakeOrgo.set_vm_api)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, StrictBool

from fake_server.framework import ApiRequest, ApiResponse, Router, ok
from fake_server.state import State

if TYPE_CHECKING:
    from fake_server.backend import Backend


class VmApiBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    older_images: StrictBool = False


def vm_control_router(backend: Backend) -> Router:
    router = Router()

    @router.route("PUT", "/vm-api", auth=False)
    def set_vm_api(state: State, request: ApiRequest) -> ApiResponse:
        backend.set_vm_api(older_images=request.model(VmApiBody).older_images)
        return describe(state, request)

    @router.route("GET", "/vm-api", auth=False)
    def describe(state: State, request: ApiRequest) -> ApiResponse:
        """Which image generation the VM API acts as, and its listener's port if served."""
        return ok({"older_images": state.vm_api.older_images, "port": state.vm_api.port})

    return router
