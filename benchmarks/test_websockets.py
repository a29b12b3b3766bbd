"""The fake's WebSockets (events and audio), each beside a bare ``websockets`` server.

The floor is a plain ``websockets.asyncio.server`` in a background thread of this
process, on the same event loop implementation uvicorn picks for the fake (uvloop when
installed), so both sides share one GIL with the clients. Clients are the ``websockets``
asyncio client, all in one loop in the benchmark's thread, with ``compression=None``
(uvicorn and ``websockets`` would both negotiate permessage-deflate by default; zlib
would then dominate both sides and hide the servers' own costs).

* Events throughput, 1 and 50 subscribers: windowed bursts of clipboard events, each
  burst timed until every subscriber has every event. Before a burst the producer waits
  until every connection has room for all of it (the pong for the last burst; reported
  as ``ack_wait_ms_per_burst``), so nothing may be dropped. The window is the largest
  the fake's 256-event buffer is sure to make room for: a pong releases only what was
  sent before its ping, and the fake pings only once ``ACK_THRESHOLD`` (128) events are
  outstanding, so up to 127 events a subscriber has read can stay counted as
  outstanding while no more come; a 200-event burst after them is partly dropped (or
  never finds room). Hence ``CAPACITY + 1 - ACK_THRESHOLD`` (129), capped at 200. The
  floor JSON-encodes each event once and hands it to ``websockets.broadcast``. Target:
  >= 0.7x the floor's throughput, i.e. time per burst <= 1/0.7 = 1.43x.
* Latency: one event, one subscriber, from publish to the client's ``recv`` returning.
  The floor is woken the same way (``loop.call_soon_threadsafe``). Target <= 1.5x on the
  median, which includes ``run_until_complete`` (~8 us, both sides); ``p50_us`` and
  ``p99_us`` are timed inside the loop.
* Audio, ``pace=fast``: open, ``started``, then 2,500 frames (50 s of audio); must be
  >= 100x real time (< 0.5 s) and <= 5x a bare server streaming 960-byte frames.
* Audio, real time: 250 inter-arrival intervals; p99 within 5 ms of 20 ms and mean
  within 1 ms (a pacing check, one round).

Every benchmark asserts what it received: every event, in order, nothing dropped;
every frame 960 bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, broadcast, serve

from fake_server import FakeOrgo
from fake_server.desktop.desktop import DesktopEvent
from fake_server.serving import LoopbackServer
from fake_server.ws.hub import ACK_THRESHOLD, CAPACITY

try:  # the loop uvicorn's "auto" picks for the fake
    import uvloop

    _new_loop: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
except ImportError:  # pragma: no cover
    _new_loop = asyncio.new_event_loop

KEY = {"Authorization": "Bearer k"}
BURST = min(200, CAPACITY + 1 - ACK_THRESHOLD)  # see the module docstring
STALL_SECONDS = 10.0  # a burst not delivered by then lost events: fail, do not hang
THROUGHPUT_TARGET = round(1 / 0.7, 2)  # time per burst: fake / bare <= 1.43
LATENCY_TARGET = 1.5
LATENCY_ROUNDS = 2000
AUDIO_FRAMES = 2500  # 50 s of 20 ms frames
AUDIO_ROUNDS = 12
FRAME_BYTES = 960
FRAME_SECONDS = 0.020
AUDIO_SECONDS = AUDIO_FRAMES * FRAME_SECONDS
REALTIME_FACTOR_MIN = 100
REALTIME_INTERVALS = 250


def _connect(url: str) -> connect:
    """The one client configuration every benchmark uses, fake and floor alike."""
    return connect(url, compression=None, max_size=None)


def _content(seq: int) -> str:
    return f"{seq:08d}"  # fixed width: every payload has the same size


def _bare_event(seq: int) -> str:
    # The exact bytes the fake sends for DesktopEvent("clipboard", {"content": ...}, 0.0).
    return json.dumps(
        {
            "type": "event",
            "event": {
                "type": "clipboard",
                "timestamp": "1970-01-01T00:00:00.000Z",
                "data": {"content": _content(seq)},
            },
        },
        separators=(",", ":"),
    )


def _check_events(stores: list[list[str]], total: int) -> None:
    """Every subscriber got events 0..total-1, in order, and nothing else."""
    expected = [_content(seq) for seq in range(total)]
    for store in stores:
        assert len(store) == total
        bodies = [json.loads(message) for message in store]
        assert all(body["type"] == "event" for body in bodies)
        assert [body["event"]["data"]["content"] for body in bodies] == expected


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- the bare server -------------------------------------------------------------------


class BareServer:
    """``/events``: a subscriber set fed by ``broadcast``; ``/audio``: ``started`` then
    2,500 binary frames of 960 bytes, sent as fast as the client takes them."""

    def __init__(self) -> None:
        self.loop = _new_loop()
        self.clients: set[ServerConnection] = set()
        self.streams = 0  # open /audio handlers
        self.port = 0
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._frame = bytes(range(256)) * 3 + bytes(192)
        assert len(self._frame) == FRAME_BYTES
        self._thread = threading.Thread(target=self._run, name="bare-ws", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the bare websockets server did not start")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        async with serve(self._handler, "127.0.0.1", 0, compression=None) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            self._ready.set()
            await self._stop.wait()

    async def _handler(self, ws: ServerConnection) -> None:
        if ws.request is not None and ws.request.path.startswith("/audio"):
            self.streams += 1
            try:
                await ws.send(json.dumps({"type": "started", "sample_rate": 24000, "channels": 1}))
                for _ in range(AUDIO_FRAMES):
                    await ws.send(self._frame)
                await ws.wait_closed()
            finally:
                self.streams -= 1
            return
        await ws.recv()  # the subscribe message
        await ws.send(json.dumps({"type": "subscribed", "message": "ok"}))
        self.clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            self.clients.discard(ws)

    def send_burst(self, first: int, count: int) -> None:
        """Run on the server's loop: encode each event once, broadcast it to everyone."""
        for seq in range(first, first + count):
            broadcast(self.clients, _bare_event(seq))

    def call_soon(self, callback: Callable[..., object], *args: object) -> None:
        """From another thread: run ``callback(*args)`` on the server's loop."""
        self.loop.call_soon_threadsafe(callback, *args)

    def wait_clients(self, count: int) -> None:
        deadline = time.monotonic() + 10
        while len(self.clients) != count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"expected {count} bare subscribers, have {len(self.clients)}")
            time.sleep(0.001)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)


