"""The opt-in real shell: file round trips, confinement to a temporary home, timeouts."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_server.desktop import shell as shell_module
from fake_server.desktop.filesystem import HOME, FileSystem
from fake_server.desktop.processes import ProcessTable
from fake_server.desktop.shell import Shell, ShellSession
from fake_server.desktop.shell.host import HostShell


@pytest.fixture
def events() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def fs(events: list[tuple[str, str]]) -> FileSystem:
    disk = FileSystem(on_change=lambda path, action: events.append((path, action)))
    disk.write("~/Desktop/from-fs.txt", b"simulated content\n")
    disk.write("/tmp/outside.txt", b"not mirrored")
    events.clear()
    return disk


@pytest.fixture
def host(fs: FileSystem) -> Iterator[HostShell]:
    with HostShell(fs, ProcessTable()) as shell:
        yield shell


def test_files_round_trip_between_the_filesystem_and_real_bash(
    host: HostShell, fs: FileSystem, events: list[tuple[str, str]]
) -> None:
    result = host.run(
        "cat ~/Desktop/from-fs.txt; echo made by bash > ~/Desktop/new.txt; "
        "mkdir -p ~/proj/src && printf x > ~/proj/src/a.py; ls /tmp/outside.txt"
    )
    assert result.output.startswith("simulated content\n")
    assert "No such file or directory" in result.output  # /tmp is not mirrored
    assert fs.read("~/Desktop/new.txt") == b"made by bash\n"
    assert fs.read("~/proj/src/a.py") == b"x"
    assert events == [
        (f"{HOME}/proj", "created"),
        (f"{HOME}/proj/src", "created"),
        (f"{HOME}/Desktop/new.txt", "created"),
        (f"{HOME}/proj/src/a.py", "created"),
    ]
    events.clear()
    fs.write("~/Desktop/later.txt", b"written after the first run")
    events.clear()
    assert host.run("cat Desktop/later.txt; rm -r proj Desktop/from-fs.txt").output == (
        "written after the first run"
    )
    assert events == [
        (f"{HOME}/Desktop/from-fs.txt", "deleted"),
        (f"{HOME}/proj/src/a.py", "deleted"),
        (f"{HOME}/proj/src", "deleted"),
        (f"{HOME}/proj", "deleted"),
    ]
    events.clear()
    host.run("echo changed >> Desktop/later.txt")
    assert events == [(f"{HOME}/Desktop/later.txt", "modified")]
    assert fs.read("/tmp/outside.txt") == b"not mirrored"


def test_commands_are_confined_to_a_temporary_home(
    host: HostShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORGO_HOST_SECRET", "leak")
    result = host.run("echo $HOME; pwd; env")
    home, cwd, *env_lines = result.output.splitlines()
    assert home == cwd == str(host.home)
    assert Path(home).is_dir()
    assert home != os.environ.get("HOME")
    names = {line.partition("=")[0] for line in env_lines}
    assert "ORGO_HOST_SECRET" not in names
    assert "DISPLAY" not in names
    assert {"HOME", "USER", "PATH"} <= names


def test_session_keeps_directory_and_exports_in_simulated_paths(host: HostShell) -> None:
    session = ShellSession()
    host.run("cd Desktop && export STAGE=two", session=session)
    assert session.cwd == f"{HOME}/Desktop"
    assert session.env["STAGE"] == "two"
    assert session.env["DISPLAY"] == ":1"  # kept for the simulation, never passed to the host
    result = host.run("pwd; echo $STAGE; exit 3", session=session)
    assert result.output == f"{host.home}/Desktop\ntwo\n"
    assert result.exit_code == 3
    assert session.last_exit_code == 3


def test_timeout_kills_the_command_and_exits_124(host: HostShell) -> None:
    started = time.monotonic()
    result = host.run("echo begin; sleep 5; echo never", timeout=0.5)
    assert result.exit_code == 124
    assert result.output == "begin\n"
    assert time.monotonic() - started < 4


def test_background_children_do_not_outlive_the_command(host: HostShell) -> None:
    result = host.run("(sleep 0.5; echo late > ~/late.txt) & echo started")
    assert result.output == "started\n"
    time.sleep(1.0)
    assert not (host.home / "late.txt").exists()


def test_python_round_trip_errors_and_timeout(host: HostShell, fs: FileSystem) -> None:
    ok = host.run_python(
        "import os\nprint(os.getcwd())\nprint(open('Desktop/from-fs.txt').read(), end='')\n"
        "open('py.txt', 'w').write('from python')",
        timeout=10,
    )
    assert ok.success
    assert ok.output == f"{host.home}\nsimulated content\n"
    assert fs.read("~/py.txt") == b"from python"
    failed = host.run_python("print('partial')\n{}['k']", timeout=10)
    assert (failed.output, failed.success, failed.error_type, failed.error) == (
        "partial\n",
        False,
        "KeyError",
        "'k'",
    )
    syntax = host.run_python("def (", timeout=10)
    assert syntax.error_type == "SyntaxError"
    looping = host.run_python("while True: pass", timeout=0.5)
    assert looping.timed_out
    assert not looping.success


def test_close_removes_the_temporary_directory(fs: FileSystem) -> None:
    host = HostShell(fs, ProcessTable())
    home = host.home
    host.run("touch ~/x")
    assert (home / "x").exists()
    host.close()
    host.close()  # idempotent
    assert host.closed
    assert not home.exists()
    with pytest.raises(RuntimeError):
        host.run("true")


def test_a_caller_supplied_home_is_left_in_place(fs: FileSystem, tmp_path: Path) -> None:
    with HostShell(fs, ProcessTable(), home=tmp_path / "home") as host:
        host.run("echo kept > ~/kept.txt")
    assert (tmp_path / "home" / "kept.txt").read_text() == "kept\n"
    assert fs.read("~/kept.txt") == b"kept\n"


def test_host_shell_is_an_opt_in_shell(host: HostShell) -> None:
    assert isinstance(host, Shell)
    assert shell_module.HostShell is HostShell
