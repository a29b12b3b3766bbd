"""Hypothesis strategies for code built on Orgo: events, resolutions, screenshots, payloads.

Why ship these: code that consumes Orgo (an event handler, an agent loop, a screenshot
differ) is best tested against *every* shape the API may send, not the three a person
types in. These strategies generate exactly what the API documents, in the form the
fake sends, so a property test of your code needs neither the network nor the fake::

    from hypothesis import given
    from pytest_orgo import strategies as orgo_st

    @given(orgo_st.event_messages(types=["file_change"]))
    def test_my_handler_accepts_any_file_change(message):
        handle(message)  # {"type": "event", "event": {"type", "timestamp", "data"}}

* Events: the 12 documented types, each with its documented ``data``; timestamps are ISO
  8601 UTC with milliseconds and ``Z``; :func:`event_messages` wraps them as the events
  WebSocket frames them, :func:`event_sequences` orders a stream of them in time.
* Resolutions: ``"WxHxD"`` strings and ``(w, h)`` tuples (:func:`resolutions`,
  :func:`resolution_sizes`).
* Screenshots: small PIL images and PNG bytes of a given size (:func:`screenshots`,
  :func:`screenshot_pngs`).
* Payloads: valid request bodies for ``POST /computers`` and the click/type/key/scroll
  actions, and ``invalid_*`` twins with exactly one thing wrong (for negative tests:
  the API answers those 400 ``{"error": ...}``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from hypothesis import strategies as st
from PIL import Image, ImageDraw

from pytest_orgo.helpers.events._model import EVENT_TYPES

__all__ = [
    "EVENT_TYPES",
    "click_bodies",
    "computer_create_bodies",
    "event_data",
    "event_messages",
    "event_sequences",
    "event_types",
    "events",
    "invalid_click_bodies",
    "invalid_computer_create_bodies",
    "invalid_key_bodies",
    "invalid_scroll_bodies",
    "invalid_type_bodies",
    "key_bodies",
    "resolution_sizes",
    "resolutions",
    "screenshot_pngs",
    "screenshots",
    "scroll_bodies",
    "timestamps",
    "type_bodies",
]

Body = dict[str, Any]

WATCHED_DIRS: Final = ("/home/user/Desktop", "/home/user/Downloads")  # file_change sees these
FILE_ACTIONS: Final = ("created", "modified", "deleted")
IDLE_AFTER_SECONDS: Final = 30

# The documented "WIDTHxHEIGHTxDEPTH" form allows 3- and 4-digit sides; the defaults stay
# within common screens so that generated computers render quickly.
MIN_SIDE, MAX_SIDE = 100, 9999
DEFAULT_WIDTHS, DEFAULT_HEIGHTS = (320, 3840), (200, 2160)
DEPTHS: Final = (8, 16, 24, 32)

RAM_SIZES: Final = (4, 8, 16, 32, 64)
CPU_SIZES: Final = (0.5, 1, 2, 4, 8, 16)
GPUS: Final = ("none", "a10", "l40s", "a100-40gb", "a100-80gb")
CURATED_TEMPLATES: Final = ("system/claude-code@1.0.0", "system/openclaw@1.0.0")
NAMED_KEYS: Final = (
    "Enter", "Tab", "Escape", "Backspace", "Delete", "Up", "Down", "Left", "Right",
    "Home", "End", "Page_Up", "Page_Down", *(f"F{n}" for n in range(1, 13)),
)  # fmt: skip
MODIFIERS: Final = ("ctrl", "alt", "shift")

_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=24)
_CHARS = st.characters(codec="utf-8")  # what JSON on the wire can carry: no lone surrogates
_TITLE = st.text(_CHARS, max_size=40)


# -- events -------------------------------------------------------------------------------


def event_types() -> st.SearchStrategy[str]:
    return st.sampled_from(EVENT_TYPES)


def timestamps(
    min_value: datetime = datetime(2020, 1, 1), max_value: datetime = datetime(2035, 12, 31)
) -> st.SearchStrategy[str]:
    """``2026-01-01T12:34:56.789Z``: UTC, milliseconds, ``Z`` (naive bounds are UTC)."""
    return st.datetimes(min_value, max_value).map(_iso)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


_WINDOW_ID = st.integers(0x1000000, 0x7FFFFFF).map(lambda n: f"0x{n:07x}")
_PROCESS = st.fixed_dictionaries(
    {
        "pid": st.integers(1, 4_194_304),
        "name": st.from_regex(r"[a-z][a-z0-9_.-]{0,14}", fullmatch=True),
    }
)
_FILE_NAME = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_. -]{0,30}", fullmatch=True)


def _file_change() -> st.SearchStrategy[Body]:
    path = st.builds(
        lambda folder, parts: "/".join([folder, *parts]),
        st.sampled_from(WATCHED_DIRS),
        st.lists(_FILE_NAME, min_size=1, max_size=3),
    )
    return st.fixed_dictionaries({"path": path, "action": st.sampled_from(FILE_ACTIONS)})


_DATA: Final[dict[str, Callable[[], st.SearchStrategy[Body]]]] = {
    "window_focus": lambda: st.fixed_dictionaries({"window_id": _WINDOW_ID, "title": _TITLE}),
    "window_open": lambda: st.fixed_dictionaries({"window_id": _WINDOW_ID, "title": _TITLE}),
    "window_close": lambda: st.fixed_dictionaries({"window_id": _WINDOW_ID}),
    "clipboard": lambda: st.fixed_dictionaries({"content": st.text(_CHARS, max_size=200)}),
    "file_change": _file_change,
    "screen_change": lambda: resolution_sizes().map(lambda s: {"width": s[0], "height": s[1]}),
    "audio_stream_start": lambda: st.just({}),
    "audio_stream_stop": lambda: st.just({}),
    "process_start": lambda: _PROCESS,
    "process_stop": lambda: _PROCESS,
    "idle": lambda: st.fixed_dictionaries({"idle_seconds": st.just(IDLE_AFTER_SECONDS)}),
    "active": lambda: st.just({}),
}


def event_data(event_type: str) -> st.SearchStrategy[Body]:
    """The documented ``data`` of one event type (``{}`` for the audio and active ones)."""
    try:
        return _DATA[event_type]()
    except KeyError:
        raise ValueError(f"unknown event type {event_type!r}; known: {EVENT_TYPES}") from None


def events(
    types: Iterable[str] | None = None, *, timestamp: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[Body]:
    """``{"type", "timestamp", "data"}`` of the given types (default: all 12)."""
    chosen = _types(types)
    stamps = timestamp if timestamp is not None else timestamps()
    return st.one_of(
        [
            st.fixed_dictionaries(
                {"type": st.just(kind), "timestamp": stamps, "data": event_data(kind)}
            )
            for kind in chosen
        ]
    )


def event_messages(types: Iterable[str] | None = None) -> st.SearchStrategy[Body]:
    """Events as the WebSocket frames them: ``{"type": "event", "event": {...}}``."""
    return events(types).map(lambda event: {"type": "event", "event": event})


def event_sequences(
    types: Iterable[str] | None = None, *, min_size: int = 0, max_size: int = 30
) -> st.SearchStrategy[list[Body]]:
    """A stream of event messages in time order (timestamps never go backwards)."""
    return st.lists(event_messages(types), min_size=min_size, max_size=max_size).map(
        lambda items: sorted(items, key=lambda message: message["event"]["timestamp"])
    )


def _types(types: Iterable[str] | None) -> Sequence[str]:
    chosen = tuple(types) if types is not None else EVENT_TYPES
    unknown = [t for t in chosen if t not in EVENT_TYPES]
    if unknown or not chosen:
        raise ValueError(f"event types must be some of {EVENT_TYPES}, got {chosen!r}")
    return chosen


# -- resolutions and screenshots ----------------------------------------------------------


def _side(bounds: tuple[int, int], given: tuple[int | None, int | None]) -> st.SearchStrategy[int]:
    low = bounds[0] if given[0] is None else given[0]
    high = bounds[1] if given[1] is None else given[1]
    if not MIN_SIDE <= low <= high <= MAX_SIDE:
        raise ValueError(f"sides must satisfy {MIN_SIDE} <= min <= max <= {MAX_SIDE}")
    return st.integers(low, high)


def resolution_sizes(
    *,
    min_width: int | None = None,
    max_width: int | None = None,
    min_height: int | None = None,
    max_height: int | None = None,
) -> st.SearchStrategy[tuple[int, int]]:
    """``(width, height)`` within Orgo's ``WxH`` form (defaults: 320x200 to 3840x2160)."""
    return st.tuples(
        _side(DEFAULT_WIDTHS, (min_width, max_width)),
        _side(DEFAULT_HEIGHTS, (min_height, max_height)),
    )


