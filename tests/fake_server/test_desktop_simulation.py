"""The simulated desktop, seen through the REST API and the ``/_fake`` control surface,
in memory (no sockets): what the screen shows, when the desktop goes idle, what keys do,
and the control routes a test in another process would use.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import pytest
from PIL import Image, ImageChops

from fake_server import FakeOrgo
from fake_server.desktop.desktop import DesktopEvent
from fake_server.desktop.render import FOCUSED_TITLE, UNFOCUSED_TITLE, window_box
from fake_server.handle import DesktopHandle

API = "https://www.orgo.ai/api"
FAKE = "https://www.orgo.ai/_fake"
EDITOR = "Text Editor - Untitled"


# -- helpers ---------------------------------------------------------------------------------


def new_computer(api: httpx.Client, workspace: dict[str, Any], name: str = "pc") -> str:
    response = api.post("/computers", json={"workspace_id": workspace["id"], "name": name})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def pc(computer: dict[str, Any]) -> str:
    return str(computer["id"])


@pytest.fixture
def desk(fake: FakeOrgo, pc: str) -> DesktopHandle:
    return fake.desktop(pc)


@pytest.fixture
def events(desk: DesktopHandle) -> list[DesktopEvent]:
    """Every event the computer's desktop emits from now on."""
    seen: list[DesktopEvent] = []
    desk.on_event(seen.append)
    return seen


def kinds(events: list[DesktopEvent]) -> list[str]:
    return [event.type for event in events]


def act(api: httpx.Client, pc: str, action: str, **body: Any) -> None:
    response = api.post(f"/computers/{pc}/{action}", json=body)
    assert response.status_code == 200, response.text


def screenshot(api: httpx.Client, pc: str) -> bytes:
    response = api.get(f"/computers/{pc}/screenshot", params={"response_format": "base64"})
    assert response.status_code == 200, response.text
    body = response.json()
    png = base64.b64decode(body["image"])
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (body["width"], body["height"])
    return png


