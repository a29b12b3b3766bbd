"""The agent's REST routes in the published OpenAPI document.

Why a module of its own: the agent's routes are built per fake (their handlers reach its
:class:`~fake_server.agent.service.AgentService`), while the document is built once from
route tables. :func:`agent_routes` builds them unbound - their handlers are never called
- so :func:`~fake_server.openapi.build_document` lists them from the same table the fake
serves, and :func:`describe_agent_paths` adds what the table cannot say:
``POST /v1/chat/completions`` checks its own key and body (each problem has its own
``code``), answers JSON or server-sent events, and fails in its own shape
``{"error": {"type", "message", "code"}}``; ``GET /chat/threads`` takes ``desktopId``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pydantic.json_schema import models_json_schema

from fake_server.agent.chat import ERROR_TYPES
from fake_server.agent.models import CHAT_MODELS, ChatRequest
from fake_server.agent.routes import agent_api_router
from fake_server.framework import Router

if TYPE_CHECKING:
    from fake_server.agent.service import AgentService

REF = "#/components/schemas/{model}"
CHAT_PATH = "/v1/chat/completions"
TAG = "agent"

CHAT_ERROR: dict[str, Any] = {
    "type": "object",
    "description": "A chat completion's failure (OpenAI-style): its type, a message and "
    "the documented code (invalid_model, missing_computer_id, credits_exhausted, ...).",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "message", "code"],
            "properties": {
                "type": {"enum": sorted(set(ERROR_TYPES.values()))},
                "message": {"type": "string"},
                "code": {"type": "string"},
                "balance_cents": {"type": "integer"},
            },
        }
    },
}
CHAT_COMPLETION: dict[str, Any] = {
    "type": "object",
    "description": "An OpenAI chat completion plus the run's ``orgo`` block.",
    "required": ["id", "object", "created", "model", "choices", "usage", "orgo"],
    "properties": {
        "id": {"type": "string"},
        "object": {"const": "chat.completion"},
        "created": {"type": "integer"},
        "model": {"type": "string"},
        "choices": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["index", "message", "finish_reason"],
                "properties": {
                    "index": {"type": "integer"},
                    "message": {
                        "type": "object",
                        "required": ["role", "content"],
                        "properties": {
                            "role": {"const": "assistant"},
                            "content": {"type": "string"},
                        },
                    },
                    "finish_reason": {"type": "string"},
                },
            },
        },
        "usage": {"type": "object"},
        "orgo": {
            "type": "object",
            "required": ["steps", "cost_cents", "thread_id"],
            "properties": {
                "steps": {"type": "integer"},
                "cost_cents": {"type": "integer"},
                "thread_id": {"type": "string"},
            },
        },
    },
}


class _Unbound:
    """Stands in for the agent while the agent's routes are only described."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("the agent's documented routes are never called")


def agent_routes() -> Router:
    """The agent's REST routes as the fake serves them, with unbound handlers."""
    return agent_api_router(cast("AgentService", _Unbound()))


def describe_agent_paths(document: dict[str, Any], templates: set[str]) -> dict[str, Any]:
    """Tag the agent's operations and say what their route declarations cannot."""
    for template in templates:
        for operation in document["paths"][template].values():
            operation["tags"] = [TAG]
    schemas = document["components"]["schemas"]
    _, top = models_json_schema([(ChatRequest, "validation")], ref_template=REF)
    schemas.update(top.get("$defs", {}))
    schemas["ChatRequest"] = _strict_chat_request(schemas["ChatRequest"])
    schemas["ChatError"] = CHAT_ERROR
    schemas["ChatCompletion"] = CHAT_COMPLETION
    _describe_chat(document["paths"][CHAT_PATH]["post"])
    document["paths"]["/chat/threads"]["get"]["parameters"].append(
        {
            "name": "desktopId",
            "in": "query",
            "required": True,
            "description": "The computer whose threads to list",
            "schema": {"type": "string", "minLength": 1},
        }
    )
    return document


def _strict_chat_request(schema: dict[str, Any]) -> dict[str, Any]:
    """What the route requires though the model lets it through to name the problem
    (``missing_computer_id``, ``empty_messages``, ``invalid_model``)."""
    properties = dict(schema["properties"])
    properties["computer_id"] = {"type": "string", "minLength": 1}
    properties["messages"] = {
        "type": "array",
        "minItems": 1,
        "items": {"$ref": REF.format(model="ChatMessage")},
    }
    properties["model"] = {**properties["model"], "enum": sorted(CHAT_MODELS)}
    return {**schema, "properties": properties, "required": ["computer_id", "messages"]}


def _describe_chat(operation: dict[str, Any]) -> None:
    operation["security"] = [{"bearer": []}]  # checked by the route, in its own shape
    operation["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": REF.format(model="ChatRequest")}}},
    }
    error = {
        "description": "Refused; ``error.code`` says why.",
        "content": {"application/json": {"schema": {"$ref": REF.format(model="ChatError")}}},
    }
    operation["responses"] = {
        "200": {
            "description": "The completion; with ``stream: true`` server-sent "
            "``chat.completion.chunk`` frames ending with ``data: [DONE]``.",
            "headers": {
                "X-Thread-Id": {"schema": {"type": "string"}},
                "X-Request-Id": {"schema": {"type": "string"}},
            },
            "content": {
                "application/json": {"schema": {"$ref": REF.format(model="ChatCompletion")}},
                "text/event-stream": {"schema": {"type": "string"}},
            },
        },
        "4XX": error,
    }