def resolutions(
    *,
    depths: Sequence[int] = DEPTHS,
    min_width: int | None = None,
    max_width: int | None = None,
    min_height: int | None = None,
    max_height: int | None = None,
) -> st.SearchStrategy[str]:
    """``"1280x720x24"``-style strings, as ``POST /computers`` takes them."""
    if not depths or any(d not in DEPTHS for d in depths):
        raise ValueError(f"depths must be some of {DEPTHS}")
    sizes = resolution_sizes(
        min_width=min_width, max_width=max_width, min_height=min_height, max_height=max_height
    )
    return st.builds(lambda s, d: f"{s[0]}x{s[1]}x{d}", sizes, st.sampled_from(depths))


_COLOR = st.tuples(*[st.integers(0, 255)] * 3)


@st.composite
def _image(draw: st.DrawFn, width: int | None, height: int | None, max_side: int) -> Image.Image:
    w = width if width is not None else draw(st.integers(1, max_side))
    h = height if height is not None else draw(st.integers(1, max_side))
    image = Image.new("RGB", (w, h), draw(_COLOR))
    canvas = ImageDraw.Draw(image)
    for _ in range(draw(st.integers(0, 4))):  # a few "windows"
        x0, x1 = sorted(draw(st.tuples(st.integers(0, w - 1), st.integers(0, w - 1))))
        y0, y1 = sorted(draw(st.tuples(st.integers(0, h - 1), st.integers(0, h - 1))))
        canvas.rectangle((x0, y0, x1, y1), fill=draw(_COLOR))
    return image