def image(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as opened:
        return opened.convert("RGB")


def changed_box(before: bytes, after: bytes) -> tuple[int, int, int, int] | None:
    return ImageChops.difference(image(before), image(after)).getbbox()


def inside(box: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return outer[0] <= box[0] and outer[1] <= box[1] and box[2] <= outer[2] and box[3] <= outer[3]


def control(api: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return api.request(method, f"{FAKE}{path}", **kwargs)


# -- screenshots -----------------------------------------------------------------------------


def scripted_session(api: httpx.Client, pc: str) -> None:
    act(api, pc, "type", text="Dear diary,")
    act(api, pc, "key", key="Enter")
    act(api, pc, "type", text="today the fake drew me.")
    response = control(
        api, "POST", f"/computers/{pc}/windows", json={"title": "Notes", "text": "hi"}
    )
    assert response.status_code == 201, response.text
    act(api, pc, "key", key="alt+Tab")


def test_the_same_state_gives_byte_identical_pngs(api: httpx.Client, pc: str) -> None:
    scripted_session(api, pc)
    first = screenshot(api, pc)
    assert screenshot(api, pc) == first
    # Change the state and change it back: a fresh render, the same bytes.
    act(api, pc, "type", text="x")
    changed = screenshot(api, pc)
    assert changed != first
    act(api, pc, "key", key="BackSpace")
    assert screenshot(api, pc) == first


def test_two_fakes_with_the_same_seed_draw_the_same_bytes() -> None:
    shots = []
    for _ in range(2):
        fake = FakeOrgo(seed=3)
        with httpx.Client(
            transport=fake.transport(), base_url=API, headers={"Authorization": "Bearer k"}
        ) as api:
            workspace = api.post("/workspaces", json={"name": "same"}).json()
            pc = new_computer(api, workspace)
            scripted_session(api, pc)
            shots.append(screenshot(api, pc))
    assert shots[0] == shots[1]
    assert image(shots[0]).size == (1280, 720)


def test_typing_a_character_repaints_only_inside_the_focused_window(
    api: httpx.Client, pc: str, desk: DesktopHandle
) -> None:
    width, height = desk.resolution
    for step in range(3):  # one, two, then three cascaded windows
        top_index = len(desk.windows) - 1
        before = screenshot(api, pc)
        act(api, pc, "type", text="k")
        after = screenshot(api, pc)
        box = changed_box(before, after)
        assert box is not None, "typing changed nothing on screen"
        assert inside(box, window_box(top_index, width, height)), (step, box)
        desk.open_window(f"Window {step}")


def title_colour(desk: DesktopHandle, png: bytes, window_id: str) -> tuple[int, int, int]:
    width, height = desk.resolution
    index = [w.id for w in desk.windows].index(window_id)
    _, top, right, _ = window_box(index, width, height)
    pixel = image(png).getpixel((right - 4, top + 4))  # title bar, clear of the title text
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def test_the_focused_window_is_marked_and_the_mark_moves_with_the_focus(
    api: httpx.Client, pc: str, desk: DesktopHandle
) -> None:
    [editor] = desk.windows
    notes = desk.open_window("Notes")
    shot = screenshot(api, pc)
    assert title_colour(desk, shot, notes.id) == FOCUSED_TITLE
    assert title_colour(desk, shot, editor.id) == UNFOCUSED_TITLE
    act(api, pc, "key", key="alt+Tab")
    assert desk.focused is not None and desk.focused.id == editor.id
    shot = screenshot(api, pc)
    assert title_colour(desk, shot, editor.id) == FOCUSED_TITLE
    assert title_colour(desk, shot, notes.id) == UNFOCUSED_TITLE


def test_a_resolution_change_resizes_the_screenshot(
    api: httpx.Client, pc: str, events: list[DesktopEvent]
) -> None:
    response = control(
        api, "PUT", f"/computers/{pc}/resolution", json={"resolution": "1024x768x24"}
    )
    assert response.status_code == 200, response.text
    assert image(screenshot(api, pc)).size == (1024, 768)
    assert [(e.type, e.data) for e in events] == [("screen_change", {"width": 1024, "height": 768})]
    assert api.get(f"/computers/{pc}").json()["instance_details"]["resolution"] == "1024x768x24"


def test_a_stopped_computer_has_no_screenshot(api: httpx.Client, pc: str) -> None:
    assert api.post(f"/computers/{pc}/stop").status_code == 200
    response = api.get(f"/computers/{pc}/screenshot", params={"response_format": "base64"})
    assert (
        response.status_code == 400 and response.json()["error"] == "Desktop instance not available"
    )


# -- idle and active, on the virtual clock -----------------------------------------------------


def test_idle_comes_exactly_30_seconds_after_the_last_input(
    fake: FakeOrgo, desk: DesktopHandle, events: list[DesktopEvent]
) -> None:
    fake.advance(29.9)
    assert events == [] and not desk.idle
    fake.advance(0.1)
    assert [(e.type, e.data) for e in events] == [("idle", {"idle_seconds": 30})]
    assert desk.idle
    fake.advance(300)  # idle once, not again and again
    assert kinds(events) == ["idle"]


def test_input_postpones_idle_and_ends_it_with_one_active(
    api: httpx.Client, fake: FakeOrgo, pc: str, desk: DesktopHandle, events: list[DesktopEvent]
) -> None:
    fake.advance(20)
    act(api, pc, "move", x=10, y=10)
    fake.advance(29.9)
    assert events == []  # 49.9 s since boot, but only 29.9 s since the input
    fake.advance(0.1)
    assert kinds(events) == ["idle"]
    act(api, pc, "click", x=5, y=5)
    assert [(e.type, e.data) for e in events[1:]] == [("active", {})] and not desk.idle
    act(api, pc, "type", text="more input")
    assert kinds(events) == ["idle", "active"]  # active only once


def test_the_wait_action_passes_virtual_time_without_counting_as_input(
    api: httpx.Client, pc: str, events: list[DesktopEvent]
) -> None:
    act(api, pc, "wait", seconds=30)  # returns at once: the clock is virtual
    assert kinds(events) == ["idle"]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("click", {"x": 5, "y": 5}),
        ("move", {"x": 7, "y": 9}),
        ("type", {"text": "a"}),
        ("key", {"key": "Escape"}),
        ("scroll", {"direction": "down", "amount": 1}),
        ("drag", {"start_x": 1, "start_y": 1, "end_x": 3, "end_y": 3}),
    ],
)
def test_every_kind_of_input_makes_an_idle_desktop_active(
    api: httpx.Client,
    fake: FakeOrgo,
    pc: str,
    events: list[DesktopEvent],
    action: str,
    body: dict[str, Any],
) -> None:
    fake.advance(30)
    act(api, pc, action, **body)
    assert kinds(events) == ["idle", "active"]


def test_idle_is_stamped_when_it_began_even_if_the_clock_jumps_past_it(
    fake: FakeOrgo, events: list[DesktopEvent]
) -> None:
    last_input = fake.clock.now()
    fake.advance(45)
    [idle] = events
    assert idle.type == "idle"
    assert idle.timestamp == pytest.approx(last_input + 30, abs=0.001)


# -- keyboard behaviours -------------------------------------------------------------------------


def test_select_all_copy_and_paste_round_trip(
    api: httpx.Client, pc: str, desk: DesktopHandle, events: list[DesktopEvent]
) -> None:
    act(api, pc, "type", text="round trip")
    act(api, pc, "key", key="ctrl+a")
    act(api, pc, "key", key="ctrl+c")
    assert desk.clipboard == "round trip"
    assert [(e.type, e.data) for e in events] == [("clipboard", {"content": "round trip"})]
    other = desk.open_window("Other")
    act(api, pc, "key", key="ctrl+v")
    act(api, pc, "key", key="ctrl+v")
    assert desk.raw.window(other.id).text == "round tripround trip"
    # Typing over a selection replaces it; ctrl+x cuts.
    act(api, pc, "key", key="ctrl+a")
    act(api, pc, "type", text="new")
    assert desk.raw.window(other.id).text == "new"
    act(api, pc, "key", key="ctrl+a")
    act(api, pc, "key", key="ctrl+x")
    assert desk.raw.window(other.id).text == "" and desk.clipboard == "new"


def test_copy_without_a_selection_leaves_the_clipboard_alone(
    api: httpx.Client, pc: str, desk: DesktopHandle, events: list[DesktopEvent]
) -> None:
    desk.set_clipboard("kept")
    act(api, pc, "type", text="unselected")
    act(api, pc, "key", key="ctrl+c")
    assert desk.clipboard == "kept" and kinds(events) == ["clipboard"]


def test_alt_tab_moves_the_focus(
    api: httpx.Client, pc: str, desk: DesktopHandle, events: list[DesktopEvent]
) -> None:
    [editor] = desk.windows
    notes = desk.open_window("Notes")
    del events[:]
    act(api, pc, "key", key="alt+Tab")
    assert desk.focused is not None and desk.focused.id == editor.id
    assert [(e.type, e.data) for e in events] == [
        ("window_focus", {"window_id": editor.id, "title": EDITOR})
    ]
    act(api, pc, "key", key="alt+Tab")
    assert desk.focused.id == notes.id  # type: ignore[union-attr]


@pytest.mark.parametrize("combo", ["ctrl+w", "alt+F4"])
def test_ctrl_w_closes_the_focused_window(
    api: httpx.Client, pc: str, desk: DesktopHandle, events: list[DesktopEvent], combo: str
) -> None:
    [editor] = desk.windows
    notes = desk.open_window("Notes")
    del events[:]
    act(api, pc, "key", key=combo)
    assert [w.id for w in desk.windows] == [editor.id]
    assert [(e.type, e.data) for e in events] == [
        ("window_close", {"window_id": notes.id}),
        ("window_focus", {"window_id": editor.id, "title": EDITOR}),
    ]
    act(api, pc, "key", key=combo)
    assert desk.windows == [] and kinds(events)[-1] == "window_close"


def test_clicking_a_window_focuses_it(
    api: httpx.Client, pc: str, desk: DesktopHandle, events: list[DesktopEvent]
) -> None:
    [editor] = desk.windows
    desk.open_window("Notes")
    width, height = desk.resolution
    left, top, _, _ = window_box(0, width, height)
    act(api, pc, "click", x=left + 5, y=top + 5)  # the editor's visible corner
    assert desk.focused is not None and desk.focused.id == editor.id
    assert (events[-1].type, events[-1].data["window_id"]) == ("window_focus", editor.id)


# -- the control surface over HTTP --------------------------------------------------------------


def test_control_windows(api: httpx.Client, pc: str, desk: DesktopHandle) -> None:
    base = f"/computers/{pc}/windows"
    created = control(api, "POST", base, json={"title": "Browser", "text": "hello"})
    assert created.status_code == 201, created.text
    window = created.json()
    assert window["title"] == "Browser" and window["text"] == "hello"
    state = control(api, "GET", f"/computers/{pc}/desktop").json()
    assert state["focused_window_id"] == window["id"]
    assert [w["title"] for w in state["windows"]] == [EDITOR, "Browser"]
    editor_id = state["windows"][0]["id"]
    assert control(api, "POST", f"{base}/{editor_id}/focus").status_code == 200
    assert desk.focused is not None and desk.focused.id == editor_id
    assert control(api, "DELETE", f"{base}/{window['id']}").status_code == 200
    assert [w.title for w in desk.windows] == [EDITOR]
    for method, path in [("DELETE", "/0xdeadbeef"), ("POST", "/0xdeadbeef/focus")]:
        response = control(api, method, base + path)
        assert response.status_code == 404 and response.json()["error"] == "Window not found"
    for bad in ({}, {"title": ""}, {"title": 5}, {"title": "x", "colour": "red"}):
        assert control(api, "POST", base, json=bad).status_code == 400, bad


def test_control_clipboard(api: httpx.Client, pc: str, events: list[DesktopEvent]) -> None:
    path = f"/computers/{pc}/clipboard"
    assert control(api, "PUT", path, json={"content": "from control"}).status_code == 200
    assert [(e.type, e.data) for e in events] == [("clipboard", {"content": "from control"})]
    act(api, pc, "key", key="ctrl+v")
    state = control(api, "GET", f"/computers/{pc}/desktop").json()
    assert state["clipboard"] == "from control" and state["windows"][-1]["text"] == "from control"
    assert control(api, "PUT", path, json={"content": 3}).status_code == 400
    assert control(api, "PUT", path, content=b"{oops").status_code == 400


def test_control_files(api: httpx.Client, pc: str, events: list[DesktopEvent]) -> None:
    path = f"/computers/{pc}/files"
    target = "/home/user/Desktop/control.txt"
    assert control(api, "PUT", path, json={"path": target, "content": "hello"}).status_code == 200
    bash = api.post(f"/computers/{pc}/bash", json={"command": f"cat {target}"}).json()
    assert bash["output"] == "hello"
    raw = bytes(range(256))
    payload = {
        "path": "/home/user/Downloads/blob.bin",
        "content_base64": base64.b64encode(raw).decode(),
    }
    assert control(api, "PUT", path, json=payload).status_code == 200
    read = control(api, "GET", path, params={"path": "/home/user/Downloads/blob.bin"})
    assert read.status_code == 200 and read.content == raw
    listing = control(api, "GET", path, params={"directory": "/home/user/Downloads"}).json()
    assert listing == {"files": ["/home/user/Downloads/blob.bin"]}
    assert [(e.data["path"], e.data["action"]) for e in events if e.type == "file_change"] == [
        (target, "created"),
        ("/home/user/Downloads/blob.bin", "created"),
    ]
    assert control(api, "DELETE", path, params={"path": target}).status_code == 200
    assert (
        "No such file"
        in api.post(f"/computers/{pc}/bash", json={"command": f"cat {target}"}).json()["output"]
    )

    bad_base64 = {"path": "/home/user/x.bin", "content_base64": "not base64!"}
    response = control(api, "PUT", path, json=bad_base64)
    assert response.status_code == 400 and "base64" in response.json()["error"]
    both = {"path": "/home/user/x", "content": "a", "content_base64": "YQ=="}
    assert control(api, "PUT", path, json=both).status_code == 400
    assert control(api, "PUT", path, json={"path": "/home/user/x"}).status_code == 400
    assert control(api, "GET", path, params={"path": "/home/user/missing"}).status_code == 404
    assert control(api, "DELETE", path).status_code == 400
    assert control(api, "DELETE", path, params={"path": "/home/user/missing"}).status_code == 404


def test_control_processes(api: httpx.Client, pc: str, events: list[DesktopEvent]) -> None:
    path = f"/computers/{pc}/processes"
    created = control(api, "POST", path, json={"name": "firefox"})
    assert created.status_code == 201
    process = created.json()
    assert process["name"] == "firefox" and isinstance(process["pid"], int)
    ps = api.post(f"/computers/{pc}/bash", json={"command": "ps"}).json()["output"]
    assert "firefox" in ps and str(process["pid"]) in ps
    stopped = control(api, "DELETE", f"{path}/{process['pid']}")
    assert stopped.status_code == 200 and stopped.json() == process
    assert [(e.type, e.data) for e in events] == [
        ("process_start", process),
        ("process_stop", process),
    ]
    assert control(api, "DELETE", f"{path}/{process['pid']}").status_code == 404
    assert control(api, "DELETE", f"{path}/not-a-pid").status_code == 404
    assert control(api, "POST", path, json={"name": ""}).status_code == 400


def test_control_audio_tone(api: httpx.Client, pc: str, desk: DesktopHandle) -> None:
    path = f"/computers/{pc}/audio/tone"
    response = control(api, "POST", path, json={"frequency": 440, "seconds": 0.5})
    assert response.status_code == 200, response.text
    frame, _ = desk.raw.audio.read(0)  # what the audio socket's first listener would hear
    assert any(frame) and desk.raw.audio.playing
    assert control(api, "DELETE", f"/computers/{pc}/audio").status_code == 200
    assert not desk.raw.audio.playing
    for bad in (
        {"frequency": 5, "seconds": 1},
        {"frequency": 440, "seconds": 0},
        {"frequency": 440, "seconds": 1, "amplitude": 2},
        {"frequency": "high", "seconds": 1},
        {"seconds": 1},
    ):
        assert control(api, "POST", path, json=bad).status_code == 400, bad


@pytest.mark.parametrize("bad", ["800x600", "big", "1280x720x7", "0x720x24", "99999x720x24", ""])
def test_control_resolution_rejects_bad_values(
    api: httpx.Client, pc: str, desk: DesktopHandle, bad: str
) -> None:
    response = control(api, "PUT", f"/computers/{pc}/resolution", json={"resolution": bad})
    assert response.status_code == 400 and response.json()["error"]
    assert desk.resolution == (1280, 720)


def test_control_scripts_answer_the_bash_endpoint(api: httpx.Client, pc: str) -> None:
    path = f"/computers/{pc}/scripts"
    exact = {"pattern": "deploy --prod", "output": "deployed to prod\n", "exit_code": 0}
    assert control(api, "POST", path, json=exact).status_code == 201
    regex = {  # a regex must match the whole command
        "pattern": r"curl\s+https://\S+",
        "regex": True,
        "output": "curl: (6) nope\n",
        "exit_code": 6,
    }
    assert control(api, "POST", path, json=regex).status_code == 201

    def bash(command: str) -> dict[str, Any]:
        response = api.post(f"/computers/{pc}/bash", json={"command": command})
        assert response.status_code == 200, response.text
        return dict(response.json())

    answer = bash("deploy --prod")
    assert (answer["output"], answer["exit_code"], answer["command"]) == (
        "deployed to prod\n",
        0,
        "deploy --prod",
    )
    answer = bash("curl https://example.com")
    assert (answer["output"], answer["exit_code"]) == ("curl: (6) nope\n", 6)
    assert bash("curl https://example.com | head")["exit_code"] != 6  # not a full match
    assert bash("echo unscripted")["output"] == "unscripted\n"

    python = {"pattern": "print(secret)", "output": "42\n", "python": True}
    assert control(api, "POST", path, json=python).status_code == 201
    executed = api.post(f"/computers/{pc}/exec", json={"code": "print(secret)"}).json()
    assert executed["output"] == "42\n"

    assert control(api, "POST", path, json={"pattern": "(", "regex": True}).status_code == 400
    assert control(api, "POST", path, json={"pattern": "x", "exit_code": 256}).status_code == 400
    assert control(api, "POST", path, json={"pattern": ""}).status_code == 400


def test_control_events_publishes_an_arbitrary_event(
    api: httpx.Client, pc: str, events: list[DesktopEvent]
) -> None:
    body = {"type": "window_open", "data": {"window_id": "0x1", "title": "Injected"}}
    assert control(api, "POST", f"/computers/{pc}/events", json=body).status_code == 200
    assert [(e.type, e.data) for e in events] == [("window_open", body["data"])]
    assert control(api, "POST", f"/computers/{pc}/events", json={"data": {}}).status_code == 400


def test_control_connections_is_empty_without_sockets(api: httpx.Client, pc: str) -> None:
    response = control(api, "GET", f"/computers/{pc}/connections")
    assert response.status_code == 200 and response.json() == {"connections": []}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/desktop", None),
        ("POST", "/windows", {"title": "x"}),
        ("PUT", "/clipboard", {"content": "x"}),
        ("PUT", "/resolution", {"resolution": "800x600x24"}),
        ("POST", "/audio/tone", {"frequency": 440, "seconds": 1}),
        ("GET", "/connections", None),
    ],
)
def test_control_routes_404_for_an_unknown_computer(
    api: httpx.Client, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = control(api, method, f"/computers/00000000{path}", json=body)
    assert response.status_code == 404 and response.json()["error"] == "Computer not found"


def test_control_routes_accept_the_instance_id(
    api: httpx.Client, computer: dict[str, Any], desk: DesktopHandle
) -> None:
    path = f"/computers/{computer['instance_id']}/clipboard"
    assert control(api, "PUT", path, json={"content": "by instance id"}).status_code == 200
    assert desk.clipboard == "by instance id"
