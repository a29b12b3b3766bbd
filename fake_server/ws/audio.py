"""The audio WebSocket: a JSON ``started`` frame, then binary PCM s16le frames of 20 ms.

At the default 24 kHz mono a frame is 960 bytes (480 samples). Frames are paced in
real time by default; ``?pace=fast`` (a fake-only parameter) or ``FakeOrgo.audio_pace``
sends them as fast as the client takes them. Silence when nothing plays, the played
samples otherwise. ``{"type": "stop"}`` ends capture (close 1000); ping gets pong.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect

from fake_server.desktop.audio import FRAME_SAMPLES, SAMPLE_RATE, AudioPlayer
from fake_server.ws.common import CLOSE_NORMAL, open_desktop_socket

if TYPE_CHECKING:
    from fake_server.backend import Backend

FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE
SAMPLE_RATES = (24_000, 48_000)
CHANNELS = (1, 2)


def convert(frame: bytes, sample_rate: int, channels: int) -> bytes:
    """24 kHz mono as the client asked for it: doubled samples for 48 kHz, copied for stereo."""
    if sample_rate == SAMPLE_RATE and channels == 1:
        return frame
    samples = np.frombuffer(frame, dtype="<i2")
    if sample_rate != SAMPLE_RATE:
        samples = np.repeat(samples, sample_rate // SAMPLE_RATE)
    if channels == 2:
        samples = np.repeat(samples, 2)
    return samples.astype("<i2").tobytes()


async def audio_endpoint(backend: Backend, websocket: WebSocket) -> None:
    computer = await open_desktop_socket(backend, websocket)
    if computer is None:
        return
    params = websocket.query_params
    try:
        sample_rate = int(params.get("sample_rate", SAMPLE_RATE))
        channels = int(params.get("channels", 1))
    except ValueError:
        sample_rate, channels = 0, 0
    if sample_rate not in SAMPLE_RATES or channels not in CHANNELS:
        await websocket.send_json(
            {"type": "error", "message": "sample_rate must be 24000 or 48000 and channels 1 or 2"}
        )
        await websocket.close(CLOSE_NORMAL)
        return
    fast = params.get("pace", backend.audio_pace) == "fast"
    unregister = backend.sockets.register(computer.id, websocket)
    player = computer.desktop.audio
    await websocket.send_json({"type": "started", "sample_rate": sample_rate, "channels": channels})
    sender = asyncio.create_task(_stream(websocket, player, sample_rate, channels, fast))
    try:
        while True:
            text = await websocket.receive_text()
            try:
                kind = json.loads(text).get("type")
            except (ValueError, AttributeError):
                kind = None
            if kind == "stop":
                sender.cancel()
                await websocket.close(CLOSE_NORMAL)
                return
            if kind == "ping":
                await websocket.send_json({"type": "pong"})
            else:
                await websocket.send_json(
                    {"type": "error", "message": f"Unknown message: {text[:100]}"}
                )
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        unregister()
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender


async def _stream(
    websocket: WebSocket, player: AudioPlayer, sample_rate: int, channels: int, fast: bool
) -> None:
    loop = asyncio.get_running_loop()
    cursor = player.open_cursor()
    due = loop.time()
    sent = 0
    while True:
        frame, cursor = player.read(cursor)
        await websocket.send_bytes(convert(frame, sample_rate, channels))
        sent += 1
        if fast:
            if sent % 32 == 0:
                await asyncio.sleep(0)
            continue
        due += FRAME_SECONDS
        await asyncio.sleep(max(0.0, due - loop.time()))
