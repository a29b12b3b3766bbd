"""Event subscriptions and the 256-event buffer against a model, as a state machine.

Why: the buffer's accounting (taken only if subscribed and open, dropped only when 256
are outstanding, released only by acknowledgement) is what makes the drop counts a
test can read from ``FakeOrgo.event_connections()`` exact; any order of subscribing,
unsubscribing, producing, reading slowly or fast, acknowledging and closing must keep it.

The connections are real :class:`EventConnection` objects registered in a real fake's
hub, and events come from a real computer's desktop through ``attach_desktop`` (the
path the events WebSocket uses), so only the socket pump is left out: that is
``tests/fake_server/ws``'s job. Subscriptions change through the socket's own message
handler; pings and pongs are what the pump does (``awaiting_ack``, then acknowledge),
and the 100 ms grace for events that find the buffer full while a ping is out runs on a
clock the machine advances, so every interleaving is deterministic. After every step:
delivered events are exactly the model's (so a subset of those produced, in order, and
none of a type the connection was not subscribed to when it was produced), ``dropped``
counts exactly the offers that found 256 outstanding and were not rescued by a pong
within the grace, and nothing ever has more than 256 outstanding.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fake_server import FakeOrgo
from fake_server.desktop.desktop import DesktopEvent
from fake_server.events_catalog import EVENT_TYPE_NAMES
from fake_server.ws import hub
from fake_server.ws.events import _handle
from fake_server.ws.hub import CAPACITY, GRACE_SECONDS, EventConnection

TYPES = sorted(EVENT_TYPE_NAMES)
SOME_TYPES = st.lists(st.sampled_from(TYPES), min_size=1, max_size=4, unique=True)
# Small steps and big ones: a burst of 300 overflows a buffer on its own.
BURST = st.integers(min_value=1, max_value=20) | st.sampled_from([100, 200, 300])
BATCH = st.integers(min_value=1, max_value=64) | st.sampled_from([256, 500])


class ManualClock:
    """Stands in for the ``time`` module in the hub: grace periods end when we say."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Model:
    """What one connection should hold: plain lists and counters."""

    clock: ManualClock
    subscriptions: set[str] = field(default_factory=set)
    queued: deque[int] = field(default_factory=deque)  # sequence numbers
    held: deque[tuple[int, float]] = field(default_factory=deque)  # (seq, drop deadline)
    awaiting_ack: bool = False
    unacknowledged: int = 0
    delivered: list[int] = field(default_factory=list)
    dropped: int = 0
    open: bool = True

    def _fits(self) -> bool:
        return len(self.queued) + self.unacknowledged < CAPACITY

    def offer(self, seq: int, kind: str) -> None:
        if kind not in self.subscriptions or not self.open:
            return
        if not self.held and self._fits():
            self.queued.append(seq)
        elif self.awaiting_ack:
            self.held.append((seq, self.clock.now + GRACE_SECONDS))
        else:
            self.dropped += 1

    def settle(self) -> None:
        """Held events move to the queue in order once they fit, or are dropped once
        their grace is over or no ping is out any more."""
        while self.held:
            seq, deadline = self.held[0]
            if self._fits():
                self.queued.append(seq)
            elif deadline <= self.clock.now or not self.awaiting_ack:
                self.dropped += 1
            else:
                return
            self.held.popleft()

    def acknowledge(self, count: int) -> None:
        self.unacknowledged = max(0, self.unacknowledged - count)
        self.settle()


