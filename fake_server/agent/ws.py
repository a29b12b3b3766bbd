"""The hosted agent WebSocket (``wss://agent.orgo.ai/ws/prompt?token=<api key>``).

The client sends ``{"type": "start", "config": {...}}``; the server streams
``{"type", "data"}`` frames (``status``, ``iteration``, ``thinking``, ``text``,
``tool_use``) and ends with ``result`` (``{messages, iterations, success, error?}``) or,
for a request it cannot run at all (bad key, unknown computer or model, no start
frame), an ``error`` frame. Both are followed by a close, as the SDK expects (it closes
on either, and raises when ``success`` is false or an error came). A ``ping`` is
answered ``pong`` at any time, also while the agent runs.

The agent runs in a worker thread (it calls the dispatcher, which is synchronous);
frames cross to the event loop through a queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from fake_server.agent.models import AGENT_MODELS, StartConfig
from fake_server.agent.runner import AgentRunner, Frame
from fake_server.agent.runs import RunConfig
from fake_server.errors import ApiError
from fake_server.framework import describe_validation_error

if TYPE_CHECKING:
    from fake_server.agent.service import AgentService

CLOSE_NORMAL = 1000
CLOSE_BAD_TOKEN = 4401
CLOSE_BAD_REQUEST = 4400
CLOSE_NOT_FOUND = 4404


def _frame(kind: str, data: Any = None) -> str:
    message: dict[str, Any] = {"type": kind}
    if kind != "pong":
        message["data"] = data
    return json.dumps(message, separators=(",", ":"))


async def _refuse(websocket: WebSocket, message: str, code: int) -> None:
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await websocket.send_text(_frame("error", message))
        await websocket.close(code, message[:120])


async def _start_config(websocket: WebSocket) -> StartConfig | None:
    """Wait for the start frame (answering pings); None after refusing the socket."""
    while True:
        try:
            raw = await websocket.receive_text()
        except WebSocketDisconnect:
            return None
        try:
            message = json.loads(raw)
        except ValueError:
            await _refuse(websocket, "Invalid JSON message", CLOSE_BAD_REQUEST)
            return None
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ping":
            await websocket.send_text(_frame("pong"))
            continue
        if kind != "start":
            await _refuse(websocket, "Expected a start message first", CLOSE_BAD_REQUEST)
            return None
        try:
            return StartConfig.model_validate(message.get("config"))
        except ValidationError as exc:
            await _refuse(websocket, describe_validation_error(exc), CLOSE_BAD_REQUEST)
            return None


async def prompt_endpoint(agent: AgentService, websocket: WebSocket) -> None:
    await websocket.accept()
    token = websocket.query_params.get("token", "")
    try:
        with agent.backend.state.lock:
            key = agent.backend.state.authenticate(f"Bearer {token}" if token else None)
    except ApiError as error:
        await _refuse(websocket, error.message, CLOSE_BAD_TOKEN)
        return
    config = await _start_config(websocket)
    if config is None:
        return
    if config.model not in AGENT_MODELS:
        await _refuse(websocket, f"Unknown model: {config.model}", CLOSE_BAD_REQUEST)
        return
    try:
        with agent.backend.state.lock:
            computer = agent.backend.state.computer(key, config.computer_id)
    except ApiError as error:
        await _refuse(websocket, error.message, CLOSE_NOT_FOUND)
        return
    policy, source = agent.next_policy(computer.id)
    run = agent.start_run(
        "websocket",
        RunConfig(**config.model_dump()),
        account_id=key.account_id,
        computer_uuid=computer.id,
        source=source,
    )
    runner = AgentRunner(agent, run, policy, token)
    await _stream(websocket, runner)


async def _stream(websocket: WebSocket, runner: AgentRunner) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Frame | None] = asyncio.Queue()

    def work() -> None:
        try:
            for frame in runner.frames():
                loop.call_soon_threadsafe(queue.put_nowait, frame)
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, None)

    async def listen() -> None:
        """Pings while the agent runs; a client that leaves cancels the run."""
        try:
            while True:
                raw = await websocket.receive_text()
                with contextlib.suppress(ValueError, AttributeError):
                    if json.loads(raw).get("type") == "ping":
                        queue.put_nowait(("pong", None))
        except (WebSocketDisconnect, RuntimeError):
            runner.cancelled.set()

    worker = asyncio.ensure_future(asyncio.to_thread(work))
    listener = asyncio.ensure_future(listen())
    try:
        while (frame := await queue.get()) is not None:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await websocket.send_text(_frame(*frame))
    finally:
        runner.cancelled.set()
        await worker
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close(CLOSE_NORMAL)
