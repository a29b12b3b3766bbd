"""Running an agent: ask the policy for steps, act on the desktop, report frames.

Every tool use becomes the REST call Orgo's own agent makes (``POST
/api/computers/{id}/click`` and so on) and goes through the fake's dispatcher with the
caller's key, exactly as a client's request would: so validation, faults, events, the
screenshot and the request log all see the agent's actions, and nothing about acting on
the desktop is written twice. The mapping from computer-tool actions to REST calls is
the one the official SDK's ``AnthropicProvider`` uses.

The runner is a generator of ``(type, data)`` frames, the hosted agent WebSocket's
vocabulary; the chat-completions front keeps only the final answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from fake_server.agent.policy import Policy, Scale, Turn, snapshot
from fake_server.agent.runs import AgentRun, ExecutedStep
from fake_server.agent.script import (
    Answer,
    Fail,
    InvalidScript,
    Step,
    Text,
    Thinking,
    ToolUse,
    parse_steps,
)

if TYPE_CHECKING:
    from fake_server.agent.service import AgentService

Frame = tuple[str, Any]
USER_AGENT = "orgo-agent (pytest-orgo fake)"
# the SDK maps these key names to X11 keysyms before calling /key; the agent does too
_XKEYS = {
    "enter": "Return",
    "return": "Return",
    "tab": "Tab",
    "escape": "Escape",
    "esc": "Escape",
    "backspace": "BackSpace",
    "delete": "Delete",
    "space": "space",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "pageup": "Page_Up",
    "pagedown": "Page_Down",
    "page_up": "Page_Up",
    "page_down": "Page_Down",
}
Call = tuple[str, str, dict[str, Any] | None]  # method, path below the computer, body


class AgentRunner:
    """Runs one :class:`AgentRun` of ``agent`` with ``api_key``'s rights."""

    def __init__(self, agent: AgentService, run: AgentRun, policy: Policy, api_key: str) -> None:
        self.backend = agent.backend
        self.dispatch = agent.act
        self.run = run
        self.policy = policy
        self.headers = {
            "authorization": f"Bearer {api_key}",
            "content-type": "application/json",
            "user-agent": USER_AGENT,
        }
        self.cancelled = threading.Event()
        self.messages: list[dict[str, Any]] = [{"role": "user", "content": run.instruction}]
        self._history: list[Step] = []
        self._base = f"/api/computers/{run.computer_id}"

    # -- the loop ---------------------------------------------------------------------

    def frames(self) -> Iterator[Frame]:
        run = self.run
        yield "status", "Agent started"
        iteration = 0
        while run.outcome == "running":
            if self.cancelled.is_set():
                run.outcome, run.error = "failed", "Cancelled: the client went away"
                break
            iteration += 1
            if iteration > run.config.max_iterations:
                run.outcome = "max_iterations"
                run.error = f"Reached max_iterations ({run.config.max_iterations})"
                break
            steps = self._ask(iteration)
            if steps is None:
                break
            if not steps:
                self._finish(Answer(text=self._last_text() or "Done."))
                yield "text", run.answer
                break
            run.iterations = iteration
            yield "iteration", iteration
            yield from self._iteration(iteration, steps)
        yield "result", self.result()

    def _ask(self, iteration: int) -> list[Step] | None:
        """The policy's steps for this iteration; None after it failed the run."""
        try:
            turn = self._turn(iteration)
            given = self.policy(turn)
            return parse_steps(given) if given is not None else []
        except InvalidScript as exc:
            error = str(exc)
        except Exception as exc:  # the test's policy raised: the run fails, saying so
            error = f"the agent policy raised {exc!r}"
        self.run.outcome, self.run.error = "failed", error
        return None

    def _iteration(self, iteration: int, steps: list[Step]) -> Iterator[Frame]:
        blocks: list[dict[str, Any]] = []
        for step in steps:
            self._history.append(step)
            executed = ExecutedStep(iteration, step.model_dump(mode="json", exclude_none=True))
            self.run.steps.append(executed)
            if isinstance(step, Thinking):
                blocks.append({"type": "thinking", "thinking": step.text})
                yield "thinking", step.text
            elif isinstance(step, Text):
                blocks.append({"type": "text", "text": step.text})
                yield "text", step.text
            elif isinstance(step, ToolUse):
                tool_id = f"toolu_{self.run.id[:8]}_{len(self.run.steps)}"
                input_ = {"action": step.action, **step.params()}
                blocks.append(
                    {"type": "tool_use", "id": tool_id, "name": "computer", "input": input_}
                )
                yield "tool_use", {"action": step.action, "params": step.params()}
                self._act(step, executed)
                self.messages.append({"role": "assistant", "content": blocks})
                self.messages.append(
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "tool_result",
                                "tool_use_id": tool_id,
                                "content": executed.result,
                            }
                        ],
                    }
                )
                blocks = []
            elif isinstance(step, Answer):
                blocks.append({"type": "text", "text": step.text})
                self._finish(step)
                yield "text", step.text
            else:
                assert isinstance(step, Fail)
                self.run.outcome, self.run.error = "failed", step.error
            if self.run.outcome != "running":
                break
        if blocks:
            self.messages.append({"role": "assistant", "content": blocks})

    def _finish(self, step: Answer) -> None:
        self.run.outcome, self.run.answer = "success", step.text

    def _last_text(self) -> str | None:
        texts = [s.text for s in self._history if isinstance(s, Text)]
        return texts[-1] if texts else None

    def result(self) -> dict[str, Any]:
        """The ``result`` frame's data."""
        result: dict[str, Any] = {
            "messages": self.messages,
            "iterations": self.run.iterations,
            "success": self.run.outcome == "success",
        }
        if self.run.error is not None:
            result["error"] = self.run.error
        return result

    # -- the desktop ------------------------------------------------------------------

    def _scale(self) -> Scale:
        computer = self.backend.computer(self.run.computer_id)
        desktop = computer.desktop
        config = self.run.config
        return Scale((config.display_width, config.display_height), (desktop.width, desktop.height))

    def _turn(self, iteration: int) -> Turn:
        with self.backend.state.lock:
            scale = self._scale()
            state = snapshot(self.backend.computer(self.run.computer_id).desktop, scale)
        handle = self.backend.desktop(self.run.computer_id)
        return Turn(
            instruction=self.run.instruction,
            iteration=iteration,
            desktop=state,
            display=scale.display,
            history=list(self._history),
            _screenshot=handle.screenshot,
        )

    def _act(self, step: ToolUse, executed: ExecutedStep) -> None:
        if step.action == "cursor_position":
            with self.backend.state.lock:
                desktop = self.backend.computer(self.run.computer_id).desktop
                x, y = self._scale().to_display(desktop.pointer.x, desktop.pointer.y)
            executed.result = f"X={x},Y={y}"
            return
        calls = self._calls(step)
        for method, path, body in calls:
            answer = self.dispatch(
                method,
                self._base + path,
                query_string="response_format=base64" if path == "/screenshot" else "",
                headers=self.headers,
                body=json.dumps(body).encode() if body is not None else b"",
            )
            if answer.delay > 0:  # a real-clock wait, or an injected delay
                time.sleep(answer.delay)
            executed.request = f"{method} {self._base[4:]}{path}"
            executed.status = answer.status
            if answer.status >= 400 or answer.drop:
                executed.result = f"Error: {_message(answer.body)}"
                return
        executed.result = _describe(step)

    def _calls(self, step: ToolUse) -> list[Call]:
        scale = self._scale()
        point = scale.to_screen(*step.coordinate) if step.coordinate is not None else (0, 0)
        x, y = point
        click: Callable[[str, bool], Call] = lambda button, double: (  # noqa: E731
            "POST",
            "/click",
            {"x": x, "y": y, "button": button, "double": double},
        )
        action = step.action
        if action == "screenshot":
            return [("GET", "/screenshot", None)]
        if action in ("left_click", "right_click", "middle_click"):
            return [click(action.split("_")[0], False)]
        if action == "double_click":
            return [click("left", True)]
        if action == "triple_click":
            return [click("left", False), click("left", True)]
        if action == "mouse_move":
            return [("POST", "/move", {"x": x, "y": y})]
        if action == "left_click_drag":
            assert step.start_coordinate is not None
            sx, sy = scale.to_screen(*step.start_coordinate)
            return [("POST", "/drag", {"start_x": sx, "start_y": sy, "end_x": x, "end_y": y})]
        if action == "type":
            return [("POST", "/type", {"text": step.text})]
        if action == "key":
            assert step.text is not None
            keys = "+".join(_XKEYS.get(p.lower().strip(), p) for p in step.text.split("+"))
            return [("POST", "/key", {"key": keys})]
        if action == "scroll":
            body = {
                "direction": step.scroll_direction or "down",
                "amount": step.scroll_amount or 3,
            }
            if step.coordinate is not None:
                body.update({"x": x, "y": y})
            return [("POST", "/scroll", body)]
        assert action == "wait"
        return [("POST", "/wait", {"seconds": step.duration if step.duration is not None else 1})]


def _describe(step: ToolUse) -> str:
    params = step.params()
    if step.action == "screenshot":
        return "Screenshot taken"
    if "coordinate" in params:
        return f"{step.action} at {tuple(params['coordinate'])}"
    if step.text is not None:
        return f"{step.action} {step.text!r}"
    return step.action


def _message(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return str(body["error"])
    return "the action failed"
