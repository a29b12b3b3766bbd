"""``pytest_orgo.strategies`` generate what the API takes and what it sends.

Why against the fake: a strategy is only useful if its "valid" bodies are accepted and
its "invalid" ones refused, and if its events look exactly like the events a client
receives. The fake is the executable form of the API reference, so each generated
payload is sent to it (valid -> 2xx, invalid -> 400 ``{"error": str}``), and each
generated event is compared with frames the fake itself encodes for all 12 types.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from fake_server import FakeOrgo
from fake_server.desktop.desktop import DesktopEvent
from fake_server.events_catalog import EVENT_TYPE_NAMES
from fake_server.ws.events import encode_event
from pytest_orgo import strategies as orgo_st

API = "https://www.orgo.ai/api"
ISO_MS_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
RESOLUTION = re.compile(r"^[1-9][0-9]{2,3}x[1-9][0-9]{2,3}x(8|16|24|32)$")
FEW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class World:
    def __init__(self) -> None:
        self.fake = FakeOrgo(seed=21)
        self.http = httpx.Client(
            transport=self.fake.transport(),
            base_url=API,
            headers={"Authorization": "Bearer sk_strategies"},
        )
        self.workspace_id = self.http.post("/workspaces", json={"name": "s"}).json()["id"]
        computer = self.http.post(
            "/computers", json={"workspace_id": self.workspace_id, "name": "pc"}
        )
        self.computer_id = computer.json()["id"]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    world = World()
    yield world
    world.http.close()


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 400, (response.status_code, response.text)
    error = response.json()["error"]
    assert isinstance(error, str) and error


# -- payloads -------------------------------------------------------------------------


def test_valid_computer_bodies_are_created_with_what_they_ask(world: World) -> None:
    @FEW
    @given(body=orgo_st.computer_create_bodies(world.workspace_id, templates=True))
    def check(body: dict[str, Any]) -> None:
        response = world.http.post("/computers", json=body)
        assert response.status_code == 201, (body, response.text)
        created = response.json()
        try:
            for field in ("name", "ram", "cpu", "gpu", "disk_size_gb", "resolution"):
                if field in body:
                    assert created[field] == body[field]
            assert created["instance_details"]["resolution"] == body.get(
                "resolution", "1280x720x24"
            )
        finally:
            assert world.http.delete(f"/computers/{created['id']}").status_code == 200

    check()


def test_invalid_computer_bodies_are_refused_with_400(world: World) -> None:
    @FEW
    @given(body=orgo_st.invalid_computer_create_bodies(world.workspace_id))
    def check(body: dict[str, Any]) -> None:
        _refused(world.http.post("/computers", json=body))

    check()
    assert len(world.fake.state.computers) == 1  # nothing invalid was ever created


ACTIONS = [
    ("click", orgo_st.click_bodies(), orgo_st.invalid_click_bodies()),
    ("type", orgo_st.type_bodies(), orgo_st.invalid_type_bodies()),
    ("key", orgo_st.key_bodies(), orgo_st.invalid_key_bodies()),
    ("scroll", orgo_st.scroll_bodies(), orgo_st.invalid_scroll_bodies()),
]


@pytest.mark.parametrize(("action", "valid", "invalid"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_action_bodies_valid_are_done_and_invalid_refused(
    world: World,
    action: str,
    valid: st.SearchStrategy[dict[str, Any]],
    invalid: st.SearchStrategy[dict[str, Any]],
) -> None:
    url = f"/computers/{world.computer_id}/{action}"

    @FEW
    @given(body=valid)
    def accepted(body: dict[str, Any]) -> None:
        response = world.http.post(url, json=body)
        assert response.status_code == 200, (body, response.text)
        assert response.json()["success"] is True

    @FEW
    @given(body=invalid)
    def refused(body: dict[str, Any]) -> None:
        _refused(world.http.post(url, json=body))

    accepted()
    refused()


@FEW
@given(resolution=orgo_st.resolutions(), size=orgo_st.resolution_sizes())
def test_resolutions_have_the_documented_form(resolution: str, size: tuple[int, int]) -> None:
    assert RESOLUTION.match(resolution)
    width, height = size
    assert 320 <= width <= 3840 and 200 <= height <= 2160


def test_resolution_bounds_outside_the_documented_form_are_refused() -> None:
    with pytest.raises(ValueError, match="sides"):
        orgo_st.resolutions(min_width=10)
    with pytest.raises(ValueError, match="depths"):
        orgo_st.resolutions(depths=[12])


@settings(max_examples=20, deadline=None)
@given(data=st.data(), width=st.integers(1, 48), height=st.integers(1, 48))
def test_screenshots_are_pngs_of_the_asked_size(
    data: st.DataObject, width: int, height: int
) -> None:
    png = data.draw(orgo_st.screenshot_pngs(width, height))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (width, height) and image.format == "PNG"
    assert data.draw(orgo_st.screenshots(width, height)).size == (width, height)


# -- events ---------------------------------------------------------------------------


def _shape(value: Any) -> Any:
    """Keys and JSON types, recursively: what a consumer's parser depends on."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in sorted(value.items())}
    return type(value).__name__


