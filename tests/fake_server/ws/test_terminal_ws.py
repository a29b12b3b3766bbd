"""The terminal WebSocket (orgo-api.md section 13), with both client libraries.

JSON text frames both ways: ``input`` (``\\r`` is Enter), ``resize`` and ``ping`` in;
``output`` (PTY-style ``\\r\\n``), ``exit``, ``pong`` and ``error`` out. The shell is the
same one the REST ``bash`` endpoint runs, on the same disk.
"""

from __future__ import annotations

import pytest

from tests.fake_server.ws.ws_support import (
    PC,
    Client,
    Opener,
    close_code,
    recv_json,
    roundtrip,
    send_json,
)

pytestmark = pytest.mark.timeout(60)

HOME_PROMPT = "user@orgo:~$ "


def open_terminal(pc: PC, open_ws: Opener, **query: object) -> Client:
    client = open_ws(pc.url("terminal", **query))
    assert recv_json(client) == {"type": "output", "data": HOME_PROMPT}
    return client


def typed(client: Client, data: str) -> str:
    """Send ``data`` as one input message and return the output it produced, up to and
    including the next prompt."""
    send_json(client, {"type": "input", "data": data})
    text = ""
    for _ in range(100):
        message = recv_json(client)
        assert message["type"] == "output" and set(message) == {"type", "data"}, message
        text += message["data"]
        if text.endswith("$ "):
            return text
    raise AssertionError(f"no prompt after {text!r}")


def test_the_session_starts_with_a_prompt_in_home(pc: PC, open_ws: Opener) -> None:
    open_terminal(pc, open_ws)  # asserts the first frame exactly


