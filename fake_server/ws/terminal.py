"""The terminal WebSocket: a prompt, echo, and the same shell the ``bash`` endpoint runs.

Client -> server: ``input`` (``\\r`` is Enter), ``resize``, ``ping``. Server -> client:
``output`` (with ``\\r\\n`` line ends, as a PTY gives), ``exit`` with the code,
``pong``, ``error``. ``exit N`` ends the session with code N and closes with 1000.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from fake_server.desktop.cooperative import cooperative
from fake_server.desktop.filesystem import HOME
from fake_server.desktop.shell import ShellSession
from fake_server.state import Computer
from fake_server.ws.common import CLOSE_NORMAL, open_desktop_socket

if TYPE_CHECKING:
    from fake_server.backend import Backend


def prompt(session: ShellSession) -> str:
    cwd = session.cwd
    shown = "~" + cwd[len(HOME) :] if cwd == HOME or cwd.startswith(HOME + "/") else cwd
    return f"user@orgo:{shown}$ "


def _size(value: Any, default: int) -> int | None:
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 1000 else None


class TerminalSession:
    """The line discipline: what a PTY and an interactive bash do with typed characters."""

    def __init__(self, backend: Backend, computer: Computer, cols: int, rows: int) -> None:
        self.backend = backend
        self.computer = computer
        self.cols, self.rows = cols, rows
        self.session = ShellSession(interactive=True)
        self.line = ""

    def _run(self, command: str) -> str:
        with self.backend.state.lock, cooperative(self.backend.state.lock):
            result = self.computer.desktop.run_bash(command, session=self.session)
        return result.output.replace("\r\n", "\n").replace("\n", "\r\n")

    async def feed(self, data: str) -> tuple[str, int | None]:
        """Process typed input; returns what to print and the exit code if the shell ended."""
        out: list[str] = []
        index = 0
        while index < len(data):
            char = data[index]
            index += 1
            if char in "\r\n":
                if char == "\n" and index >= 2 and data[index - 2] == "\r":
                    continue
                command, self.line = self.line, ""
                out.append("\r\n")
                if command.strip():
                    out.append(await asyncio.to_thread(self._run, command))
                if self.session.exited is not None:
                    return "".join(out), self.session.exited
                out.append(prompt(self.session))
            elif char in "\x7f\b":
                if self.line:
                    self.line = self.line[:-1]
                    out.append("\b \b")
            elif char == "\x03":
                self.line = ""
                out.append("^C\r\n" + prompt(self.session))
            elif char == "\x04" and not self.line:
                out.append("exit\r\n")
                return "".join(out), 0
            elif char == "\x1b":  # skip an escape sequence (arrow keys and the like)
                if index < len(data) and data[index] == "[":
                    index += 1
                    while index < len(data) and not data[index].isalpha():
                        index += 1
                    index += 1
            elif char.isprintable() or char == "\t":
                self.line += char
                out.append(char)
        return "".join(out), None


SocketOpener = Callable[["Backend", WebSocket], Awaitable[Computer | None]]


async def terminal_endpoint(
    backend: Backend, websocket: WebSocket, opener: SocketOpener = open_desktop_socket
) -> None:
    """``opener`` accepts and authenticates (the VM API's terminal checks its own way)."""
    computer = await opener(backend, websocket)
    if computer is None:
        return
    cols = _size(websocket.query_params.get("cols"), 80)
    rows = _size(websocket.query_params.get("rows"), 24)
    terminal = TerminalSession(backend, computer, cols or 80, rows or 24)
    unregister = backend.sockets.register(computer.id, websocket)
    try:
        if cols is None or rows is None:
            await websocket.send_json(
                {"type": "error", "message": "cols and rows must be integers from 1 to 1000"}
            )
        await websocket.send_json({"type": "output", "data": prompt(terminal.session)})
        while True:
            text = await websocket.receive_text()
            reply, exit_code = await _handle(terminal, text)
            for message in reply:
                await websocket.send_json(message)
            if exit_code is not None:
                await websocket.close(CLOSE_NORMAL)
                return
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        unregister()


async def _handle(terminal: TerminalSession, text: str) -> tuple[list[dict[str, Any]], int | None]:
    try:
        message = json.loads(text)
    except ValueError:
        return [{"type": "error", "message": "Invalid message: not JSON"}], None
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "ping":
        return [{"type": "pong"}], None
    if kind == "resize":
        cols, rows = (
            _size(message.get("cols"), terminal.cols),
            _size(message.get("rows"), terminal.rows),
        )
        if cols is None or rows is None:
            return [
                {"type": "error", "message": "cols and rows must be integers from 1 to 1000"}
            ], None
        terminal.cols, terminal.rows = cols, rows
        return [], None
    if kind == "input":
        data = message.get("data")
        if not isinstance(data, str):
            return [{"type": "error", "message": "input needs a string 'data'"}], None
        output, exit_code = await terminal.feed(data)
        replies: list[dict[str, Any]] = [{"type": "output", "data": output}] if output else []
        if exit_code is not None:
            replies.append({"type": "exit", "code": exit_code})
        return replies, exit_code
    return [{"type": "error", "message": f"Unknown message type: {kind}"}], None
