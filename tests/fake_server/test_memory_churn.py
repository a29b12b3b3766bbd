"""Memory stays flat under create/delete churn: a deleted computer leaves nothing behind.

A computer's desktop used to stay reachable after deletion (its pending idle timer sat
in the clock's heap, holding the desktop), so a long session of create/delete grew by
megabytes per thousand computers. These tests measure it: Python's own allocation
tracing (tracemalloc) across 3,000 cycles, and which desktops survive a collection.
"""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
import weakref
from collections.abc import Iterator

import httpx
import pytest
import websocket

from fake_server import FakeOrgo
from fake_server.desktop.desktop import Desktop
from fake_server.faults import RATE_KEYS_PRUNE_AT, RateLimit
from fake_server.framework import ApiResponse
from fake_server.ws.hub import MAX_CLOSED_HISTORY, EventConnection, EventHub

API = "https://www.orgo.ai/api"
CYCLES = 3_000
WARM_UP = 200  # fills the caches that are meant to fill (regexes, pydantic's strings)
LIMIT_BYTES = 5 * 1024 * 1024


@pytest.fixture
def traced() -> Iterator[None]:
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    yield
    if started:
        tracemalloc.stop()


def _call(fake: FakeOrgo, method: str, path: str, body: object = None) -> ApiResponse:
    """The dispatcher, as the in-memory transport calls it (without httpx's own cost:
    3,000 cycles through httpx take a while on a busy machine, and measure httpx)."""
    return fake.dispatcher.handle(
        method,
        "/api" + path,
        headers={"authorization": "Bearer sk_churn", "content-type": "application/json"},
        body=b"" if body is None else json.dumps(body).encode(),
    )


def _cycle(fake: FakeOrgo, workspace: str, n: int) -> None:
    """One computer's life: create, use (arms its idle timer), clone, restart, delete both."""
    created = _call(fake, "POST", "/computers", {"workspace_id": workspace, "name": f"pc-{n}"})
    assert created.status == 201, created.body
    ident = json.loads(created.encode())["id"]
    assert _call(fake, "POST", f"/computers/{ident}/click", {"x": 5, "y": 5}).status == 200
    clone = _call(fake, "POST", f"/computers/{ident}/clone", {})
    assert clone.status == 201, clone.body
    assert _call(fake, "POST", f"/computers/{ident}/restart").status == 200
    for gone in (ident, json.loads(clone.encode())["id"]):
        assert _call(fake, "DELETE", f"/computers/{gone}").status == 200


def _traced_bytes() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_3000_create_delete_cycles_grow_memory_by_less_than_5_mb(traced: None) -> None:
    fake = FakeOrgo(seed=5)
    workspace = json.loads(_call(fake, "POST", "/workspaces", {"name": "churn"}).encode())["id"]
    for n in range(WARM_UP):
        _cycle(fake, workspace, n)
    fake.log.clear()
    before = _traced_bytes()
    for n in range(WARM_UP, WARM_UP + CYCLES):
        _cycle(fake, workspace, n)
    fake.log.clear()  # the request log is bounded on its own (see test_request_log_caps)
    grown = _traced_bytes() - before
    print(f"memory growth over {CYCLES} create/clone/restart/delete cycles: {grown / 1e6:.3f} MB")
    assert grown < LIMIT_BYTES, f"{grown / 1e6:.1f} MB kept by {CYCLES} deleted computers"
    assert fake.counts()["computers"] == 0
    assert fake.clock.pending() == 0


def test_deleted_desktops_are_freed_with_their_timers_and_coalescer() -> None:
    fake = FakeOrgo(seed=5)
    fake.coalesce_polled_events = True  # polled events wait on the clock for their poll
    fake.set_lifecycle("delay", delay=60)  # a settling timer per restart, due later
    headers = {"Authorization": "Bearer sk_churn"}
    desktops: list[weakref.ref[Desktop]] = []
    with httpx.Client(transport=fake.transport(), base_url=API, headers=headers) as http:
        workspace = http.post("/workspaces", json={"name": "churn"}).json()["id"]
        for n in range(50):
            ident = http.post("/computers", json={"workspace_id": workspace, "name": f"c{n}"})
            computer = fake.computer(ident.json()["id"])
            fake.attach_desktop(computer)
            desktops.append(weakref.ref(computer.desktop))
            fake.desktop(computer.id).open_window("Notes")  # a polled event, pending
            http.post(f"/computers/{computer.id}/type", json={"text": "x"})
            assert http.post(f"/computers/{computer.id}/restart").status_code == 200
            assert http.delete(f"/computers/{computer.id}").status_code == 200
            del computer
    gc.collect()
    assert [ref for ref in desktops if ref() is not None] == []
    assert fake.clock.pending() <= 50  # settling timers by id only, no desktop held
    fake.advance(120)  # they fire on deleted computers: nothing happens, nothing fails
    assert fake.clock.pending() == 0


def test_websockets_of_deleted_computers_leave_no_trace() -> None:
    """Over a real socket: events connections of deleted computers are closed and their
    counts dropped; the desktops are freed."""
    fake = FakeOrgo(seed=5)
    desktops: list[weakref.ref[Desktop]] = []
    with fake.serve():
        headers = {"Authorization": "Bearer sk_churn"}
        with httpx.Client(base_url=fake.base_url, headers=headers, timeout=10) as http:
            workspace = http.post("/workspaces", json={"name": "churn"}).json()["id"]
            for n in range(20):
                body = http.post("/computers", json={"workspace_id": workspace, "name": f"c{n}"})
                info = body.json()
                url = f"{fake.ws_url}/desktops/{info['id']}/ws/events?token={info['vnc_password']}"
                socket = websocket.create_connection(url, timeout=10)
                socket.send('{"type": "subscribe", "events": ["window_open"]}')
                desktops.append(weakref.ref(fake.computer(info["id"]).desktop))
                assert http.delete(f"/computers/{info['id']}").status_code == 200
                socket.close()
        assert fake.event_connections() == []
        assert fake.sockets.count() == 0
    gc.collect()
    assert [ref for ref in desktops if ref() is not None] == []


def test_closed_event_connections_keep_the_newest_counts_only() -> None:
    hub = EventHub()
    for _ in range(MAX_CLOSED_HISTORY + 50):
        connection = EventConnection("pc")
        hub.add(connection)
        hub.remove(connection)
    kept = hub.stats(settle=False)
    assert len(kept) == MAX_CLOSED_HISTORY and not any(s.open for s in kept)
    assert kept[-1].id == connection.id  # the newest stay


def test_rate_limit_forgets_quiet_keys() -> None:
    limit = RateLimit(requests=5, per_seconds=0.001)
    for n in range(RATE_KEYS_PRUNE_AT):
        assert limit.check(f"sk_{n}") is None
    time.sleep(0.01)  # all of them are quiet now
    limit.check("sk_last")  # a new key past the threshold prunes them
    assert set(limit._seen) == {"sk_last"}