@pytest.fixture(scope="module")
def real_frames() -> dict[str, dict[str, Any]]:
    """One frame of each of the 12 types, as the fake's events socket encodes them,
    produced by doing things on a simulated desktop (not by hand)."""
    fake = FakeOrgo(seed=4)
    key = fake.state.authenticate("Bearer k")
    workspace = fake.state.create_workspace(key, "w")
    computer = fake.state.create_computer(key, workspace, "pc")
    handle = fake.desktop(computer.id)
    seen: list[DesktopEvent] = []
    handle.on_event(seen.append)
    window = handle.open_window("Notes")  # window_open, window_focus
    handle.close_window(window.id)  # window_close (and focus back)
    handle.set_clipboard("copied")
    handle.write_file("/home/user/Downloads/report.csv", "a,b")
    handle.set_resolution("1920x1080x24")
    cursor = handle.raw.audio.open_cursor()  # audio events follow what a listener reads
    handle.play_tone(440, 0.04)
    handle.raw.audio.read(cursor, frames=5)  # audio_stream_start, then _stop at its end
    process = handle.start_process("firefox")
    handle.stop_process(process.pid)
    fake.advance(31)  # idle
    handle.type_text("x")  # active
    frames = {e.type: json.loads(encode_event(e)) for e in seen}
    assert set(frames) == EVENT_TYPE_NAMES
    return frames


def test_the_strategies_know_exactly_the_fakes_event_types() -> None:
    assert set(orgo_st.EVENT_TYPES) == EVENT_TYPE_NAMES and len(orgo_st.EVENT_TYPES) == 12


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=orgo_st.event_messages())
def test_generated_event_messages_have_the_shape_the_fake_sends(
    message: dict[str, Any], real_frames: dict[str, dict[str, Any]]
) -> None:
    kind = message["event"]["type"]
    real = real_frames[kind]
    assert _shape(message) == _shape(real)
    assert ISO_MS_Z.match(message["event"]["timestamp"]) and ISO_MS_Z.match(
        real["event"]["timestamp"]
    )
    data = message["event"]["data"]
    if kind == "file_change":
        assert data["path"].startswith(("/home/user/Desktop/", "/home/user/Downloads/"))
        assert data["action"] in ("created", "modified", "deleted")
    if kind in ("window_focus", "window_open", "window_close"):
        assert re.fullmatch(r"0x[0-9a-f]{7}", data["window_id"])
        assert re.fullmatch(r"0x[0-9a-f]{7}", real["event"]["data"]["window_id"])


@FEW
@given(sequence=orgo_st.event_sequences(types=["clipboard", "idle", "active"], min_size=2))
def test_event_sequences_are_in_time_order_and_of_the_asked_types(
    sequence: list[dict[str, Any]],
) -> None:
    stamps = [m["event"]["timestamp"] for m in sequence]
    assert stamps == sorted(stamps)
    assert {m["event"]["type"] for m in sequence} <= {"clipboard", "idle", "active"}


def test_unknown_event_types_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        orgo_st.event_data("keyboard")
    with pytest.raises(ValueError, match="event types"):
        orgo_st.events(["clipboard", "nope"])
