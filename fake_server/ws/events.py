"""The events WebSocket: subscribe / unsubscribe / ping, and desktop events as they happen.

Client -> server: ``{"type": "subscribe"|"unsubscribe", "event_types": [...]}``,
``{"type": "ping"}``. Server -> client: ``subscribed`` / ``unsubscribed`` / ``pong`` /
``error`` replies and ``{"type": "event", "event": {type, timestamp, data}}``. A bad
message gets an ``error`` and the connection stays open. Nothing is delivered before a
subscription; subscriptions die with the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from fake_server.desktop.desktop import DesktopEvent
from fake_server.events_catalog import EVENT_TYPE_NAMES
from fake_server.ws.common import open_desktop_socket
from fake_server.ws.hub import ACK_THRESHOLD, IDLE_ACK_THRESHOLD, EventConnection, loop_waker
from fake_server.ws.protocol import PING_EXTENSION, SEND_TEXTS_EXTENSION

if TYPE_CHECKING:
    from fake_server.backend import Backend


def encode_event(event: DesktopEvent) -> str:
    """The frame an event goes out as (encoded once per event: see DesktopEvent.message)."""
    return event.message


def reply_to(message: str) -> dict[str, Any] | None:
    """Validate one client message; returns the error reply, or None when it is valid."""
    try:
        body = json.loads(message)
    except ValueError:
        return {"type": "error", "message": "Invalid message: not JSON"}
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        return {
            "type": "error",
            "message": "Invalid message: expected an object with a string 'type'",
        }
    kind = body["type"]
    if kind == "ping":
        return None
    if kind not in ("subscribe", "unsubscribe"):
        return {"type": "error", "message": f"Unknown message type: {kind}"}
    types = body.get("event_types")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return {"type": "error", "message": "event_types must be a list of event type names"}
    for name in types:
        if name not in EVENT_TYPE_NAMES:
            return {"type": "error", "message": f"Unknown event type: {name}"}
    return None


async def events_endpoint(backend: Backend, websocket: WebSocket) -> None:
    computer = await open_desktop_socket(backend, websocket)
    if computer is None:
        return
    wake_event = asyncio.Event()
    connection = EventConnection(computer.id, loop_waker(asyncio.get_running_loop(), wake_event))
    replies: list[str] = []
    backend.events.add(connection)
    backend.attach_desktop(computer)
    ping: Callable[[], asyncio.Future[None]] | None = websocket.scope.get("extensions", {}).get(
        PING_EXTENSION
    )
    pump = asyncio.create_task(_pump(websocket, connection, wake_event, replies, ping))
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                replies.append(
                    json.dumps({"type": "error", "message": "Invalid message: expected text"})
                )
            else:
                replies.append(json.dumps(_handle(connection, text), separators=(",", ":")))
            wake_event.set()
    except WebSocketDisconnect:
        pass
    finally:
        backend.events.remove(connection)
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pump


def _handle(connection: EventConnection, text: str) -> dict[str, Any]:
    error = reply_to(text)
    if error is not None:
        return error
    body = json.loads(text)
    if body["type"] == "ping":
        return {"type": "pong"}
    if body["type"] == "subscribe":
        connection.change_subscriptions(body["event_types"], add=True)
        return {"type": "subscribed", "message": "ok"}
    connection.change_subscriptions(body["event_types"], add=False)
    return {"type": "unsubscribed", "message": "ok"}


async def _pump(
    websocket: WebSocket,
    connection: EventConnection,
    wake: asyncio.Event,
    replies: list[str],
    ping: Callable[[], asyncio.Future[None]] | None,
) -> None:
    """Send replies and events; ping for acknowledgement once enough are outstanding."""
    loop = asyncio.get_running_loop()
    send_texts: Callable[[list[str]], Awaitable[None]] | None = websocket.scope.get(
        "extensions", {}
    ).get(SEND_TEXTS_EXTENSION)

    def acknowledged(count: int) -> Callable[[asyncio.Future[None]], None]:
        def done(future: asyncio.Future[None]) -> None:
            connection.acknowledge(0 if future.cancelled() else count)
            wake.set()

        return done

    while True:
        await wake.wait()
        wake.clear()
        deadline = connection.settle_held()
        if deadline is not None:  # come back when the oldest held event's grace runs out
            loop.call_later(max(0.0, deadline - time.monotonic()) + 0.001, wake.set)
        while replies:
            await websocket.send_text(replies.pop(0))
        if not connection.open:
            if connection.close_code is not None:
                await websocket.close(connection.close_code)
            return
        while batch := connection.take():
            if send_texts is not None:
                await send_texts([event.message for event in batch])
            else:
                for event in batch:
                    await websocket.send_text(event.message)
            if ping is None:
                connection.acknowledge(len(batch))
            elif connection.unacknowledged >= ACK_THRESHOLD and not connection.awaiting_ack:
                ping().add_done_callback(acknowledged(connection.pinged()))
            if replies:
                wake.set()
                break
        idle_threshold_met = connection.unacknowledged >= IDLE_ACK_THRESHOLD
        if ping is not None and idle_threshold_met and not connection.awaiting_ack:
            ping().add_done_callback(acknowledged(connection.pinged()))
