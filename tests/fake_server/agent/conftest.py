"""Helpers for the agent tests: run the fake's agent through chat completions, in memory."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fake_server import FakeOrgo
from fake_server.desktop.desktop import DesktopEvent


def complete(
    api: httpx.Client, computer_id: object, text: str = "do the task", **extra: Any
) -> httpx.Response:
    body = {"computer_id": computer_id, "messages": [{"role": "user", "content": text}], **extra}
    return api.post("/v1/chat/completions", json=body)


@pytest.fixture
def events(fake: FakeOrgo, computer: dict[str, object]) -> list[DesktopEvent]:
    """The desktop events of ``computer`` from now on."""
    seen: list[DesktopEvent] = []
    fake.desktop(str(computer["id"])).on_event(seen.append)
    return seen
