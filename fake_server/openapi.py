"""The fake's REST API as an OpenAPI 3.1 document, served at ``GET /api/openapi.json``.

Why build it from the route table rather than write it by hand: the document is what
schemathesis fuzzes and what users diff against the real API, so it must say what the
fake does, not what someone remembered. Every route contributes its method and path
template (path parameters), its ``Body[Model]`` / ``Query[Model]`` declarations (request
body and query parameters, from the pydantic models' JSON Schema), its success status,
answer model and media type, and whether it needs the Bearer key. Every operation may
fail with the one error shape ``{"error", "request_id", code?}``.

OpenAPI 3.1 because its schema dialect is JSON Schema 2020-12, which is what pydantic
writes (``null`` as a type, ``$defs``); 3.0 would need the schemas rewritten.
"""

from __future__ import annotations

import functools
import json
import re
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from fake_server.framework import ApiRequest, ApiResponse, Route, Router

if TYPE_CHECKING:
    from fake_server.state import State

OPENAPI_VERSION = "3.1.0"
DOCUMENT_PATH = "/openapi.json"  # below /api
REF = "#/components/schemas/{model}"
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every failure: a message, the request's id, and for a workspace-scope "
    "mismatch a code and the two workspace ids.",
    "required": ["error", "request_id"],
    "properties": {
        "error": {"type": "string", "minLength": 1},
        "request_id": {"type": "string", "format": "uuid"},
        "code": {"type": "string"},
        "key_workspace_id": {"type": "string"},
        "target_workspace_id": {"type": ["string", "null"]},
    },
}
ANY_OBJECT: dict[str, Any] = {"type": "object"}

router = Router()


@router.get(DOCUMENT_PATH, auth=False)
def openapi_json(state: State, request: ApiRequest) -> ApiResponse:
    """This document (no key needed, like any published API description)."""
    return ApiResponse(body=_encoded())


@functools.cache
def _encoded() -> bytes:
    return json.dumps(document(), separators=(",", ":")).encode()


@functools.cache
def document() -> dict[str, Any]:
    """The document for the fake's own REST API (built once: route tables are fixed):
    the platform's routes, the agent's (chat completions, chat threads), the VM API's."""
    from fake_server.agent.openapi import agent_routes, describe_agent_paths
    from fake_server.routes import api_router
    from fake_server.vm_api.openapi import describe_vm_paths, with_vm_api

    platform = api_router()
    platform.include(router)  # this document's own route, which the facade serves too
    merged, vm_paths = with_vm_api(platform)
    agent = agent_routes()
    merged.include(agent)
    described = describe_agent_paths(
        build_document(merged), {route.template for route in agent.routes}
    )
    return describe_vm_paths(described, vm_paths)


def build_document(router: Router) -> dict[str, Any]:
    """An OpenAPI 3.1 document describing every route of ``router``."""
    schemas = _component_schemas(router.routes)
    paths: dict[str, dict[str, Any]] = {}
    operation_ids: set[str] = set()
    for route in router.routes:
        operation = _operation(route, operation_ids)
        paths.setdefault(route.template, {})[route.method.lower()] = operation
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Orgo API (pytest-orgo's fake)",
            "version": _version(),
            "description": "The REST API of the fake Orgo cloud-desktop service bundled "
            "with pytest-orgo, generated from its route table. Paths are below /api.",
        },
        "servers": [{"url": "/api"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": {**schemas, "Error": ERROR_SCHEMA},
            "responses": {
                "Error": {
                    "description": "The request failed; the message says why.",
                    "content": {"application/json": {"schema": _ref("Error")}},
                }
            },
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Authorization: Bearer <ORGO_API_KEY>",
                }
            },
        },
    }


def _version() -> str:
    try:
        return version("pytest-orgo")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "dev"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _component_schemas(routes: list[Route]) -> dict[str, Any]:
    """JSON Schemas of every model the routes name, as components (refs point there)."""
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {}
    for route in routes:
        for model in (route.body, route.form):
            if model is not None:
                wanted[(model, "validation")] = None
        if route.answer is not None:
            wanted[(route.answer, "serialization")] = None
    _, top = models_json_schema(list(wanted), ref_template=REF)
    defs: dict[str, Any] = top.get("$defs", {})
    return defs


def _operation(route: Route, operation_ids: set[str]) -> dict[str, Any]:
    endpoint = route.endpoint
    name = endpoint.__name__ if endpoint is not None else "operation"
    operation_id = name
    if operation_id in operation_ids:  # the /projects aliases share their handlers
        operation_id = f"{name}_{route.template.strip('/').split('/')[0]}"
    operation_ids.add(operation_id)
    doc = (endpoint.__doc__ or "").strip() if endpoint is not None else ""
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": doc.splitlines()[0] if doc else name.replace("_", " ").capitalize(),
        "tags": [route.template.strip("/").split("/")[0]],
        "parameters": _path_parameters(route) + _query_parameters(route),
        "responses": _responses(route),
    }
    if not route.auth:
        operation["security"] = []
    body = _request_body(route)
    if body is not None:
        operation["requestBody"] = body
    return operation


def _path_parameters(route: Route) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": "A computer's UUID or its instance id"
            if name == "computer_id"
            else f"The {name.replace('_', ' ')}",
            "schema": {"type": "string", "minLength": 1},
        }
        for name in _PARAMETER.findall(route.template)
    ]


def _query_parameters(route: Route) -> list[dict[str, Any]]:
    if route.query is None:
        return []
    schema = route.query.model_json_schema(mode="validation")
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": _without_null(field),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query value is always a string: drop the ``null`` branch of an optional field."""
    options = schema.get("anyOf")
    if not options:
        return schema
    kept = [option for option in options if option.get("type") != "null"]
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


def _request_body(route: Route) -> dict[str, Any] | None:
    if route.form is not None:
        return {
            "required": True,
            "content": {"multipart/form-data": {"schema": _ref(route.form.__name__)}},
        }
    if route.body is None:
        return None
    required = any(field.is_required() for field in route.body.model_fields.values())
    return {
        "required": required,
        "content": {"application/json": {"schema": _ref(route.body.__name__)}},
    }


def _responses(route: Route) -> dict[str, Any]:
    error = {"$ref": "#/components/responses/Error"}
    if route.status >= 400:  # a route that only ever refuses (GET /computers: 405)
        return {str(route.status): error, "4XX": error}
    if route.media_type == "application/json":
        schema = _ref(route.answer.__name__) if route.answer is not None else ANY_OBJECT
        content: dict[str, Any] = {"application/json": {"schema": schema}}
    else:
        content = {route.media_type: {"schema": {"type": "string", "format": "binary"}}}
    responses: dict[str, Any] = {
        str(route.status): {"description": "Success", "content": content},
    }
    for status in route.also:
        responses[str(status)] = {
            "description": "Answered in the success shape (see the API reference)",
            "content": {"application/json": {"schema": ANY_OBJECT}},
        }
    responses["4XX"] = error
    return responses
