"""Policies: code that decides the agent's next steps from what is on the screen.

A policy is any callable taking a :class:`Turn` (the instruction, the iteration number,
the current screenshot and a snapshot of the desktop) and returning the steps of that
iteration; returning nothing ends the run with a plain answer. Coordinates in a
:class:`Turn` are in the *display* the client asked for (1024x768 by default), the same
space the steps' ``coordinate`` uses, so ``turn.window("Notes").center`` can be clicked.

A fixed script is a policy too (:class:`ScriptPolicy`), and so is the built-in default
(:func:`default_policy`), so the runner has one way to ask for steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from fake_server.agent.script import Answer, Step, StepLike, Thinking, ToolUse, split_iterations
from fake_server.desktop.desktop import Desktop
from fake_server.desktop.render import window_box


@dataclass(frozen=True)
class WindowState:
    id: str
    title: str
    text: str
    focused: bool
    box: tuple[int, int, int, int]  # left, top, right, bottom in display coordinates

    @property
    def center(self) -> tuple[int, int]:
        left, top, right, bottom = self.box
        return (left + right) // 2, (top + bottom) // 2

    @property
    def title_bar(self) -> tuple[int, int]:
        """A point inside the window near its top edge (safe to click to focus it)."""
        left, top, right, _ = self.box
        return (left + right) // 2, top + 5


@dataclass(frozen=True)
class DesktopState:
    """A copy of what the desktop shows, taken before each iteration."""

    width: int  # the computer's resolution
    height: int
    windows: tuple[WindowState, ...]  # z-order: the last is on top
    pointer: tuple[int, int]  # display coordinates
    clipboard: str

    @property
    def focused(self) -> WindowState | None:
        return self.windows[-1] if self.windows else None

    def window(self, title: str) -> WindowState:
        """The topmost window whose title contains ``title`` (case-insensitive)."""
        for window in reversed(self.windows):
            if title.lower() in window.title.lower():
                return window
        titles = ", ".join(repr(w.title) for w in self.windows) or "none"
        raise LookupError(f"no window titled {title!r} on the desktop (windows: {titles})")


class Scale:
    """Display coordinates (what the model sees) to and from the computer's pixels."""

    def __init__(self, display: tuple[int, int], screen: tuple[int, int]) -> None:
        self.display = display
        self.screen = screen

    def to_screen(self, x: int, y: int) -> tuple[int, int]:
        (dw, dh), (sw, sh) = self.display, self.screen
        return min(round(x * sw / dw), sw - 1), min(round(y * sh / dh), sh - 1)

    def to_display(self, x: int, y: int) -> tuple[int, int]:
        (dw, dh), (sw, sh) = self.display, self.screen
        return min(round(x * dw / sw), dw - 1), min(round(y * dh / sh), dh - 1)


def snapshot(desktop: Desktop, scale: Scale) -> DesktopState:
    """The desktop as a policy sees it (call with the state lock held)."""
    windows = []
    count = len(desktop.windows)
    for index, window in enumerate(desktop.windows):
        left, top, right, bottom = window_box(index, desktop.width, desktop.height)
        box = (*scale.to_display(left, top), *scale.to_display(right, bottom))
        focused = index == count - 1
        windows.append(WindowState(window.id, window.title, window.text, focused, box))
    return DesktopState(
        width=desktop.width,
        height=desktop.height,
        windows=tuple(windows),
        pointer=scale.to_display(desktop.pointer.x, desktop.pointer.y),
        clipboard=desktop.clipboard,
    )


@dataclass
class Turn:
    """What a policy is given at the start of each iteration."""

    instruction: str
    iteration: int  # 1 for the first
    desktop: DesktopState
    display: tuple[int, int]
    history: list[Step] = field(default_factory=list)  # the steps run so far
    _screenshot: Callable[[], bytes] = field(default=lambda: b"", repr=False)

    @cached_property
    def screenshot(self) -> bytes:
        """The current screen as PNG (rendered when first asked: most policies need only
        the desktop snapshot)."""
        return self._screenshot()

    def window(self, title: str) -> WindowState:
        return self.desktop.window(title)


Policy = Callable[[Turn], Iterable[StepLike] | None]


class ScriptPolicy:
    """A fixed script served one iteration at a time."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)
        self._iterations = split_iterations(self.steps)

    def __call__(self, turn: Turn) -> list[Step] | None:
        index = turn.iteration - 1
        return self._iterations[index] if index < len(self._iterations) else None


def default_policy(turn: Turn) -> list[Step]:
    """What the fake's agent does when nothing is scripted: think about the instruction,
    take one screenshot, and answer ``Done: <instruction>``. Deterministic, touches
    nothing but the screenshot route, and succeeds in two iterations."""
    if turn.iteration == 1:
        return [Thinking(text=f"The task: {turn.instruction}"), ToolUse(action="screenshot")]
    return [Answer(text=f"Done: {turn.instruction}")]
