"""The official Orgo MCP server's shell wrapper (section 20 of the API reference), byte for
byte, through REST ``/bash`` and through the terminal WebSocket with both client libraries.

The server sends ``printf '\\n%s\\n' __ORGO_BEGIN_<id>__; eval "$(printf '%s' '<b64>' |
base64 -d)"; printf '\\n%s:%s\\n' __ORGO_DONE_<id>__ $?`` (plus ``\\r`` on the terminal),
reads until the DONE line, and takes what lies between the sentinels as the output and
the number after DONE as the exit code.
"""

from __future__ import annotations

import base64
import re

import pytest

from tests.fake_server.desktop.shell.conftest import Computer
from tests.fake_server.ws.ws_support import Opener, recv_json, send_json

COMMANDS = [
    ("echo hi", "hi\n", 0),
    ("ls /nope", "ls: cannot access '/nope': No such file or directory\n", 2),
    ("cd /tmp && pwd; echo \"it's\" 'ok' $((6*7))", "/tmp\nit's ok 42\n", 0),
    ('for f in a b; do echo "<$f>"; done | tr a-z A-Z', "<A>\n<B>\n", 0),
    ("cat <<'EOF' > ~/n.txt\nx $HOME\nEOF\ncat ~/n.txt; false", "x $HOME\n", 1),
    ("printf 'π ünï\\n'; (exit 3)", "π ünï\n", 3),
]


def wrapper(command: str, ident: str) -> str:
    encoded = base64.b64encode(command.encode()).decode()
    return (
        f"printf '\\n%s\\n' __ORGO_BEGIN_{ident}__; "
        f"eval \"$(printf '%s' '{encoded}' | base64 -d)\"; "
        f"printf '\\n%s:%s\\n' __ORGO_DONE_{ident}__ $?"
    )


def parse(text: str, ident: str) -> tuple[str, int]:
    """What the MCP server extracts: the text between the sentinel lines, and the code."""
    text = text.replace("\r\n", "\n")
    begin = text.index(f"\n__ORGO_BEGIN_{ident}__\n") + len(f"\n__ORGO_BEGIN_{ident}__\n")
    done = re.search(rf"\n__ORGO_DONE_{ident}__:(\d+)\n", text[begin - 1 :])
    assert done is not None, text
    return text[begin : begin - 1 + done.start()], int(done.group(1))


@pytest.mark.parametrize(("command", "output", "code"), COMMANDS)
def test_the_wrapper_through_rest_bash(
    computer: Computer, command: str, output: str, code: int
) -> None:
    response = computer.bash(wrapper(command, "1733400000"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (
        body["output"]
        == f"\n__ORGO_BEGIN_1733400000__\n{output}\n__ORGO_DONE_1733400000__:{code}\n"
    )
    assert body["exit_code"] == 0
    assert parse(body["output"], "1733400000") == (output, code)


def test_exit_inside_the_wrapper_ends_the_run_before_the_done_line(computer: Computer) -> None:
    """Real bash behaves the same: ``exit`` in ``eval`` leaves the shell, so no DONE line."""
    body = computer.bash(wrapper("echo bye; exit 3", "9")).json()
    assert body["output"] == "\n__ORGO_BEGIN_9__\nbye\n"
    assert body["exit_code"] == 3


@pytest.mark.parametrize(("command", "output", "code"), COMMANDS)
def test_the_wrapper_through_the_terminal(
    computer: Computer, open_ws: Opener, command: str, output: str, code: int
) -> None:
    client = open_ws(computer.terminal_url())
    assert recv_json(client)["type"] == "output"  # the first prompt
    ident = "abc123"
    send_json(client, {"type": "input", "data": wrapper(command, ident) + "\r"})
    text = ""
    while not re.search(rf"__ORGO_DONE_{ident}__:\d+\r\n", text):
        message = recv_json(client)
        assert message["type"] == "output", message
        text += message["data"]
    assert parse(text, ident) == (output, code)
    assert text.startswith(wrapper(command, ident) + "\r\n")  # the echo of the typed line


def test_the_terminal_keeps_state_between_wrapped_commands(
    computer: Computer, open_ws: Opener
) -> None:
    client = open_ws(computer.terminal_url())
    recv_json(client)
    for ident, command in (("1", "cd /tmp; export X=7"), ("2", "echo $X $PWD")):
        send_json(client, {"type": "input", "data": wrapper(command, ident) + "\r"})
        text = ""
        while not text.endswith("$ "):
            text += recv_json(client)["data"]
    assert parse(text, "2") == ("7 /tmp\n", 0)
