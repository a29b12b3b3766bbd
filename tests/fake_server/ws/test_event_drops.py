"""The events socket's 256-event buffer (orgo-api.md section 12: "A slow consumer's
buffer holds 256 events; further events are dropped").

Two subscribers on one computer. One reads everything as it comes; the other never reads
while N = 600 events are produced. The reader must get all 600 in order; the non-reader
exactly the first 256, in order; and the control surface (``FakeOrgo.event_connections``
and ``GET /_fake/computers/{id}/connections``) must count ``N - 256`` drops for the
non-reader and none for the reader.

How the fake knows what a client has consumed: the server pings once enough events are
outstanding, and the client's pong releases everything sent before that ping. A client
library answers a ping only when it reads past it, so after each chunk the reader
confirms with two ``{"type": "ping"}`` round trips (see :func:`caught_up`): by the second
pong the server has processed the library's answer to its own ping.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from fake_server.ws.hub import CAPACITY
from tests.fake_server.ws.ws_support import (
    KINDS,
    PC,
    TIMEOUT,
    Client,
    make_client,
    recv_json,
    roundtrip,
    send_json,
)

pytestmark = pytest.mark.timeout(90)

N = 600
CHUNK = 50
EXPECTED = [f"c{i}" for i in range(N)]


def test_the_documented_capacity_is_256() -> None:
    assert CAPACITY == 256


def subscribe(client: Client) -> None:
    send_json(client, {"type": "subscribe", "event_types": ["clipboard"]})
    assert recv_json(client) == {"type": "subscribed", "message": "ok"}


def next_content(client: Client, timeout: float = TIMEOUT) -> str:
    message = recv_json(client, timeout)
    assert message["type"] == "event" and message["event"]["type"] == "clipboard", message
    return str(message["event"]["data"]["content"])


def caught_up(client: Client) -> None:
    """Two ping round trips: the first makes the client library read (and answer) every
    server ping sent before it; the second cannot be answered before the server has
    processed those answers, since frames on one connection are handled in order."""
    roundtrip(client)
    roundtrip(client)


def http_connections(pc: PC, ident: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{pc.server.url}/_fake/computers/{ident}/connections", timeout=10)
    assert response.status_code == 200, response.text
    return list(response.json()["connections"])


def check_counts(pc: PC, *, lazy_has_read: bool) -> None:
    reader, lazy = pc.fake.event_connections(pc.id)  # in the order they were opened
    assert (reader.sent, reader.dropped, reader.queued) == (N, 0, 0)
    assert (lazy.sent, lazy.dropped, lazy.queued) == (CAPACITY, N - CAPACITY, 0)
    assert lazy.open and reader.open
    if not lazy_has_read:
        assert lazy.unacknowledged == CAPACITY  # the non-reader never answered a ping
    for ident in (pc.id, pc.instance_id):
        over_http = http_connections(pc, ident)
        assert [(c["sent"], c["dropped"]) for c in over_http] == [
            (N, 0),
            (CAPACITY, N - CAPACITY),
        ]
        assert [c["id"] for c in over_http] == [reader.id, lazy.id]
        assert all(
            c["computer_id"] == pc.id and c["subscriptions"] == ["clipboard"] for c in over_http
        )


@pytest.mark.parametrize("lazy_kind", KINDS, ids=lambda k: f"non-reader={k}")
@pytest.mark.parametrize("reader_kind", KINDS, ids=lambda k: f"reader={k}")
def test_a_subscriber_that_never_reads_gets_the_first_256_and_the_rest_are_dropped(
    pc: PC, reader_kind: str, lazy_kind: str
) -> None:
    reader = make_client(reader_kind, pc.url("events"))
    lazy = make_client(lazy_kind, pc.url("events"))
    try:
        subscribe(reader)
        subscribe(lazy)
        received: list[str] = []
        for start in range(0, N, CHUNK):
            for i in range(start, start + CHUNK):
                pc.handle.set_clipboard(f"c{i}")
            while len(received) < start + CHUNK:
                received.append(next_content(reader))
            caught_up(reader)
        assert received == EXPECTED

        check_counts(pc, lazy_has_read=False)

        late = [next_content(lazy) for _ in range(CAPACITY)]
        assert late == EXPECTED[:CAPACITY]
        roundtrip(lazy)  # nothing after the 256th: the rest were dropped, not delayed
        check_counts(pc, lazy_has_read=True)  # reading late changes nothing
    finally:
        reader.close()
        lazy.close()


@pytest.mark.asyncio
async def test_a_non_reading_asyncio_client_with_a_running_loop_also_gets_exactly_256(
    pc: PC,
) -> None:
    """The natural asyncio use: the loop runs the whole time (so the library buffers what
    it can before pausing), but the application never calls ``recv`` on one connection."""

    async def recv_json_async(ws: ClientConnection) -> dict[str, Any]:
        message = await asyncio.wait_for(ws.recv(), TIMEOUT)
        decoded = json.loads(message)
        assert isinstance(decoded, dict)
        return decoded

    async def content(ws: ClientConnection) -> str:
        message = await recv_json_async(ws)
        assert message["type"] == "event", message
        return str(message["event"]["data"]["content"])

    async def ping(ws: ClientConnection) -> None:
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv_json_async(ws) == {"type": "pong"}

    options: dict[str, Any] = {"open_timeout": TIMEOUT, "close_timeout": 1, "ping_interval": None}
    async with (
        connect(pc.url("events"), **options) as reader,
        connect(pc.url("events"), **options) as lazy,
    ):
        for ws in (reader, lazy):
            await ws.send(json.dumps({"type": "subscribe", "event_types": ["clipboard"]}))
            assert await recv_json_async(ws) == {"type": "subscribed", "message": "ok"}
        received: list[str] = []
        for start in range(0, N, CHUNK):
            for i in range(start, start + CHUNK):
                pc.handle.set_clipboard(f"c{i}")
            while len(received) < start + CHUNK:
                received.append(await content(reader))
            await ping(reader)
            await ping(reader)
        assert received == EXPECTED

        check_counts(pc, lazy_has_read=False)

        late = [await content(lazy) for _ in range(CAPACITY)]
        assert late == EXPECTED[:CAPACITY]
        await ping(lazy)
        check_counts(pc, lazy_has_read=True)


def test_a_caught_up_reader_loses_nothing_from_the_next_burst(pc: PC) -> None:
    """Deterministic form of the race the drop test avoids with :func:`caught_up`.

    250 events arrive in one burst (one control request deletes a folder of 249 files
    while the server's loop is busy with it), the reader reads all 250 and then sits idle
    for a moment; 50 more events follow. Nothing about this reader is slow, yet it gets
    only 6 of the 50 and 44 are counted as dropped."""
    for i in range(249):
        pc.handle.write_file(f"/home/user/Desktop/burst/f{i:03}.txt", "x")
    reader = make_client("websocket-client", pc.url("events"))
    try:
        send_json(reader, {"type": "subscribe", "event_types": ["file_change", "clipboard"]})
        assert recv_json(reader) == {"type": "subscribed", "message": "ok"}
        response = httpx.delete(
            f"{pc.server.url}/_fake/computers/{pc.id}/files",
            params={"path": "/home/user/Desktop/burst"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        deleted = [recv_json(reader)["event"]["data"] for _ in range(250)]
        assert all(d["action"] == "deleted" for d in deleted)
        assert deleted[-1]["path"] == "/home/user/Desktop/burst"
        time.sleep(0.2)  # received everything; idle, as a consumer between bursts is

        for i in range(50):
            pc.handle.set_clipboard(f"after{i}")
        got: list[str] = []
        try:
            while len(got) < 50:
                got.append(next_content(reader, timeout=1.0))
        except TimeoutError:
            pass
        [stats] = pc.fake.event_connections(pc.id)
        assert (len(got), stats.dropped) == (50, 0)
        assert got == [f"after{i}" for i in range(50)]
    finally:
        reader.close()