@pytest.fixture(scope="module")
def bare() -> Iterator[BareServer]:
    server = BareServer()
    yield server
    server.stop()


# -- the fake --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake_server() -> Iterator[tuple[FakeOrgo, LoopbackServer]]:
    fake = FakeOrgo(seed=1)
    with fake.serve() as server:
        yield fake, server


@dataclass
class Desktop:
    fake: FakeOrgo
    id: str
    events_url: str
    audio_url: str


_names = itertools.count(1)


@pytest.fixture
def desktop(fake_server: tuple[FakeOrgo, LoopbackServer]) -> Desktop:
    """A fresh computer per test, so its event-connection stats are this test's alone."""
    fake, server = fake_server
    name = f"bench-{next(_names)}"
    with httpx.Client(base_url=server.base_url, headers=KEY) as client:
        response = client.post("/workspaces", json={"name": name})
        assert response.status_code == 201, response.text
        response = client.post(
            "/computers", json={"workspace_id": response.json()["id"], "name": name}
        )
        assert response.status_code == 201, response.text
        computer = response.json()
    path = f"{server.ws_url}/desktops/{computer['instance_id']}/ws"
    token = f"token={computer['vnc_password']}"
    return Desktop(fake, computer["id"], f"{path}/events?{token}", f"{path}/audio?{token}")


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """The clients' loop, driven from the benchmark's own thread."""
    client_loop = asyncio.new_event_loop()
    yield client_loop
    client_loop.close()


async def _subscribers(url: str, count: int) -> list[ClientConnection]:
    clients = await asyncio.gather(*(_connect(url) for _ in range(count)))
    for ws in clients:
        await ws.send(json.dumps({"type": "subscribe", "event_types": ["clipboard"]}))
    for ws in clients:
        assert json.loads(await ws.recv())["type"] == "subscribed"
    return list(clients)


async def _close_all(clients: list[ClientConnection]) -> None:
    await asyncio.gather(*(ws.close() for ws in clients))


async def _drain(ws: ClientConnection, store: list[str], count: int) -> None:
    for _ in range(count):
        store.append(await ws.recv())  # type: ignore[arg-type]


