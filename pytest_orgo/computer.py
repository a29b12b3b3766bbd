"""The computer a test gets: its ids, its password, its WebSocket URLs, a client for
its REST API, and (against the fake) the handle that drives its simulated desktop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlencode

if TYPE_CHECKING:  # annotations only: the plugin imports this module on every start
    from fake_server.handle import DesktopHandle
    from pytest_orgo.audio import AsyncAudioStream, AudioStream
    from pytest_orgo.client import AsyncOrgoClient, OrgoClient
    from pytest_orgo.events import AsyncEventStream, EventStream
    from pytest_orgo.models import Computer
    from pytest_orgo.terminal import AsyncTerminal, Terminal

_Helper = TypeVar("_Helper")


@dataclass
class OrgoComputer:
    """A running computer, deleted after the test (unless kept on failure)."""

    info: Computer
    client: OrgoClient
    origin: Callable[[], str]  # the WebSocket origin: "wss://www.orgo.ai" live; the fake's loopback
    workspace_id: str
    desktop: DesktopHandle | None = None  # only against the fake
    async_client: AsyncOrgoClient | None = None
    # Set inside ``with run.computer(...)`` to leave it running after the block (the
    # fixture does so for a failed test under --orgo-keep-on-failure).
    keep: bool = field(default=False, compare=False)
    # The socket helpers made so far (events, audio, terminal and their async twins), by
    # property name: made on first use, closed by close().
    _helpers: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

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

    # -- the desktop's sockets, as test helpers ----------------------------------------
    # Each is made on first use, once per computer, from a callable returning the current
    # URL, so after a restart and refresh() the helper reconnects with the new password.
    # The modules are imported here, not at the top: numpy and websockets are not worth
    # loading into every pytest run that never touches a socket.

    @property
    def events(self) -> EventStream:
        """Awaiting desktop events: ``with computer.events.expect("clipboard") as ev: ...``
        (see :mod:`pytest_orgo.events`)."""
        from pytest_orgo.events import EventStream

        return self._helper("events", lambda: EventStream(lambda: self.events_url))

    @property
    def audio(self) -> AudioStream:
        """Listening to the desktop: ``computer.audio.assert_tone(440)``
        (see :mod:`pytest_orgo.audio`)."""
        from pytest_orgo.audio import AudioStream

        return self._helper("audio", lambda: AudioStream(lambda: self.audio_url))

    @property
    def terminal(self) -> Terminal:
        """A shell, pexpect-style: ``send_line``, ``expect``, ``expect_exit``
        (see :mod:`pytest_orgo.terminal`)."""
        from pytest_orgo.terminal import Terminal

        return self._helper("terminal", lambda: Terminal(lambda: self.terminal_url))

    @property
    def async_events(self) -> AsyncEventStream:
        """The asyncio twin of :attr:`events` (``await``/``async with``)."""
        from pytest_orgo.events import AsyncEventStream

        return self._helper("async_events", lambda: AsyncEventStream(lambda: self.events_url))

    @property
    def async_audio(self) -> AsyncAudioStream:
        """The asyncio twin of :attr:`audio`."""
        from pytest_orgo.audio import AsyncAudioStream

        return self._helper("async_audio", lambda: AsyncAudioStream(lambda: self.audio_url))

    @property
    def async_terminal(self) -> AsyncTerminal:
        """The asyncio twin of :attr:`terminal`."""
        from pytest_orgo.terminal import AsyncTerminal

        return self._helper("async_terminal", lambda: AsyncTerminal(lambda: self.terminal_url))

    def _helper(self, name: str, make: Callable[[], _Helper]) -> _Helper:
        if name not in self._helpers:
            self._helpers[name] = make()
        return cast("_Helper", self._helpers[name])

    def close(self) -> None:
        """Close every socket helper made for this computer (the fixture's teardown calls
        this). Never raises: each helper's close is best-effort, and an async helper whose
        event loop is already closed is simply let go."""
        helpers, self._helpers = self._helpers, {}
        for helper in helpers.values():
            helper.close()

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
