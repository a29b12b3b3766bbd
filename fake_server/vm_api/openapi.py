"""The VM API's part of the published OpenAPI document.

Its routes come from the same route table the VM dispatcher uses, so the document lists
exactly what it answers; they differ from the platform's in where they live (a path-level
server, ``http://{publicHost}:{apiPort}``, from ``instance_details``) and how they
authenticate (the ``desktop_api_token`` bearer from ``GET /computers/{id}/vnc-password``).
"""

from __future__ import annotations

from typing import Any

from fake_server.framework import Router
from fake_server.vm_api.dispatch import vm_router

VM_SERVER: dict[str, Any] = {
    "url": "http://{publicHost}:{apiPort}",
    "description": "A computer's direct VM API: instance_details.publicHost and apiPort "
    "from POST /computers/{id}/ensure-running (WS /terminal lives there too).",
    "variables": {"publicHost": {"default": "127.0.0.1"}, "apiPort": {"default": "80"}},
}
VM_SECURITY: dict[str, Any] = {
    "type": "http",
    "scheme": "bearer",
    "description": "Authorization: Bearer <desktop_api_token> (GET /computers/{id}/vnc-password)",
}


def with_vm_api(platform: Router) -> tuple[Router, set[str]]:
    """The platform's routes plus the VM API's, and the VM paths' templates."""
    vm = vm_router(platform)
    merged = Router()
    merged.include(platform)
    merged.include(vm)
    return merged, {route.template for route in vm.routes}


def describe_vm_paths(document: dict[str, Any], vm_paths: set[str]) -> dict[str, Any]:
    """Give the VM API's paths their server, security scheme, tag and operation ids."""
    for template in vm_paths:
        item = document["paths"][template]
        item["servers"] = [VM_SERVER]
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            operation["operationId"] = "vm_" + template.strip("/")
            operation["tags"] = ["vm-api"]
            operation["security"] = [{"vmToken": []}]
    document["components"]["securitySchemes"]["vmToken"] = VM_SECURITY
    return document
