"""The computer a test gets: its ids, its password, its WebSocket URLs, a client for
its REST API, and (against the fake) the handle that drives its simulated desktop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from pytest_orgo.client import AsyncOrgoClient, OrgoClient
from pytest_orgo.models import Computer

if TYPE_CHECKING:
    from fake_server.handle import DesktopHandle


@dataclass
class OrgoComputer:
    """A running computer, deleted after the test (unless kept on failure)."""

    info: Computer
    client: OrgoClient
    origin: Callable[[], str]  # the WebSocket origin: "wss://www.orgo.ai" live; the fake's loopback
    workspace_id: str
    desktop: DesktopHandle | None = None  # only against the fake
    async_client: AsyncOrgoClient | None = None

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def instance_id(self) -> str:
        return self.info.instance_id or self.info.id

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def password(self) -> str:
        """The VNC password: the ``token`` of the three WebSockets. A restart changes it."""
        return self.info.vnc_password or ""

    @property
    def ws_origin(self) -> str:
        """Where the WebSockets are (asking starts the fake's loopback server if needed)."""
        return self.origin()

    def _ws_url(self, kind: str, **params: Any) -> str:
        query = urlencode({"token": self.password, **params})
        return f"{self.ws_origin}/desktops/{self.instance_id}/ws/{kind}?{query}"

    @property
    def events_url(self) -> str:
        return self._ws_url("events")

    @property
    def terminal_url(self) -> str:
        return self._ws_url("terminal", cols=80, rows=24)

    @property
    def audio_url(self) -> str:
        return self._ws_url("audio")

    def refresh(self) -> Computer:
        """Re-read the computer (after a restart, the password is new)."""
        self.info = self.client.get_computer(self.id)
        return self.info

    def screenshot_png(self) -> bytes:
        return self.client.screenshot_png(self.id)

    def bash(self, command: str) -> str:
        return self.client.bash(self.id, command).output

    def __repr__(self) -> str:
        return f"OrgoComputer(id={self.id!r}, instance_id={self.instance_id!r}, name={self.name!r})"
