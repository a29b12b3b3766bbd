"""``POST /api/v1/chat/completions``: the agent behind an OpenAI-compatible API.

The last user message is the instruction; the scripted agent runs it on ``computer_id``
and its final answer is the assistant message. Errors have this endpoint's own shape,
``{"error": {"type", "message", "code"}}``, with the documented codes. ``stream: true``
answers with server-sent ``chat.completion.chunk`` frames: the role delta goes out
before the agent starts, the answer's deltas after it finished (only the final text is
streamed, as documented), then a frame with ``finish_reason`` and ``usage``, then
``data: [DONE]``. The streamed agent runs while the body is read, outside the state lock.

Cost: one cent per iteration (the fake's own rule), 0 with ``x-anthropic-key``; a
balance set on the control surface is charged, and at 0 the endpoint answers 402.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from fake_server.agent.models import CHAT_MODELS, ChatRequest
from fake_server.agent.runner import AgentRunner
from fake_server.agent.runs import AgentRun, RunConfig
from fake_server.errors import ApiError
from fake_server.framework import ApiRequest, ApiResponse, Router, describe_validation_error
from fake_server.state import ApiKey, Computer, State

if TYPE_CHECKING:
    from fake_server.agent.service import AgentService
    from fake_server.agent.threads import ChatThread

CONTEXT_TOKENS = 200_000  # the models' context window; ~4 characters a token
ERROR_TYPES = {
    400: "invalid_request",
    401: "authentication_error",
    402: "insufficient_credits",
    404: "not_found",
    500: "internal_error",
}


class ChatError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def body(self) -> dict[str, Any]:
        error = {"type": ERROR_TYPES[self.status], "message": self.message, "code": self.code}
        return {"error": {**error, **self.extra}}

    def response(self) -> ApiResponse:
        return ApiResponse(status=self.status, body=self.body())


@dataclass
class Completion:
    """A checked request, ready to run."""

    key: ApiKey
    body: ChatRequest
    computer: Computer
    thread: ChatThread
    byok: bool  # x-anthropic-key: the caller pays Anthropic, cost 0
    id: str
    created: int


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _check(agent: AgentService, state: State, request: ApiRequest) -> Completion:
    try:
        key = state.authenticate(request.headers.get("authorization"))
    except ApiError as error:
        raise ChatError(401, "invalid_api_key", error.message) from None
    try:
        raw = json.loads(request.body) if request.body else None
    except (ValueError, UnicodeDecodeError):
        raise ChatError(400, "invalid_json", "Request body is not valid JSON") from None
    if not isinstance(raw, dict):
        raise ChatError(400, "invalid_json", "Request body must be a JSON object")
    try:
        body = ChatRequest.model_validate(raw)
    except ValidationError as exc:
        raise ChatError(400, "invalid_request", describe_validation_error(exc)) from None
    if body.model not in CHAT_MODELS:
        models = ", ".join(sorted(CHAT_MODELS))
        raise ChatError(400, "invalid_model", f"Unknown model {body.model!r}; use one of {models}")
    if not body.computer_id:
        raise ChatError(400, "missing_computer_id", "computer_id is required")
    if not body.messages:
        raise ChatError(400, "empty_messages", "messages must hold at least one message")
    if body.messages[0].role != "user":
        raise ChatError(400, "invalid_message_order", "The first message must be from the user")
    if sum(_tokens(m.text()) for m in body.messages) > CONTEXT_TOKENS:
        raise ChatError(400, "context_overflow", "The messages exceed the model's context")
    try:
        computer = state.computer(key, body.computer_id)
    except ApiError:
        raise ChatError(404, "computer_not_found", "Computer not found") from None
    if state.status(computer) != "running":
        raise ChatError(404, "computer_not_found", "Computer is not running")
    byok = bool(request.headers.get("x-anthropic-key"))
    balance = agent.credits_cents
    if not byok and balance is not None and balance <= 0:
        raise ChatError(402, "credits_exhausted", "Out of credits", balance_cents=balance)
    now = state.clock.now()
    if body.thread_id is not None:
        try:
            thread = agent.threads.get(key.account_id, body.thread_id)
        except ApiError:
            raise ChatError(404, "thread_not_found", "Thread not found") from None
    else:
        thread = agent.threads.create(
            agent.backend.ids.uuid(), account_id=key.account_id, desktop_id=computer.id, now=now
        )
    ident = "chatcmpl-" + agent.backend.ids.uuid().replace("-", "")[:24]
    return Completion(key, body, computer, thread, byok, ident, int(now))


def _run(agent: AgentService, done: Completion) -> AgentRun:
    assert done.body.messages is not None
    users = [m for m in done.body.messages if m.role == "user"]
    config = RunConfig(
        computer_id=done.body.computer_id or "",
        instruction=users[-1].text(),
        model=done.body.model,
        max_iterations=done.body.max_steps,
    )
    policy, source = agent.next_policy(done.computer.id)
    run = agent.start_run(
        "chat",
        config,
        account_id=done.key.account_id,
        computer_uuid=done.computer.id,
        source=source,
    )
    run.thread_id = done.thread.id
    runner = AgentRunner(agent, run, policy, done.key.key)
    for _ in runner.frames():
        pass
    return run


def _settle(agent: AgentService, done: Completion, run: AgentRun) -> dict[str, Any]:
    """Charge the run, store its messages on the thread; the ``orgo`` block."""
    assert done.body.messages is not None
    cost = 0 if done.byok else max(1, run.iterations)
    balance = agent.charge(cost)
    thread = done.thread
    thread.messages.extend({"role": m.role, "content": m.content} for m in done.body.messages)
    thread.messages.append({"role": "assistant", "content": _content(run)})
    thread.updated_at = agent.backend.clock.now()
    orgo: dict[str, Any] = {"thread_id": thread.id, "steps": len(run.tool_uses), "cost_cents": cost}
    if balance is not None:
        orgo["credit_balance_cents"] = balance
    return orgo


def _content(run: AgentRun) -> str:
    if run.outcome == "success":
        return run.answer or ""
    return run.error or "The agent stopped."


def _usage(done: Completion, content: str) -> dict[str, int]:
    assert done.body.messages is not None
    prompt = sum(_tokens(m.text()) for m in done.body.messages)
    completion = _tokens(content)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _headers(done: Completion) -> dict[str, str]:
    return {"X-Request-Id": done.id, "X-Thread-Id": done.thread.id}


def _failed(run: AgentRun) -> ChatError | None:
    if run.outcome in ("failed", "refused"):
        return ChatError(500, "internal_error", run.error or "The agent failed")
    return None


def _finish_reason(run: AgentRun) -> str:
    return "length" if run.outcome == "max_iterations" else "stop"


def _completion(agent: AgentService, done: Completion) -> ApiResponse:
    run = _run(agent, done)
    failure = _failed(run)
    if failure is not None:
        return failure.response()
    content = _content(run)
    body = {
        "id": done.id,
        "object": "chat.completion",
        "created": done.created,
        "model": done.body.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": _finish_reason(run),
            }
        ],
        "usage": _usage(done, content),
        "orgo": _settle(agent, done, run),
    }
    return ApiResponse(body=body, headers=_headers(done))


def _sse(data: Any) -> bytes:
    return f"data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _stream(agent: AgentService, done: Completion) -> Iterator[bytes]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return _sse(
            {
                "id": done.id,
                "object": "chat.completion.chunk",
                "created": done.created,
                "model": done.body.model,
                "choices": [choice],
                **extra,
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    run = _run(agent, done)
    failure = _failed(run)
    if failure is not None:
        yield _sse(failure.body())
        yield b"data: [DONE]\n\n"
        return
    content = _content(run)
    for piece in _pieces(content):
        yield chunk({"content": piece})
    orgo = _settle(agent, done, run)
    yield chunk({}, _finish_reason(run), usage=_usage(done, content), orgo=orgo)
    yield b"data: [DONE]\n\n"


def _pieces(text: str) -> list[str]:
    """The answer as word-sized deltas (whitespace kept, so they join back exactly)."""
    pieces: list[str] = []
    start = 0
    for index, char in enumerate(text):
        if char == " " and index > start:
            pieces.append(text[start:index])
            start = index
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def chat_router(agent: AgentService) -> Router:
    router = Router()

    @router.post("/v1/chat/completions", auth=False)
    def chat_completions(state: State, request: ApiRequest) -> ApiResponse:
        """Run the agent on a computer and answer as an OpenAI chat completion."""
        try:
            done = _check(agent, state, request)
        except ChatError as error:
            return error.response()
        if done.body.stream:
            return ApiResponse(
                body=b"",
                media_type="text/event-stream",
                headers={**_headers(done), "Cache-Control": "no-cache"},
                stream=_stream(agent, done),
            )
        return _completion(agent, done)

    return router