def test_a_command_is_echoed_and_its_output_uses_crlf(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    assert typed(terminal, "echo hi\r") == "echo hi\r\nhi\r\n" + HOME_PROMPT
    output = typed(terminal, "printf 'a\\nb\\n'\r")
    assert output == "printf 'a\\nb\\n'\r\na\r\nb\r\n" + HOME_PROMPT
    assert "\n" not in output.replace("\r\n", "")


def test_characters_sent_one_by_one_are_echoed_one_by_one(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    for char in "echo x":
        send_json(terminal, {"type": "input", "data": char})
        assert recv_json(terminal) == {"type": "output", "data": char}
    assert typed(terminal, "\r") == "\r\nx\r\n" + HOME_PROMPT


def test_cd_and_exit_status_persist_between_lines(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    assert typed(terminal, "cd ~/Desktop\r") == "cd ~/Desktop\r\nuser@orgo:~/Desktop$ "
    assert typed(terminal, "pwd\r") == "pwd\r\n/home/user/Desktop\r\nuser@orgo:~/Desktop$ "
    assert typed(terminal, "cd /tmp\r").endswith("\r\nuser@orgo:/tmp$ ")
    typed(terminal, "false\r")
    assert typed(terminal, "echo $?\r") == "echo $?\r\n1\r\nuser@orgo:/tmp$ "
    typed(terminal, "export GREETING=hello\r")
    assert "\r\nhello\r\n" in typed(terminal, "echo $GREETING\r")
    # A second terminal is a new shell: it starts in ~ without the first one's variables.
    other = open_terminal(pc, open_ws)
    assert typed(other, "echo [$GREETING]\r") == "echo [$GREETING]\r\n[]\r\n" + HOME_PROMPT


def test_the_terminal_and_the_bash_endpoint_share_one_disk(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    typed(terminal, "mkdir -p ~/work && cd ~/work && echo from-terminal > made.txt\r")
    assert pc.bash("cat ~/work/made.txt")["output"] == "from-terminal\n"
    pc.bash("echo from-rest > ~/work/rest.txt")
    assert "\r\nfrom-rest\r\n" in typed(terminal, "cat rest.txt\r")
    assert pc.handle.read_file("/home/user/work/made.txt") == b"from-terminal\n"


def test_exit_with_a_code_sends_exit_then_closes_normally(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    send_json(terminal, {"type": "input", "data": "exit 3\r"})
    assert recv_json(terminal) == {"type": "output", "data": "exit 3\r\n"}
    assert recv_json(terminal) == {"type": "exit", "code": 3}
    assert close_code(terminal) == 1000


def test_ctrl_d_on_an_empty_line_exits_with_0(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    send_json(terminal, {"type": "input", "data": "\x04"})
    assert recv_json(terminal) == {"type": "output", "data": "exit\r\n"}
    assert recv_json(terminal) == {"type": "exit", "code": 0}
    assert close_code(terminal) == 1000


def test_resize_is_accepted_silently_and_bad_sizes_are_errors(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws, cols=100, rows=30)
    send_json(terminal, {"type": "resize", "cols": 120, "rows": 40})
    roundtrip(terminal)  # no reply to a good resize: the pong is next
    for bad in ({"cols": 0, "rows": 40}, {"cols": "wide", "rows": 40}, {"cols": 80, "rows": 5000}):
        send_json(terminal, {"type": "resize", **bad})
        reply = recv_json(terminal)
        assert reply["type"] == "error" and reply["message"], bad
    assert typed(terminal, "echo still\r").endswith("still\r\n" + HOME_PROMPT)


def test_bad_size_in_the_query_is_reported_and_the_shell_still_starts(
    pc: PC, open_ws: Opener
) -> None:
    terminal = open_ws(pc.url("terminal", cols="lots", rows=24))
    reply = recv_json(terminal)
    assert reply["type"] == "error" and "cols" in reply["message"]
    assert recv_json(terminal) == {"type": "output", "data": HOME_PROMPT}


def test_ping_gets_pong(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    send_json(terminal, {"type": "ping"})
    assert recv_json(terminal) == {"type": "pong"}


@pytest.mark.parametrize(
    "bad",
    ['{"type": "bogus"}', "not json", '{"type": "input"}', '{"type": "input", "data": 7}'],
)
def test_a_bad_message_gets_an_error_and_the_session_goes_on(
    pc: PC, open_ws: Opener, bad: str
) -> None:
    terminal = open_terminal(pc, open_ws)
    terminal.send(bad)
    reply = recv_json(terminal)
    assert reply["type"] == "error" and set(reply) == {"type", "message"} and reply["message"]
    if "bogus" in bad:
        assert reply == {"type": "error", "message": "Unknown message type: bogus"}
    assert typed(terminal, "echo alive\r") == "echo alive\r\nalive\r\n" + HOME_PROMPT


def test_backspace_edits_the_line(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    assert typed(terminal, "echo hellp\x7fo\r") == "echo hellp\b \bo\r\nhello\r\n" + HOME_PROMPT
    send_json(terminal, {"type": "input", "data": "\x7f\x08"})  # nothing to erase: no output
    roundtrip(terminal)
    output = typed(terminal, "echo ab\x08\x08cd\r")  # ^H works as well as DEL
    assert output == "echo ab\b \b\b \bcd\r\ncd\r\n" + HOME_PROMPT


def test_ctrl_c_discards_the_line(pc: PC, open_ws: Opener) -> None:
    terminal = open_terminal(pc, open_ws)
    assert typed(terminal, "sleep 100\x03") == "sleep 100^C\r\n" + HOME_PROMPT
    assert pc.handle.processes == []  # the discarded command never ran
    assert typed(terminal, "echo after\r") == "echo after\r\nafter\r\n" + HOME_PROMPT


def test_a_sentinel_style_client_finds_its_marker(pc: PC, open_ws: Opener) -> None:
    """The MCP server runs ``cmd; echo __ORGO_DONE_<ts>__`` and reads to the marker."""
    terminal = open_terminal(pc, open_ws)
    pc.bash("mkdir -p ~/Desktop && touch ~/Desktop/one.txt ~/Desktop/two.txt")
    output = typed(terminal, "ls ~/Desktop; echo __ORGO_DONE_1__\r")
    before, marker, _ = output.partition("\r\n__ORGO_DONE_1__\r\n")
    assert marker and "one.txt" in before and "two.txt" in before
