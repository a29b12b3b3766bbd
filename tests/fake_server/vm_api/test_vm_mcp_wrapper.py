"""The official MCP server's full shell wrapper over the VM API, byte for byte, against the
loopback and the standalone fake: typed into ``WS /terminal`` (the line it sends is
``printf '\\n%s\\n' __ORGO_BEGIN_<id>__; eval "$(printf '%s' '<b64>' | base64 -d)";
printf '\\n%s:%s\\n' __ORGO_DONE_<id>__ $?`` plus ``\\r``), and sent to the VM's ``/bash``
(its fallback when the terminal is dead). The commands are the platform wrapper tests'
(``tests/fake_server/desktop/shell/test_mcp_wrapper.py``), so both surfaces answer alike.
"""

from __future__ import annotations

import json

import pytest

from tests.fake_server.desktop.shell.test_mcp_wrapper import COMMANDS
from tests.fake_server.vm_api.conftest import Served
from tests.fake_server.vm_api.mcp_client import run_in_terminal, wrapped_command

PROMPT = "user@orgo:~$ "


def test_the_full_wrapper_over_the_vm_terminal_byte_for_byte(vm: Served) -> None:
    """Every frame the terminal sends for one wrapped line, joined: the echo of the typed
    line, the two sentinel lines around the output, the prompt; nothing else."""
    computer = vm.computer()
    client = vm.mcp()
    line, begin, done = wrapped_command("echo hi; ls /nope", full=True)
    with client.terminal(computer["id"]) as ws:
        assert json.loads(ws.recv(timeout=10)) == {"type": "output", "data": PROMPT}
        ws.send(json.dumps({"type": "input", "data": line + "\r"}))
        text = ""
        while not text.endswith(PROMPT):
            message = json.loads(ws.recv(timeout=10))
            assert message["type"] == "output", message
            text += message["data"]
    missing = "ls: cannot access '/nope': No such file or directory"
    assert text == (f"{line}\r\n\r\n{begin}\r\nhi\r\n{missing}\r\n\r\n{done}:2\r\n{PROMPT}")


@pytest.mark.parametrize(("command", "output", "code"), COMMANDS)
def test_the_mcp_servers_reading_of_the_vm_terminal(
    vm: Served, command: str, output: str, code: int
) -> None:
    computer = vm.computer()
    with vm.mcp().terminal(computer["id"]) as ws:
        got, exit_code = run_in_terminal(ws, command, full=True)
    assert (got.replace("\r\n", "\n"), exit_code) == (output.strip(), code)


def test_the_terminal_session_keeps_state_between_full_wrappers(vm: Served) -> None:
    computer = vm.computer()
    with vm.mcp().terminal(computer["id"]) as ws:
        assert run_in_terminal(ws, "cd /tmp; export X=7", full=True) == ("", 0)
        assert run_in_terminal(ws, 'echo "$X $PWD"; (exit 4)', full=True) == ("7 /tmp", 4)


@pytest.mark.parametrize(("command", "output", "code"), COMMANDS)
def test_the_full_wrapper_through_the_vms_bash(
    vm: Served, command: str, output: str, code: int
) -> None:
    computer = vm.computer()
    client = vm.mcp()
    line, begin, done = wrapped_command(command, full=True)
    answer = client.direct_vm_request("POST", computer["id"], "bash", {"command": line})
    assert answer["output"] == f"\n{begin}\n{output}\n{done}:{code}\n"
    assert answer["exit_code"] == 0 and answer["command"] == line