class EventBuffers(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock()
        self._real_time = vars(hub)["time"]
        vars(hub)["time"] = self.clock  # the hub's time.monotonic() is now ours
        self.fake = FakeOrgo(seed=9)
        key = self.fake.state.authenticate("Bearer k")
        workspace = self.fake.state.create_workspace(key, "w")
        self.computer = self.fake.state.create_computer(key, workspace, "pc")
        self.fake.attach_desktop(self.computer)
        self.handle = self.fake.desktop(self.computer.id)
        self.connections: list[EventConnection] = []
        self.models: list[Model] = []
        self.produced: list[tuple[int, str]] = []  # (seq, type), in order
        self.kinds: dict[int, str] = {}
        self.subscribed_when: dict[tuple[int, int], frozenset[str]] = {}  # (conn, seq) -> subs

    def teardown(self) -> None:
        vars(hub)["time"] = self._real_time

    def _pick(self, data: st.DataObject) -> int:
        return data.draw(st.integers(0, len(self.connections) - 1), label="connection")

    def _open(self) -> list[int]:
        return [i for i, model in enumerate(self.models) if model.open]

    # -- connections and subscriptions ---------------------------------------------------

    @precondition(lambda self: len(self.connections) < 6 and len(self._open()) < 3)
    @rule()
    def connect(self) -> None:
        connection = EventConnection(self.computer.id)
        self.fake.events.add(connection)
        self.connections.append(connection)
        self.models.append(Model(self.clock))

    @precondition(lambda self: self.connections)
    @rule(data=st.data(), types=SOME_TYPES)
    def subscribe(self, data: st.DataObject, types: list[str]) -> None:
        index = self._pick(data)
        message = json.dumps({"type": "subscribe", "event_types": types})
        assert _handle(self.connections[index], message) == {"type": "subscribed", "message": "ok"}
        self.models[index].subscriptions.update(types)

    @precondition(lambda self: self.connections)
    @rule(data=st.data(), types=SOME_TYPES)
    def unsubscribe(self, data: st.DataObject, types: list[str]) -> None:
        index = self._pick(data)
        message = json.dumps({"type": "unsubscribe", "event_types": types})
        reply = _handle(self.connections[index], message)
        assert reply == {"type": "unsubscribed", "message": "ok"}
        self.models[index].subscriptions.difference_update(types)

    @precondition(lambda self: self.connections)
    @rule(data=st.data(), types=SOME_TYPES)
    def subscribe_with_an_unknown_type(self, data: st.DataObject, types: list[str]) -> None:
        """One bad name refuses the whole message: nothing changes."""
        index = self._pick(data)
        message = json.dumps({"type": "subscribe", "event_types": [*types, "invalid_type"]})
        reply = _handle(self.connections[index], message)
        assert reply == {"type": "error", "message": "Unknown event type: invalid_type"}

    @precondition(lambda self: self._open())
    @rule(data=st.data(), via_hub=st.booleans())
    def close(self, data: st.DataObject, via_hub: bool) -> None:
        """The client goes (the endpoint removes it) or the computer stops (1001)."""
        index = data.draw(st.sampled_from(self._open()), label="connection")
        if via_hub:
            self.fake.events.remove(self.connections[index])
        else:
            self.connections[index].close(1001)
        self.models[index].open = False

    # -- producing ----------------------------------------------------------------------

    @rule(data=st.data(), count=BURST)
    def produce(self, data: st.DataObject, count: int) -> None:
        """A burst of one type from the desktop, each event numbered; mostly of a type
        someone is subscribed to (else nothing happens), sometimes of any type."""
        wanted = sorted({t for i in self._open() for t in self.models[i].subscriptions})
        kind = data.draw(st.sampled_from(wanted or TYPES) | st.sampled_from(TYPES), label="type")
        for _ in range(count):
            seq = self._next(kind)
            self.handle.emit(kind, {"seq": seq})

    def _next(self, kind: str) -> int:
        """Number the next event and offer it to the models, as the hub will."""
        seq = len(self.produced)
        self.produced.append((seq, kind))
        self.kinds[seq] = kind
        for index, model in enumerate(self.models):
            open_subscriptions = model.subscriptions if model.open else set()
            self.subscribed_when[(index, seq)] = frozenset(open_subscriptions)
            model.offer(seq, kind)
        return seq

    @rule()
    def clipboard_changes(self) -> None:
        """A desktop change the simulation reports by itself (no hand-made event)."""
        seq = self._next("clipboard")
        seen: list[DesktopEvent] = []
        remove = self.handle.on_event(seen.append)
        try:
            self.handle.set_clipboard(f"clip-{seq}")
        finally:
            remove()
        assert [(e.type, e.data) for e in seen] == [("clipboard", {"content": f"clip-{seq}"})]

    # -- consuming ----------------------------------------------------------------------

    @precondition(lambda self: self.connections)
    @rule(data=st.data(), limit=BATCH)
    def take(self, data: st.DataObject, limit: int) -> None:
        """The socket pump takes a batch to send: slow (small limits) or fast."""
        index = self._pick(data)
        model = self.models[index]
        batch = self.connections[index].take(limit)
        expected = [model.queued.popleft() for _ in range(min(limit, len(model.queued)))]
        assert [self._seq_of(event) for event in batch] == expected
        assert [event.type for event in batch] == [self.kinds[seq] for seq in expected]
        model.unacknowledged += len(expected)
        model.delivered.extend(expected)

    @precondition(lambda self: self.connections)
    @rule(data=st.data())
    def ping_goes_out(self, data: st.DataObject) -> None:
        """The pump pinged: until the pong, overflow is held for the grace period."""
        index = self._pick(data)
        self.connections[index].awaiting_ack = True
        self.models[index].awaiting_ack = True

    @precondition(lambda self: self.connections)
    @rule(data=st.data(), count=st.just(0) | BATCH, lost=st.booleans())
    def pong_comes_back(self, data: st.DataObject, count: int, lost: bool) -> None:
        """The pong releases ``count`` sent events (never below zero); a ping whose
        connection was lost releases nothing, and held events then settle as they can."""
        index = self._pick(data)
        connection, model = self.connections[index], self.models[index]
        connection.awaiting_ack = model.awaiting_ack = False  # as the pump's callback does
        if lost:
            connection.settle_held()
            model.settle()
        else:
            connection.acknowledge(count)
            model.acknowledge(count)

    @rule()
    def the_control_surface_reads_the_counts(self) -> None:
        """``event_connections()`` first waits out any grace still running, so the
        counts it reports are final: nothing is left held."""
        deadlines = [d for m in self.models for _, d in m.held]
        reported = self.fake.event_connections(self.computer.id)
        if deadlines:
            assert self.clock.now > max(deadlines)
        assert all(s.held == 0 for s in reported)
        for model in self.models:
            model.settle()

    @rule(seconds=st.sampled_from([0.01, 0.05, GRACE_SECONDS, 0.5]))
    def time_passes(self, seconds: float) -> None:
        self.clock.now += seconds

    @staticmethod
    def _seq_of(event: DesktopEvent) -> int:
        if "seq" in event.data:
            return int(event.data["seq"])
        return int(str(event.data["content"]).removeprefix("clip-"))

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def counts_match_the_model(self) -> None:
        """Reading a connection's stats settles its held events (at the current time)."""
        stats = {s.id: s for s in self.fake.events.stats(self.computer.id, settle=False)}
        for connection, model in zip(self.connections, self.models, strict=True):
            model.settle()
            seen = stats[connection.id]
            assert (seen.sent, seen.dropped, seen.queued, seen.unacknowledged, seen.held) == (
                len(model.delivered),
                model.dropped,
                len(model.queued),
                model.unacknowledged,
                len(model.held),
            )
            assert set(seen.subscriptions) == model.subscriptions
            assert seen.open is model.open

    @invariant()
    def never_more_than_256_outstanding(self) -> None:
        for connection in self.connections:
            assert len(connection.queued) + connection.unacknowledged <= CAPACITY

    @invariant()
    def delivered_is_produced_in_order_and_subscribed(self) -> None:
        for index, model in enumerate(self.models):
            assert model.delivered == sorted(set(model.delivered))  # in order, no repeats
            for seq in model.delivered:
                assert seq < len(self.produced)
                assert self.kinds[seq] in self.subscribed_when[(index, seq)]

    @invariant()
    def every_offer_is_accounted_for(self) -> None:
        """Each event a connection was subscribed to while open was taken or dropped."""
        for index, connection in enumerate(self.connections):
            offered = sum(
                1
                for seq, kind in self.produced
                if kind in self.subscribed_when.get((index, seq), frozenset())
            )
            accounted = connection.sent + len(connection.queued) + len(connection.held)
            assert offered == accounted + connection.dropped


EventBuffers.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEventBuffers = EventBuffers.TestCase
