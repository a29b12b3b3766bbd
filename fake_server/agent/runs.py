"""The record of each agent run: what was asked, what the agent did, how it ended.

Every front (the hosted agent WebSocket, chat completions) makes one :class:`AgentRun`;
a test inspects them through ``FakeOrgo.agent.runs()`` or ``GET /_fake/agent/runs``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Front = Literal["websocket", "chat"]
Outcome = Literal["running", "success", "failed", "max_iterations", "refused"]


@dataclass(frozen=True)
class RunConfig:
    """The ``start`` frame's config (chat completions fill in the same fields)."""

    computer_id: str
    instruction: str
    model: str = "claude-sonnet-4-6"
    display_width: int = 1024
    display_height: int = 768
    max_iterations: int = 100
    thinking_enabled: bool = True
    thinking_budget: int = 1024
    max_tokens: int = 8192
    system_prompt: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "computer_id": self.computer_id,
            "instruction": self.instruction,
            "model": self.model,
            "display_width": self.display_width,
            "display_height": self.display_height,
            "max_iterations": self.max_iterations,
            "thinking_enabled": self.thinking_enabled,
            "thinking_budget": self.thinking_budget,
            "max_tokens": self.max_tokens,
            "system_prompt": self.system_prompt,
        }


@dataclass
class ExecutedStep:
    """One step as run: the step's JSON, its iteration, and for a tool use the REST
    call it became (method, path, status) and what the model was told."""

    iteration: int
    step: dict[str, Any]
    request: str | None = None
    status: int | None = None
    result: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "iteration": self.iteration,
            "step": self.step,
            "request": self.request,
            "status": self.status,
            "result": self.result,
        }


@dataclass
class AgentRun:
    id: str
    front: Front
    config: RunConfig
    account_id: str
    computer_id: str  # the computer's UUID (the config holds what the client sent)
    source: str  # "script", "policy" or "default": what decided the steps
    steps: list[ExecutedStep] = field(default_factory=list)
    iterations: int = 0
    outcome: Outcome = "running"
    answer: str | None = None
    error: str | None = None
    thread_id: str | None = None

    @property
    def instruction(self) -> str:
        return self.config.instruction

    @property
    def model(self) -> str:
        return self.config.model

    @property
    def tool_uses(self) -> list[dict[str, Any]]:
        """The tool-use steps as run (``{"type": "tool_use", "action": ..., ...}``)."""
        return [s.step for s in self.steps if s.step["type"] == "tool_use"]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "front": self.front,
            "config": self.config.to_json(),
            "computer_id": self.computer_id,
            "source": self.source,
            "steps": [s.to_json() for s in self.steps],
            "iterations": self.iterations,
            "outcome": self.outcome,
            "answer": self.answer,
            "error": self.error,
            "thread_id": self.thread_id,
        }
