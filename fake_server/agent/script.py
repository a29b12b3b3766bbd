"""What a scripted agent does: steps in the shapes the hosted agent streams.

A script is a list of steps. ``thinking`` and ``text`` are what the model says;
``tool_use`` is one action in Anthropic's computer-tool form (``coordinate`` in the
*display* the client asked for, scaled to the computer's resolution when run); a step
``answer`` ends the run successfully with its text, ``fail`` ends it with an error.
Steps are pydantic models so a script written as plain dicts (a marker argument, a JSON
body on the control surface) is validated once, with a readable message per bad step.

Iterations follow the model loop they imitate: every ``tool_use`` closes an iteration
(the model asked for a tool and waits for its result); ``answer`` and ``fail`` close the
last one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

CoordinateAction = Literal[
    "left_click",
    "right_click",
    "middle_click",
    "double_click",
    "triple_click",
    "mouse_move",
    "left_click_drag",
]
ToolAction = Literal[
    CoordinateAction, "screenshot", "type", "key", "scroll", "wait", "cursor_position"
]
COORDINATE_ACTIONS = frozenset(get_args(CoordinateAction))
Coordinate = tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thinking(_Step):
    type: Literal["thinking"] = "thinking"
    text: str


class Text(_Step):
    type: Literal["text"] = "text"
    text: str


class ToolUse(_Step):
    """One computer-tool call, with the parameters Anthropic's tool uses."""

    type: Literal["tool_use"] = "tool_use"
    action: ToolAction
    coordinate: Coordinate | None = None
    start_coordinate: Coordinate | None = None
    text: str | None = None
    scroll_direction: Literal["up", "down", "left", "right"] | None = None
    scroll_amount: int | None = Field(default=None, ge=1, le=100)
    duration: float | None = Field(default=None, ge=0, le=60)

    @model_validator(mode="after")
    def _parameters(self) -> ToolUse:
        needs_coordinate = self.action in COORDINATE_ACTIONS
        if needs_coordinate and self.coordinate is None:
            raise ValueError(f"{self.action} needs coordinate [x, y]")
        if self.action == "left_click_drag" and self.start_coordinate is None:
            raise ValueError("left_click_drag needs start_coordinate [x, y] and coordinate")
        if self.action in ("type", "key") and not self.text:
            raise ValueError(f"{self.action} needs text")
        return self

    def params(self) -> dict[str, Any]:
        """The ``params`` of the ``tool_use`` frame: only what was given, as JSON."""
        return self.model_dump(mode="json", exclude={"type", "action"}, exclude_none=True)


class Answer(_Step):
    """The final answer: the run succeeds and this is the assistant's last message."""

    type: Literal["answer"] = "answer"
    text: str = "Done."


class Fail(_Step):
    """The run fails with this error (the SDK raises it)."""

    type: Literal["fail"] = "fail"
    error: str = "The agent could not complete the task."


Step = Annotated[Thinking | Text | ToolUse | Answer | Fail, Field(discriminator="type")]
StepLike = Thinking | Text | ToolUse | Answer | Fail | dict[str, Any]
_STEPS: TypeAdapter[list[Step]] = TypeAdapter(list[Step])


class InvalidScript(ValueError):
    """A script that cannot run; the message names each bad step."""


def parse_steps(steps: Iterable[StepLike]) -> list[Step]:
    """Steps from models or dicts (``{"type": "tool_use", "action": "left_click", ...}``)."""
    raw = [s.model_dump() if isinstance(s, BaseModel) else s for s in steps]
    try:
        return _STEPS.validate_python(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            where = ".".join(str(p) for p in error["loc"][:2])
            problems.append(f"step {where}: {error['msg']}")
        raise InvalidScript("invalid agent script: " + "; ".join(problems)) from None


def split_iterations(steps: Sequence[Step]) -> list[list[Step]]:
    """The script cut into iterations: each ends after a tool use, an answer or a fail."""
    iterations: list[list[Step]] = []
    current: list[Step] = []
    for step in steps:
        current.append(step)
        if isinstance(step, ToolUse | Answer | Fail):
            iterations.append(current)
            current = []
    if current:
        iterations.append(current)
    return iterations


# -- short constructors, for scripts written in Python --------------------------------


def think(text: str) -> Thinking:
    return Thinking(text=text)


def say(text: str) -> Text:
    return Text(text=text)


def act(action: ToolAction, **params: Any) -> ToolUse:
    """``act("left_click", coordinate=(100, 200))``, ``act("type", text="hi")``."""
    return ToolUse(action=action, **params)


def answer(text: str = "Done.") -> Answer:
    return Answer(text=text)


def fail(error: str = "The agent could not complete the task.") -> Fail:
    return Fail(error=error)