async def _drain_all(clients: list[ClientConnection], stores: list[list[str]]) -> None:
    """Every subscriber reads one burst; a lost event fails the test instead of hanging."""
    drains = (_drain(ws, store, BURST) for ws, store in zip(clients, stores, strict=True))
    try:
        await asyncio.wait_for(asyncio.gather(*drains), STALL_SECONDS)
    except TimeoutError:
        pytest.fail(f"a burst was not delivered in {STALL_SECONDS} s: {[len(s) for s in stores]}")


# -- 1. events throughput --------------------------------------------------------------

ROUNDS = {1: 100, 50: 12}


def _bare_broadcast(
    benchmark: Any, bare: BareServer, loop: asyncio.AbstractEventLoop, subscribers: int
) -> None:
    clients = loop.run_until_complete(_subscribers(bare.url + "/events", subscribers))
    bare.wait_clients(subscribers)
    stores: list[list[str]] = [[] for _ in clients]
    seq = itertools.count(0, BURST)

    async def burst() -> None:
        bare.loop.call_soon_threadsafe(bare.send_burst, next(seq), BURST)
        await _drain_all(clients, stores)

    try:
        benchmark.pedantic(
            lambda: loop.run_until_complete(burst()),
            rounds=ROUNDS[subscribers],
            iterations=1,
            warmup_rounds=1,
        )
    finally:
        loop.run_until_complete(_close_all(clients))
    _check_events(stores, len(stores[0]))
    _throughput_info(benchmark, subscribers)


def _fake_events(
    benchmark: Any, desktop: Desktop, loop: asyncio.AbstractEventLoop, subscribers: int
) -> None:
    fake = desktop.fake
    clients = loop.run_until_complete(_subscribers(desktop.events_url, subscribers))
    stores: list[list[str]] = [[] for _ in clients]
    seq = itertools.count(0, BURST)
    waits = [0]
    waited = [0.0]

    def room() -> bool:
        """Every live connection can take a whole burst: its earlier events are acked."""
        return all(
            c.queued + c.unacknowledged + BURST <= CAPACITY
            for c in fake.event_connections(desktop.id)
            if c.open
        )

    async def burst() -> None:
        if not room():  # the pong acknowledging the previous burst is still in flight
            started = time.perf_counter()
            while not room():
                # Not asyncio.sleep(short): epoll rounds timeouts up to 1 ms. Run the loop
                # once (a ping may still need its pong), then drop the GIL for the server.
                await asyncio.sleep(0)
                time.sleep(20e-6)
                if time.perf_counter() - started > STALL_SECONDS:
                    pytest.fail(f"no room for a burst: {fake.event_connections(desktop.id)}")
            waits[0] += 1
            waited[0] += time.perf_counter() - started
        first = next(seq)
        for n in range(first, first + BURST):
            fake.events.publish(
                desktop.id, DesktopEvent("clipboard", {"content": _content(n)}, 0.0)
            )
        await _drain_all(clients, stores)

    try:
        benchmark.pedantic(
            lambda: loop.run_until_complete(burst()),
            rounds=ROUNDS[subscribers],
            iterations=1,
            warmup_rounds=1,
        )
        stats = fake.event_connections(desktop.id)
    finally:
        loop.run_until_complete(_close_all(clients))
    assert len(stats) == subscribers
    assert all(c.dropped == 0 for c in stats), [c.dropped for c in stats]
    assert all(c.sent == len(stores[0]) for c in stats)
    _check_events(stores, len(stores[0]))
    assert len(stores[0][0]) == len(_bare_event(0))  # same payload as the floor's
    rounds = ROUNDS[subscribers] + 1  # with the warm-up
    benchmark.extra_info.update(
        ack_waits=waits[0], ack_wait_ms_per_burst=round(waited[0] / rounds * 1e3, 3)
    )
    _throughput_info(benchmark, subscribers)


# Each fake right after its floor, so both see the same machine load.


@pytest.mark.benchmark(group="ws-events-1-subscriber")
def test_bare_broadcast_1(
    benchmark: Any, bare: BareServer, loop: asyncio.AbstractEventLoop
) -> None:
    _bare_broadcast(benchmark, bare, loop, 1)


