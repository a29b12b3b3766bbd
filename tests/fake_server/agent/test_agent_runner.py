"""The agent acts on the simulated desktop through the REST actions' own code path:
events fire, the screenshot changes, the request log shows each action."""

from __future__ import annotations

import httpx

from fake_server import FakeOrgo
from fake_server.agent import Turn, act, answer, fail, say, think
from fake_server.desktop.desktop import DesktopEvent
from tests.fake_server.agent.conftest import complete


def test_a_script_acts_through_the_rest_routes(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object], events: list[DesktopEvent]
) -> None:
    ident = str(computer["id"])
    desktop = fake.desktop(ident)
    desktop.open_window("Notes")
    before = desktop.screenshot()
    fake.agent.add_script(
        [
            think("the notes window is open"),
            act("left_click", coordinate=(400, 300)),
            act("type", text="hello agent"),
            act("key", text="enter"),
            act("key", text="ctrl+a"),
            act("key", text="ctrl+c"),
            answer("typed it"),
        ]
    )
    response = complete(api, ident, "write hello")
    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == "typed it"
    assert desktop.focused is not None and desktop.focused.text == "hello agent\n"
    assert desktop.screenshot() != before
    logged = [(r.method, r.path.rsplit("/", 1)[-1], r.body) for r in fake.requests()[-6:-1]]
    assert logged == [
        ("POST", "click", {"x": 500, "y": 281, "button": "left", "double": False}),
        ("POST", "type", {"text": "hello agent"}),
        ("POST", "key", {"key": "Return"}),  # the SDK's key names mapped to X11 keysyms
        ("POST", "key", {"key": "ctrl+a"}),
        ("POST", "key", {"key": "ctrl+c"}),
    ]
    assert fake.requests()[-1].path == "/v1/chat/completions"
    assert [e.data for e in events if e.type == "clipboard"] == [{"content": "hello agent\n"}]