def screenshots(
    width: int | None = None, height: int | None = None, *, max_side: int = 64
) -> st.SearchStrategy[Image.Image]:
    """RGB images of exactly ``width`` x ``height`` (each side random up to ``max_side``
    when not given): a background and a few rectangles, cheap to make and to compare."""
    for side in (width, height):
        if side is not None and not 1 <= side <= MAX_SIDE:
            raise ValueError(f"a screenshot side must be 1..{MAX_SIDE}")
    return _image(width, height, max_side)


def screenshot_pngs(
    width: int | None = None, height: int | None = None, *, max_side: int = 64
) -> st.SearchStrategy[bytes]:
    """The same images as PNG bytes, what ``GET /screenshot`` carries (base64) or serves."""
    return screenshots(width, height, max_side=max_side).map(_png)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# -- request bodies -----------------------------------------------------------------------


def _optional(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Body]:
    """Any subset of ``fields`` (an omitted field takes the API's default)."""
    return st.fixed_dictionaries({}, optional=fields)


def computer_create_bodies(
    workspace_id: str, *, names: st.SearchStrategy[str] = _NAME, templates: bool = False
) -> st.SearchStrategy[Body]:
    """Valid ``POST /computers`` bodies for a workspace: every documented option, each
    present or left to its default. Names repeat across examples, and a name must be
    unique in its workspace: delete what you create, or pass unique ``names``. Valid
    for an unlimited plan (the fake's default); a real plan may refuse big sizes (403)."""
    optional: dict[str, st.SearchStrategy[Any]] = {
        "os": st.just("linux"),
        "ram": st.sampled_from(RAM_SIZES),
        "cpu": st.sampled_from(CPU_SIZES),
        "gpu": st.sampled_from(GPUS),
        "disk_size_gb": st.integers(8, 512),
        "resolution": resolutions(max_width=1920, max_height=1200),
        "auto_stop_minutes": st.integers(0, 10080),
    }
    if templates:
        optional["template_ref"] = st.sampled_from(CURATED_TEMPLATES)
    required = st.fixed_dictionaries({"workspace_id": st.just(workspace_id), "name": names})
    return st.tuples(required, _optional(optional)).map(lambda parts: {**parts[0], **parts[1]})