@pytest.mark.benchmark(group="ws-events-1-subscriber")
def test_fake_events_1(benchmark: Any, desktop: Desktop, loop: asyncio.AbstractEventLoop) -> None:
    benchmark.extra_info.update(baseline="test_bare_broadcast_1", target=THROUGHPUT_TARGET)
    _fake_events(benchmark, desktop, loop, 1)


@pytest.mark.benchmark(group="ws-events-50-subscribers")
def test_bare_broadcast_50(
    benchmark: Any, bare: BareServer, loop: asyncio.AbstractEventLoop
) -> None:
    _bare_broadcast(benchmark, bare, loop, 50)


@pytest.mark.benchmark(group="ws-events-50-subscribers")
def test_fake_events_50(benchmark: Any, desktop: Desktop, loop: asyncio.AbstractEventLoop) -> None:
    benchmark.extra_info.update(baseline="test_bare_broadcast_50", target=THROUGHPUT_TARGET)
    _fake_events(benchmark, desktop, loop, 50)


def _throughput_info(benchmark: Any, subscribers: int) -> None:
    median = benchmark.stats.stats.median
    benchmark.extra_info.update(
        burst=BURST,
        subscribers=subscribers,
        events_per_s=round(BURST / median),
        messages_per_s=round(BURST * subscribers / median),
    )


# -- 2. injection-to-receipt latency ---------------------------------------------------


def _latency_info(benchmark: Any, samples: list[float]) -> None:
    benchmark.extra_info.update(
        p50_us=round(_percentile(samples, 0.50) * 1e6, 1),
        p99_us=round(_percentile(samples, 0.99) * 1e6, 1),
        samples=len(samples),
    )


def _latency_run(
    benchmark: Any,
    loop: asyncio.AbstractEventLoop,
    ws: ClientConnection,
    inject: Callable[[int], None],
) -> tuple[list[float], list[str]]:
    samples: list[float] = []
    received: list[str] = []
    seq = itertools.count()

    async def one() -> None:
        n = next(seq)
        start = time.perf_counter()
        inject(n)
        message = await ws.recv()
        samples.append(time.perf_counter() - start)
        received.append(message)  # type: ignore[arg-type]

    for _ in range(100):  # warm-up, not sampled
        loop.run_until_complete(one())
    samples.clear()
    benchmark.pedantic(lambda: loop.run_until_complete(one()), rounds=LATENCY_ROUNDS, iterations=1)
    return samples, received


@pytest.mark.benchmark(group="ws-latency")
def test_bare_latency(benchmark: Any, bare: BareServer, loop: asyncio.AbstractEventLoop) -> None:
    (ws,) = loop.run_until_complete(_subscribers(bare.url + "/events", 1))
    bare.wait_clients(1)
    try:
        samples, received = _latency_run(
            benchmark, loop, ws, lambda n: bare.call_soon(bare.send_burst, n, 1)
        )
    finally:
        loop.run_until_complete(ws.close())
    _check_events([received], len(received))
    _latency_info(benchmark, samples)


@pytest.mark.benchmark(group="ws-latency")
def test_fake_latency(benchmark: Any, desktop: Desktop, loop: asyncio.AbstractEventLoop) -> None:
    benchmark.extra_info.update(baseline="test_bare_latency", target=LATENCY_TARGET)
    fake = desktop.fake
    (ws,) = loop.run_until_complete(_subscribers(desktop.events_url, 1))

    def inject(n: int) -> None:
        fake.events.publish(desktop.id, DesktopEvent("clipboard", {"content": _content(n)}, 0.0))

    try:
        samples, received = _latency_run(benchmark, loop, ws, inject)
    finally:
        loop.run_until_complete(ws.close())
    (stats,) = fake.event_connections(desktop.id)
    assert stats.dropped == 0 and stats.sent == len(received)
    _check_events([received], len(received))
    _latency_info(benchmark, samples)


# -- 3. audio, as fast as the client takes it ------------------------------------------


