"""``/api/chat/threads...``: the conversations of chat completions, per computer.

Errors keep this API's plain-string shape (``{"error": "desktopId is required"}``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fake_server.agent.models import ThreadCreate, ThreadPatch, TitleRequest
from fake_server.agent.threads import ThreadStore
from fake_server.errors import ApiError, bad_request
from fake_server.framework import ApiRequest, ApiResponse, Body, Router, ok
from fake_server.state import ApiKey, State

if TYPE_CHECKING:
    from fake_server.agent.service import AgentService

TITLE_WORDS = 6


def _key(request: ApiRequest) -> ApiKey:
    assert request.key is not None
    return request.key


def _desktop(state: State, key: ApiKey, desktop_id: str | None) -> str:
    if not desktop_id:
        raise bad_request("desktopId is required")
    try:
        return state.computer(key, desktop_id).id
    except ApiError:
        raise ApiError(404, "Desktop not found") from None


def title_for(messages: list[dict[str, Any]]) -> str:
    """The first user message's first words (what a title model would sum up)."""
    for message in messages:
        content = message.get("content")
        if message.get("role") == "user" and isinstance(content, str) and content.strip():
            words = content.split()
            title = " ".join(words[:TITLE_WORDS])
            return title + ("…" if len(words) > TITLE_WORDS else "")
    return "New chat"


def threads_router(agent: AgentService) -> Router:
    router = Router()

    def threads() -> ThreadStore:  # looked up per call: the document builds these unbound
        return agent.threads

    @router.get("/chat/threads")
    def list_threads(state: State, request: ApiRequest) -> ApiResponse:
        """The threads of one computer (``desktopId``), newest first."""
        key = _key(request)
        desktop = _desktop(state, key, request.query.get("desktopId"))
        found = threads().for_desktop(key.account_id, desktop)
        return ok({"threads": [t.summary() for t in found]})

    @router.post("/chat/threads", status=201)
    def create_thread(state: State, request: ApiRequest, given: Body[ThreadCreate]) -> ApiResponse:
        key = _key(request)
        body = given.parse()
        desktop = _desktop(state, key, body.desktopId)
        thread = threads().create(
            agent.backend.ids.uuid(),
            account_id=key.account_id,
            desktop_id=desktop,
            now=state.clock.now(),
            external_id=body.localId,
        )
        answer: dict[str, Any] = {"remoteId": thread.id}
        if thread.external_id is not None:
            answer["externalId"] = thread.external_id
        return ok(answer, 201)

    @router.get("/chat/threads/{thread_id}")
    def get_thread(state: State, request: ApiRequest) -> ApiResponse:
        thread = threads().get(_key(request).account_id, request.path_params["thread_id"])
        return ok(thread.detail())

    @router.patch("/chat/threads/{thread_id}")
    def patch_thread(state: State, request: ApiRequest, given: Body[ThreadPatch]) -> ApiResponse:
        """Archive (which wins over the other fields), unarchive, retitle, replace messages."""
        thread = threads().get(_key(request).account_id, request.path_params["thread_id"])
        body = given.parse()
        if body.archive:
            thread.status = "archived"
        else:
            if body.unarchive:
                thread.status = "active"
            if body.title is not None:
                thread.title = body.title
            if body.messages is not None:
                thread.messages = list(body.messages)
        thread.updated_at = state.clock.now()
        return ok(thread.detail(with_messages=False))

    @router.delete("/chat/threads/{thread_id}")
    def delete_thread(state: State, request: ApiRequest) -> ApiResponse:
        threads().delete(_key(request).account_id, request.path_params["thread_id"])
        return ok({"success": True})

    @router.post("/chat/threads/{thread_id}/title", media_type="text/plain")
    def thread_title(state: State, request: ApiRequest, given: Body[TitleRequest]) -> ApiResponse:
        """A title for the messages, as the AI SDK's text stream: ``0:"Title"``."""
        threads().get(_key(request).account_id, request.path_params["thread_id"])
        title = title_for(given.parse().messages)
        line = f"0:{json.dumps(title, ensure_ascii=False)}\n"
        return ApiResponse(body=line.encode(), media_type="text/plain; charset=utf-8")

    return router