def test_coordinates_scale_from_the_display_to_the_screen(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    ident = str(computer["id"])  # 1280x720
    fake.agent.add_script(
        [
            act("mouse_move", coordinate=(1023, 767)),
            act("left_click_drag", start_coordinate=(0, 0), coordinate=(512, 384)),
            act("scroll", coordinate=(256, 192), scroll_direction="up", scroll_amount=2),
            act("triple_click", coordinate=(100, 100)),
        ]
    )
    complete(api, ident)
    bodies = [r.body for r in fake.requests("POST", "/computers/*")]
    assert bodies == [
        {"x": 1279, "y": 719},
        {"start_x": 0, "start_y": 0, "end_x": 640, "end_y": 360},
        {"direction": "up", "amount": 2, "x": 320, "y": 180},
        {"x": 125, "y": 94, "button": "left", "double": False},
        {"x": 125, "y": 94, "button": "left", "double": True},
    ]
    run = fake.agent.last_run
    assert run.outcome == "success" and run.iterations == 4  # the script ran out: done
    assert run.steps[0].request == f"POST /computers/{ident}/move" and run.steps[0].status == 200


def test_a_display_of_the_screen_size_is_not_scaled(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    ident = str(computer["id"])
    fake.agent.add_script([act("cursor_position")])
    fake.desktop(ident).raw.move_pointer(640, 360)
    complete(api, ident)
    assert fake.agent.last_run.steps[0].result == "X=512,Y=384"


def test_a_policy_clicks_the_window_titled_x_then_types(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object], events: list[DesktopEvent]
) -> None:
    ident = str(computer["id"])
    desktop = fake.desktop(ident)
    desktop.open_window("Editor")
    desktop.open_window("Browser")  # on top
    seen: list[Turn] = []

    def policy(turn: Turn) -> list[object]:
        seen.append(turn)
        if turn.iteration == 1:
            return [act("left_click", coordinate=turn.window("Editor").title_bar)]
        if turn.iteration == 2:
            return [act("type", text=turn.instruction.split(": ", 1)[1])]
        return [answer(f"typed into {turn.desktop.focused.title}")]  # type: ignore[union-attr]

    fake.agent.add_script(policy)
    response = complete(api, ident, "type this: a policy wrote me")
    assert response.json()["choices"][0]["message"]["content"] == "typed into Editor"
    editor = next(w for w in desktop.windows if w.title == "Editor")
    assert editor.text == "a policy wrote me"
    focus = [e.data["title"] for e in events if e.type == "window_focus"]
    assert focus == ["Editor", "Browser", "Editor"]  # two opened, then the agent's click
    assert seen[0].screenshot[:8] == b"\x89PNG\r\n\x1a\n"
    assert seen[0].desktop.focused is not None and seen[0].desktop.focused.title == "Browser"
    assert [t.iteration for t in seen] == [1, 2, 3]
    assert fake.agent.last_run.source == "policy"


def test_the_default_agent_looks_once_and_answers(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    response = complete(api, computer["id"], "open firefox")
    assert response.json()["choices"][0]["message"]["content"] == "Done: open firefox"
    assert [r.path.rsplit("/", 1)[-1] for r in fake.requests("GET")] == ["screenshot"]
    run = fake.agent.last_run
    assert (run.source, run.iterations, run.outcome) == ("default", 2, "success")
    assert run.tool_uses == [{"type": "tool_use", "action": "screenshot"}]


def test_queues_are_consumed_per_run_computer_first(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    ident = str(computer["id"])
    fake.agent.add_script([answer("fake-wide")])
    fake.agent.add_script([answer("mine")], computer_id=ident)
    fake.agent.set_default([answer("standing")], computer_id=ident)
    answers = [complete(api, ident).json()["choices"][0]["message"]["content"] for _ in range(3)]
    assert answers == ["mine", "fake-wide", "standing"]
    assert fake.agent.pending() == fake.agent.pending(ident) == 0
    fake.agent.set_default(None, computer_id=ident)
    assert complete(api, ident, "x").json()["choices"][0]["message"]["content"] == "Done: x"


def test_a_failing_action_is_reported_to_the_agent_not_raised(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    ident = str(computer["id"])
    fake.inject_fault(status=503, path="/computers/*/click")
    fake.agent.add_script([act("left_click", coordinate=(1, 1)), say("it failed"), answer()])
    assert complete(api, ident).status_code == 200
    step = fake.agent.last_run.steps[0]
    assert step.status == 503 and step.result == "Error: Injected fault"


def test_runs_record_instruction_model_config_steps_and_outcome(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    ident = str(computer["id"])
    fake.agent.add_script([think("no"), fail("cannot do that")])
    complete(api, ident, "impossible", model="claude-opus-4.6", max_steps=7)
    run = fake.agent.runs(ident)[-1]
    assert (run.instruction, run.model, run.front) == ("impossible", "claude-opus-4.6", "chat")
    assert run.config.max_iterations == 7
    assert [s.step["type"] for s in run.steps] == ["thinking", "fail"]
    assert (run.outcome, run.error) == ("failed", "cannot do that")
    assert run.to_json()["outcome"] == "failed"


def test_a_policy_that_raises_fails_the_run_saying_so(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    def broken(turn: Turn) -> None:
        raise LookupError("no such window")

    fake.agent.add_script(broken)
    response = complete(api, computer["id"])
    assert response.status_code == 500
    assert "no such window" in response.json()["error"]["message"]
    assert fake.agent.last_run.outcome == "failed"


def test_max_steps_stops_the_run(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.add_script([act("screenshot")] * 10)
    response = complete(api, computer["id"], max_steps=3)
    assert response.json()["choices"][0]["finish_reason"] == "length"
    run = fake.agent.last_run
    assert (run.outcome, run.iterations, len(run.tool_uses)) == ("max_iterations", 3, 3)


def test_wait_advances_the_virtual_clock(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    start = fake.clock.now()
    fake.agent.add_script([act("wait", duration=5), answer()])
    complete(api, computer["id"])
    assert fake.clock.now() - start == 5


def test_reset_forgets_the_agent(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.add_script([answer()])
    fake.agent.set_credits(5)
    complete(api, computer["id"])
    fake.reset()
    assert fake.agent.runs() == [] and fake.agent.credits_cents is None
    assert fake.agent.threads.all() == []