def _audio_fast(
    benchmark: Any,
    loop: asyncio.AbstractEventLoop,
    url: str,
    before_round: Callable[[], None],
    server_idle: Callable[[], bool],
) -> list[bytes]:
    """Timed: connect, ``started``, 2,500 frames. Closing is untimed, in the next setup,
    which also waits for the server to finish the old stream (so it cannot compete)."""
    open_sockets: list[ClientConnection] = []
    firsts: list[bytes] = []

    async def stream() -> None:
        ws = await _connect(url)
        open_sockets.append(ws)
        started = json.loads(await ws.recv())
        assert started["type"] == "started"
        wrong = 0
        first = await ws.recv()
        for _ in range(AUDIO_FRAMES - 1):
            frame = await ws.recv()
            if len(frame) != FRAME_BYTES:
                wrong += 1
        assert isinstance(first, bytes) and len(first) == FRAME_BYTES and wrong == 0
        firsts.append(first)

    def setup() -> None:
        while open_sockets:
            loop.run_until_complete(_abort(open_sockets.pop()))
        deadline = time.monotonic() + 5
        while not server_idle() and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(0.002)
        before_round()

    try:
        benchmark.pedantic(
            lambda: loop.run_until_complete(stream()),
            setup=setup,
            rounds=AUDIO_ROUNDS,
            iterations=1,
            warmup_rounds=1,
        )
    finally:
        setup()
    median = benchmark.stats.stats.median
    benchmark.extra_info.update(
        frames=AUDIO_FRAMES,
        frames_per_s=round(AUDIO_FRAMES / median),
        realtime_factor=round(AUDIO_SECONDS / median, 1),
    )
    return firsts


async def _abort(ws: ClientConnection) -> None:
    """Drop a streaming socket without draining what the server already queued."""
    ws.transport.abort()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(ws.wait_closed(), 5)


@pytest.mark.benchmark(group="ws-audio-fast")
def test_bare_audio_fast(benchmark: Any, bare: BareServer, loop: asyncio.AbstractEventLoop) -> None:
    _audio_fast(benchmark, loop, bare.url + "/audio", lambda: None, lambda: bare.streams == 0)


@pytest.mark.benchmark(group="ws-audio-fast")
def test_fake_audio_fast(benchmark: Any, desktop: Desktop, loop: asyncio.AbstractEventLoop) -> None:
    benchmark.extra_info.update(baseline="test_bare_audio_fast", target=5.0)
    handle = desktop.fake.desktop(desktop.id)
    # Each round hears 50 s of a 440 Hz tone (queued after whatever the last round read).
    firsts = _audio_fast(
        benchmark,
        loop,
        desktop.audio_url + "&pace=fast",
        lambda: handle.play_tone(440, AUDIO_SECONDS),
        lambda: desktop.fake.sockets.count(desktop.id) == 0,
    )
    assert all(any(first) for first in firsts), "the tone should be audible, not silence"
    median = benchmark.stats.stats.median
    assert median < AUDIO_SECONDS / REALTIME_FACTOR_MIN, (
        f"{AUDIO_FRAMES} frames took {median:.3f} s: "
        f"{AUDIO_SECONDS / median:.0f}x real time, need >= {REALTIME_FACTOR_MIN}x"
    )


# -- 4. audio, paced in real time ------------------------------------------------------


@pytest.mark.benchmark(group="ws-audio-realtime")
def test_fake_audio_realtime(
    benchmark: Any, desktop: Desktop, loop: asyncio.AbstractEventLoop
) -> None:
    desktop.fake.desktop(desktop.id).play_tone(440, 6.0)
    arrivals: list[float] = []

    async def listen() -> None:
        async with _connect(desktop.audio_url) as ws:
            assert json.loads(await ws.recv())["type"] == "started"
            for _ in range(REALTIME_INTERVALS + 1):
                frame = await ws.recv()
                arrivals.append(time.perf_counter())
                assert isinstance(frame, bytes) and len(frame) == FRAME_BYTES

    benchmark.pedantic(lambda: loop.run_until_complete(listen()), rounds=1, iterations=1)
    intervals = [b - a for a, b in itertools.pairwise(arrivals)]
    assert len(intervals) == REALTIME_INTERVALS
    p50 = _percentile(intervals, 0.50)
    p99 = _percentile(intervals, 0.99)
    mean = statistics.fmean(intervals)
    benchmark.extra_info.update(
        intervals=len(intervals),
        p50_ms=round(p50 * 1e3, 3),
        p99_ms=round(p99 * 1e3, 3),
        mean_ms=round(mean * 1e3, 3),
        max_ms=round(max(intervals) * 1e3, 3),
    )
    assert abs(p99 - FRAME_SECONDS) <= 0.005, f"p99 interval {p99 * 1e3:.2f} ms"
    assert abs(mean - FRAME_SECONDS) <= 0.001, f"mean interval {mean * 1e3:.3f} ms"