def click_bodies(width: int = 1280, height: int = 720) -> st.SearchStrategy[Body]:
    """``POST /click``: a point on a ``width`` x ``height`` screen, maybe a button/double."""
    required = st.fixed_dictionaries(
        {"x": st.integers(0, width - 1), "y": st.integers(0, height - 1)}
    )
    options = _optional({"button": st.sampled_from(["left", "right"]), "double": st.booleans()})
    return st.tuples(required, options).map(lambda parts: {**parts[0], **parts[1]})


def type_bodies(max_size: int = 200) -> st.SearchStrategy[Body]:
    """``POST /type``: any Unicode text."""
    text = st.text(_CHARS, max_size=max_size)
    required = st.fixed_dictionaries({"text": text})
    return st.tuples(required, _optional({"delay_ms": st.integers(0, 100)})).map(
        lambda parts: {**parts[0], **parts[1]}
    )


_PLAIN_KEYS = st.sampled_from(NAMED_KEYS) | st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789")


def key_bodies() -> st.SearchStrategy[Body]:
    """``POST /key``: a documented key name, or a ``+`` combination such as ``ctrl+c``."""
    combo = st.builds(
        lambda mods, key: "+".join([*mods, key]),
        st.lists(st.sampled_from(MODIFIERS), max_size=2, unique=True),
        _PLAIN_KEYS,
    )
    return st.fixed_dictionaries({"key": combo})


def scroll_bodies(width: int = 1280, height: int = 720) -> st.SearchStrategy[Body]:
    """``POST /scroll``: up or down by 1..20, maybe at a point of the screen."""
    options = _optional(
        {
            "amount": st.integers(1, 20),
            "x": st.integers(0, width - 1),
            "y": st.integers(0, height - 1),
        }
    )
    required = st.fixed_dictionaries({"direction": st.sampled_from(["up", "down"])})
    return st.tuples(required, options).map(lambda parts: {**parts[0], **parts[1]})


_MISSING: Final = object()


@st.composite
def _broken(
    draw: st.DrawFn, valid: st.SearchStrategy[Body], breaks: dict[str, Sequence[Any]]
) -> Body:
    """A valid body with exactly one field made wrong (a bad value, or left out)."""
    body = dict(draw(valid))
    field = draw(st.sampled_from(sorted(breaks)))
    value = draw(st.sampled_from(list(breaks[field])))
    if value is _MISSING:
        body.pop(field, None)
    else:
        body[field] = value
    return body


def invalid_computer_create_bodies(workspace_id: str) -> st.SearchStrategy[Body]:
    """``POST /computers`` bodies the API refuses with 400: one field wrong or missing."""
    return _broken(
        computer_create_bodies(workspace_id),
        {
            "workspace_id": [_MISSING],
            "name": [_MISSING, "", 7, None],
            "ram": [3, 12, "4", -4],
            "cpu": [3, 0, "1", 32],
            "gpu": ["h100", "", 1],
            "disk_size_gb": [0, 4, -8, "20"],
            "resolution": ["1280x720", "big", "1280x720x12", "99x99x24", 1280],
            "auto_stop_minutes": [-1, "10", 10081],
            "os": ["macos", "", 1],
        },
    )


def invalid_click_bodies() -> st.SearchStrategy[Body]:
    bad_coordinates = [_MISSING, -1, "10", 1.5, True, None]
    return _broken(
        click_bodies(),
        {"x": bad_coordinates, "y": bad_coordinates, "button": ["center", 1], "double": ["yes", 1]},
    )


def invalid_type_bodies() -> st.SearchStrategy[Body]:
    return _broken(type_bodies(), {"text": [_MISSING, 42, None, ["a"]], "delay_ms": [-1, "5"]})


def invalid_key_bodies() -> st.SearchStrategy[Body]:
    return _broken(key_bodies(), {"key": [_MISSING, "", 13, None, "ctrl+", "x" * 101]})


def invalid_scroll_bodies() -> st.SearchStrategy[Body]:
    return _broken(
        scroll_bodies(),
        {"direction": ["sideways", 1, ""], "amount": [0, -3, "3", 1.5], "x": [-5, "1"], "y": [-5]},
    )
