"""A stand-in server on 127.0.0.1 for the cassette tests: the frames and streams the agent
fronts send, and an echo of whatever credentials a client sends.

It mimics, in miniature, what the fake's agent endpoints answer (``/ws/prompt``: the
hosted agent's ``status``/``thinking``/``tool_use``/``iteration``/``text``/``result``
frames; ``/v1/chat/completions``: OpenAI-style JSON or server-sent events ending with
``[DONE]``), so recording and replay are tested here without depending on them.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

WORDS = ["Hel", "lo", ", ", "wor", "ld", "!"]


def agent_frames(instruction: str) -> list[dict[str, Any]]:
    return [
        {"type": "status", "data": "Starting agent"},
        {"type": "thinking", "data": f"The user wants: {instruction}"},
        {"type": "tool_use", "data": {"action": "screenshot", "params": {}}},
        {"type": "tool_use", "data": {"action": "left_click", "params": {"coordinate": [10, 20]}}},
        {"type": "iteration", "data": 1},
        {"type": "text", "data": "Clicked it."},
        {
            "type": "result",
            "data": {
                "success": True,
                "iterations": 1,
                "messages": [{"role": "user", "content": instruction}],
            },
        },
    ]


async def prompt(ws: WebSocket) -> None:
    await ws.accept()
    start = json.loads(await ws.receive_text())
    if ws.query_params.get("token") != ws.app.state.token:
        await ws.send_text(json.dumps({"type": "error", "data": "Invalid API key"}))
    else:
        for frame in agent_frames(start["config"]["instruction"]):
            await ws.send_text(json.dumps(frame))
            await asyncio.sleep(0.002)
    if ws.query_params.get("close") == "server":
        await ws.close(4001, "agent done")
        return
    try:
        while True:  # the client closes after the result, as the SDK does
            await ws.receive_text()
    except WebSocketDisconnect:
        return


def _chunk(n: int, word: str | None) -> dict[str, Any]:
    delta = {"content": word} if word is not None else {}
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "claude-sonnet-4-6",
        "choices": [{"index": 0, "delta": delta, "finish_reason": None if word else "stop"}],
    }


async def completions(request: Request) -> Response:
    body = await request.json()
    if not body.get("stream"):
        text = "".join(WORDS)
        return JSONResponse(
            {
                "id": "chatcmpl-standin",
                "object": "chat.completion",
                "created": 1700000000,
                "model": body.get("model", ""),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
            }
        )

    async def events() -> AsyncIterator[bytes]:
        for n, word in enumerate([*WORDS, None]):
            yield f"data: {json.dumps(_chunk(n, word))}\n\n".encode()
            await asyncio.sleep(0.01)  # each event its own network chunk
        yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


async def echo(request: Request) -> Response:
    """Everything the client sent, and a session cookie."""
    body = await request.body()
    answer = JSONResponse(
        {
            "headers": dict(request.headers),
            "query": dict(request.query_params),
            "body": body.decode("utf-8", "replace"),
        }
    )
    answer.set_cookie("session", request.app.state.cookie)
    return answer


async def download(request: Request) -> Response:
    """A binary file that holds the key it was asked with (as a key file would)."""
    key = request.headers.get("x-api-key", "").encode()
    pad = bytes(range(256)) * int(request.query_params.get("pad", "0"))
    return Response(
        b"\x89KEY\x00\xff" + key + b"\x00\xfe\x01" + pad, media_type="application/octet-stream"
    )


class StandIn:
    """The app under uvicorn in a daemon thread, on a free port of 127.0.0.1."""

    def __init__(self, *, token: str = "", cookie: str = "") -> None:
        app = Starlette(
            routes=[
                WebSocketRoute("/ws/prompt", prompt),
                Route("/v1/chat/completions", completions, methods=["POST"]),
                Route("/echo", echo, methods=["GET", "POST"]),
                Route("/download", download),
            ]
        )
        app.state.token = token
        app.state.cookie = cookie
        self.app = app
        self.cookie = cookie
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.port = 0

    def app_token(self, token: str) -> None:
        """The API key ``/ws/prompt`` accepts."""
        self.app.state.token = token

    def start(self) -> StandIn:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the stand-in server did not start")
            time.sleep(0.005)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"
