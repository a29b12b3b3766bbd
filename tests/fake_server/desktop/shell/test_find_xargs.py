"""``find`` (``-name``, ``-iname``, ``-type``, ``-maxdepth``), ``xargs`` (``-n``, ``-I``,
``-0``), ``which``, ``date`` on the fake's clock, and ``sha256sum``."""

from __future__ import annotations

import hashlib

import pytest

from fake_server import FakeOrgo
from tests.fake_server.desktop.shell.conftest import Computer
from tests.fake_server.desktop.shell.shell_rig import Sim


@pytest.fixture
def sim() -> Sim:
    sim = Sim()
    sim.out("mkdir -p w/a/b && touch w/x.txt w/a/y.txt w/a/b/z.log w/a/b/Q.TXT")
    return sim


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("find w -name '*.txt'", "w/a/y.txt\nw/x.txt\n"),
        ("find w -iname '*.txt'", "w/a/b/Q.TXT\nw/a/y.txt\nw/x.txt\n"),
        ("find w -type d", "w\nw/a\nw/a/b\n"),
        ("find w -maxdepth 1 -type f", "w/x.txt\n"),
        ("find w/a/b", "w/a/b\nw/a/b/Q.TXT\nw/a/b/z.log\n"),
        ("cd w && find . -name '*.log'", "./a/b/z.log\n"),
    ],
)
def test_find(sim: Sim, command: str, expected: str) -> None:
    assert sim.out(command) == expected


def test_find_errors(sim: Sim) -> None:
    assert sim.run("find nope").output == "find: 'nope': No such file or directory\n"
    assert sim.run("find w -bogus").exit_code == 1
    assert sim.run("find w -maxdepth x").output == (
        "find: Expected a positive decimal integer argument to -maxdepth, but got 'x'\n"
    )
    assert sim.run("find w -type q").output == "find: Unknown argument to -type: q\n"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("echo a b c | xargs echo x", "x a b c\n"),
        ("echo a b c | xargs -n 1 echo x", "x a\nx b\nx c\n"),
        ("printf 'a\\nb\\n' | xargs -I{} echo '<{}>'", "<a>\n<b>\n"),
        ("printf 'a b\\0c\\0' | xargs -0 -n1 echo", "a b\nc\n"),
        ("echo \"'q u' o\" | xargs -n1", "q u\no\n"),
        ("find w -name '*.txt' | xargs rm; find w -type f", "w/a/b/Q.TXT\nw/a/b/z.log\n"),
    ],
)
def test_xargs(sim: Sim, command: str, expected: str) -> None:
    assert sim.out(command) == expected


def test_xargs_reports_a_failing_command_as_123(sim: Sim) -> None:
    assert sim.run("echo nope | xargs ls").exit_code == 123
    assert sim.run("echo x | xargs no-such-tool").exit_code == 127


def test_which_knows_the_shell_s_programs() -> None:
    sim = Sim()
    assert sim.out("which base64 tar sed") == "/usr/bin/base64\n/usr/bin/tar\n/usr/bin/sed\n"
    assert sim.run("which cd nope-tool").exit_code == 1


def test_an_unknown_command_is_127() -> None:
    assert Sim().run("gcc main.c").output == "bash: gcc: command not found\n"
    assert Sim().run("gcc main.c").exit_code == 127


def test_sha256sum_of_a_file_and_of_stdin() -> None:
    sim = Sim()
    sim.out("printf hello > h")
    digest = hashlib.sha256(b"hello").hexdigest()
    assert sim.out("sha256sum h") == f"{digest}  h\n"
    assert sim.out("printf hello | sha256sum") == f"{digest}  -\n"
    assert sim.run("sha256sum missing").exit_code == 1


def test_date_formats_the_clock_it_is_given() -> None:
    sim = Sim()
    now = [1_700_000_000.0]
    sim.shell.clock = lambda: now[0]
    assert sim.out("date +%Y-%m-%dT%H:%M:%S") == "2023-11-14T22:13:20\n"
    now[0] += 86400
    assert sim.out("date -u +%F") == "2023-11-15\n"
    assert sim.out("date +%s") == "1700086400\n"
    assert sim.out("date") == "Wed Nov 15 22:13:20 UTC 2023\n"


def test_date_moves_with_the_fake_s_advance() -> None:
    fake = FakeOrgo(seed=4)
    shell = Sim()
    shell.shell.clock = fake.state.clock.now
    before = int(shell.out("date +%s"))
    fake.advance(3600)
    assert int(shell.out("date +%s")) == before + 3600


def test_a_computer_s_date_is_the_fake_s_clock(computer: Computer) -> None:
    before = int(computer.bash("date +%s").json()["output"])
    computer.fake.advance(7200)
    assert int(computer.bash("date +%s").json()["output"]) == before + 7200
