"""The fake's scripted agent and its three fronts (hosted agent WebSocket, chat
completions, chat threads). See :class:`~fake_server.agent.service.AgentService`."""

from fake_server.agent.policy import DesktopState, Policy, Turn, WindowState, default_policy
from fake_server.agent.runs import AgentRun, ExecutedStep, RunConfig
from fake_server.agent.script import (
    Answer,
    Fail,
    InvalidScript,
    Step,
    Text,
    Thinking,
    ToolUse,
    act,
    answer,
    fail,
    parse_steps,
    say,
    think,
)
from fake_server.agent.service import AgentService

__all__ = [
    "AgentRun",
    "AgentService",
    "Answer",
    "DesktopState",
    "ExecutedStep",
    "Fail",
    "InvalidScript",
    "Policy",
    "RunConfig",
    "Step",
    "Text",
    "Thinking",
    "ToolUse",
    "Turn",
    "WindowState",
    "act",
    "answer",
    "default_policy",
    "fail",
    "parse_steps",
    "say",
    "think",
]
