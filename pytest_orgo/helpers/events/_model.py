"""What a desktop event is and how a wait matches one: the typed :class:`Event`, the
``where`` filters, :class:`EventSpec`, in-order and any-order matching, and the first line
of a timeout message. Pure functions and values, shared by the sync and async helpers
(import the public names from :mod:`pytest_orgo.events`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from pytest_orgo.errors import OrgoError

EVENT_TYPES: Final[tuple[str, ...]] = (
    "window_focus",
    "window_open",
    "window_close",
    "clipboard",
    "file_change",
    "screen_change",
    "audio_stream_start",
    "audio_stream_stop",
    "process_start",
    "process_stop",
    "idle",
    "active",
)
"""The documented event types (the server is the authority: an unknown one is rejected)."""


class EventTimeout(AssertionError, TimeoutError, OrgoError):
    """The awaited event(s) did not arrive in time. A test failure, and a ``TimeoutError``
    for code that catches that."""

    __module__ = "pytest_orgo.events"  # its public path, as failures and pickles name it


class UnexpectedEvent(AssertionError, OrgoError):
    """``assert_no_event`` saw the event it was told must not happen."""

    __module__ = "pytest_orgo.events"  # its public path, as failures and pickles name it


class EventStreamError(ConnectionError, OrgoError):
    """The events socket cannot be used: reconnection gave up, or the stream was closed."""

    __module__ = "pytest_orgo.events"  # its public path, as failures and pickles name it


@dataclass(frozen=True)
class Event:
    """One desktop event: its ``type``, the server's ``timestamp`` and its ``data``.

    ``seq`` numbers events in arrival order on this helper (across reconnections) and
    ``received`` is the local ``time.monotonic()`` at arrival; neither takes part in
    equality, so two events compare by what the server said.
    """

    type: str
    timestamp: datetime
    data: dict[str, Any]
    seq: int = field(default=-1, compare=False)
    received: float = field(default=0.0, compare=False, repr=False)

    def describe(self, origin: float | None = None) -> str:
        """One line for a failure message; ``origin`` prefixes the arrival offset."""
        offset = f"{self.received - origin:+8.3f}s  " if origin is not None else ""
        stamp = self.timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return f"{offset}{self.type:<18} {stamp}  {self.data!r}"


Where = Mapping[str, Any] | Callable[[Event], bool] | None
"""A filter: a dict matched as a (nested) subset of ``data``, or a predicate on the event.
In a dict, a value may also be a compiled regex (searched in a string) or a predicate on
that value."""
Types = str | Iterable[str]
"""One event type, or several (any of them matches)."""


def parse_timestamp(value: object, fallback: float) -> datetime:
    """The ISO 8601 timestamp Orgo sends (``...T12:00:00.123Z``); arrival time if absent."""
    if isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return datetime.fromtimestamp(fallback, tz=UTC)


def value_matches(expected: object, actual: object) -> bool:
    """Nested dicts match as subsets; a regex searches a string; a callable decides."""
    if isinstance(expected, Mapping):
        return data_matches(expected, actual)
    if isinstance(expected, re.Pattern):
        return isinstance(actual, str) and expected.search(actual) is not None
    if callable(expected):
        return bool(expected(actual))
    return bool(expected == actual)


def data_matches(expected: Mapping[str, Any], actual: object) -> bool:
    """True when every key of ``expected`` is in ``actual`` with a matching value."""
    if not isinstance(actual, Mapping):
        return False
    return all(key in actual and value_matches(want, actual[key]) for key, want in expected.items())


@dataclass(frozen=True)
class EventSpec:
    """What a wait is for: one of ``types``, passing ``where``."""

    types: tuple[str, ...]
    where: Where = None

    def matches(self, event: Event) -> bool:
        if event.type not in self.types:
            return False
        if self.where is None:
            return True
        if isinstance(self.where, Mapping):
            return data_matches(self.where, event.data)
        return bool(self.where(event))

    def __str__(self) -> str:
        kinds = " or ".join(self.types)
        if self.where is None:
            return f"{kinds} event"
        if isinstance(self.where, Mapping):
            return f"{kinds} event with data matching {dict(self.where)!r}"
        name = getattr(self.where, "__qualname__", repr(self.where))
        return f"{kinds} event passing {name}"


SpecLike = str | tuple[Types, Where] | EventSpec
"""An entry of ``wait_for_all``: a type, a ``(type, where)`` pair, or an :class:`EventSpec`."""


def make_spec(types: Types, where: Where = None) -> EventSpec:
    names = (types,) if isinstance(types, str) else tuple(types)
    if not names or not all(isinstance(name, str) and name for name in names):
        raise ValueError(f"event types must be non-empty strings, got {types!r}")
    if where is not None and not isinstance(where, Mapping) and not callable(where):
        raise TypeError(f"where must be a dict or a callable, not {type(where).__name__}")
    return EventSpec(names, where)


def to_spec(item: SpecLike) -> EventSpec:
    if isinstance(item, EventSpec):
        return item
    if isinstance(item, tuple):
        types, where = item
        return make_spec(types, where)
    return make_spec(item)


def all_types(specs: Sequence[EventSpec]) -> frozenset[str]:
    return frozenset(name for spec in specs for name in spec.types)


def match_in_order(specs: Sequence[EventSpec], events: Sequence[Event]) -> list[Event] | None:
    """The earliest events matching ``specs`` one after another (greedy is optimal here)."""
    found: list[Event] = []
    for event in events:
        if len(found) < len(specs) and specs[len(found)].matches(event):
            found.append(event)
    return found if len(found) == len(specs) else None


def match_any_order(specs: Sequence[EventSpec], events: Sequence[Event]) -> list[Event] | None:
    """A distinct event for every spec, in any order (a bipartite matching, so a broad spec
    cannot steal the only event a narrow one could use); results follow ``specs``."""
    candidates = [[i for i, event in enumerate(events) if spec.matches(event)] for spec in specs]
    owner: dict[int, int] = {}  # event index -> spec index

    def assign(spec: int, seen: set[int]) -> bool:
        for index in candidates[spec]:
            if index in seen:
                continue
            seen.add(index)
            if index not in owner or assign(owner[index], seen):
                owner[index] = spec
                return True
        return False

    if not all(assign(spec, set()) for spec in range(len(specs))):
        return None
    by_spec = {spec: index for index, spec in owner.items()}
    return [events[by_spec[spec]] for spec in range(len(specs))]


def find(specs: Sequence[EventSpec], ordered: bool, events: Sequence[Event]) -> list[Event] | None:
    return match_in_order(specs, events) if ordered else match_any_order(specs, events)


def waiting_headline(
    specs: Sequence[EventSpec], ordered: bool, events: Sequence[Event], timeout: float
) -> str:
    """The first line of a timeout: what was awaited and how far it got."""
    if len(specs) == 1:
        return f"no {specs[0]} arrived within {timeout:g} s"
    if ordered:
        partial: list[Event] = []
        for event in events:
            if len(partial) < len(specs) and specs[len(partial)].matches(event):
                partial.append(event)
        done = partial
        return (
            f"{len(specs)} events were expected in order within {timeout:g} s; "
            f"{len(done)} arrived, still waiting for: {specs[len(done)]}"
        )
    missing = [str(spec) for spec in specs if not any(spec.matches(e) for e in events)]
    if missing:
        return (
            f"{len(specs)} events were expected (any order) within {timeout:g} s; "
            f"missing: {'; '.join(missing)}"
        )
    return (
        f"{len(specs)} events were expected (any order) within {timeout:g} s; each has a "
        f"candidate, but not {len(specs)} distinct events"
    )
