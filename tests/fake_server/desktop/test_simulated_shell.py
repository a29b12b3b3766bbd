"""The simulated bash: commands, quoting, operators, redirections, processes, scripting."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_server.desktop.filesystem import HOME, FileSystem
from fake_server.desktop.processes import Process, ProcessTable
from fake_server.desktop.shell import (
    CommandResult,
    ScriptedAnswer,
    Shell,
    ShellSession,
    SimulatedShell,
)


@dataclass
class Rig:
    fs: FileSystem
    processes: ProcessTable
    shell: SimulatedShell
    events: list[tuple[str, str]] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    started: list[Process] = field(default_factory=list)
    stopped: list[Process] = field(default_factory=list)

    def run(
        self, command: str, session: ShellSession | None = None, timeout: float | None = None
    ) -> CommandResult:
        return self.shell.run(command, session=session, timeout=timeout)


def make_rig() -> Rig:
    fs = FileSystem()
    processes = ProcessTable()
    rig = Rig(fs, processes, SimulatedShell(fs, processes))
    rig.shell.sleep = rig.sleeps.append
    fs.on_change = lambda path, action: rig.events.append((path, action))
    processes.on_start = rig.started.append
    processes.on_stop = rig.stopped.append
    fs.write("~/notes.txt", b"alpha\nbeta\ngamma\n")
    fs.write("~/Documents/report.md", b"# Report\n")
    rig.events.clear()
    return rig


@pytest.fixture
def rig() -> Rig:
    return make_rig()


CASES: list[tuple[str, str, int]] = [
    # echo and quoting
    ("echo hello world", "hello world\n", 0),
    ("echo -n hi", "hi", 0),
    ("echo -e 'a\\tb'", "a\tb\n", 0),
    ("echo -e 'x\\cy'", "x", 0),
    ("echo 'a   b'  c", "a   b c\n", 0),
    ("echo \">\" '|' x", "> | x\n", 0),
    ("echo a\\ b", "a b\n", 0),
    ('echo "it\'s" \'say "hi"\'', 'it\'s say "hi"\n', 0),
    ("echo # a comment", "\n", 0),
    # expansion
    (
        "echo $HOME ~ ~/x '~' '$HOME' \"$HOME\"",
        "/home/user /home/user /home/user/x ~ $HOME /home/user\n",
        0,
    ),
    ("X=5; echo ${X}0 $X", "50 5\n", 0),
    ('X="a  b"; echo $X; echo "$X"', "a b\na  b\n", 0),
    ("echo [$UNSET_THING]", "[]\n", 0),
    ("false; echo $?", "1\n", 0),
    ("echo $(echo inner) `echo tick`", "inner tick\n", 0),
    ("echo ${MISSING:-fallback} ${HOME#/home/} ${#HOME}", "fallback user 10\n", 0),
    ("f=report.txt; echo ${f%.txt}.md", "report.md\n", 0),
    (
        "x=banana; echo ${x/an/AN} ${x//an/AN} ${x##*n} ${x%%n*} ${x#b}",
        "bANana bANANa a ba anana\n",
        0,
    ),
    ("echo ${NEW:=set}; echo $NEW", "set\nset\n", 0),
    ("v=hello; echo ${v:1:3} ${v: -2} ${v:(-3):2} ${v:1:-1} ${v:10}x", "ell lo ll ell x\n", 0),
    (
        "v=hello; echo ${v^^} ${v^} ${v^^[lo]}; w=HEY; echo ${w,,} ${w,}",
        "HELLO Hello heLLO\nhey hEY\n",
        0,
    ),
    ("v=hello; echo ${v:1:-9}", "bash: -9: substring expression < 0\n", 1),
    # fatal in bash -c: the script ends there, with 127 (GNU bash 5.2)
    ("echo ${NOPE:?is required}; echo next", "bash: NOPE: is required\n", 127),
    ("echo {a,b}.txt", "a.txt b.txt\n", 0),
    ("echo $((2 + 3 * 4)) $((7 / 2))", "14 3\n", 0),
    ("echo ${HOME!}", "bash: ${HOME!}: bad substitution\n", 1),
    ("ls *.txt", "notes.txt\n", 0),
    ("echo '*.txt' *.none", "*.txt *.none\n", 0),
    # ; && ||
    ("true && echo yes", "yes\n", 0),
    ("false && echo no", "", 1),
    ("false || echo rescue", "rescue\n", 0),
    ("true || echo no", "", 0),
    ("echo a; false", "a\n", 1),
    ("false; true", "", 0),
    ("false && echo x || echo y", "y\n", 0),
    ("true || echo x && echo z", "z\n", 0),
    # cat
    ("cat notes.txt", "alpha\nbeta\ngamma\n", 0),
    ("cat missing", "cat: missing: No such file or directory\n", 1),
    (
        "cat notes.txt missing Documents/report.md",
        "alpha\nbeta\ngamma\ncat: missing: No such file or directory\n# Report\n",
        1,
    ),
    ("cat ~", "cat: /home/user: Is a directory\n", 1),
    ("cat -n Documents/report.md", "     1\t# Report\n", 0),
    # ls
    ("ls", "Desktop\nDocuments\nDownloads\nnotes.txt\n", 0),
    ("ls Documents", "report.md\n", 0),
    ("ls -a Documents", ".\n..\nreport.md\n", 0),
    ("ls missing", "ls: cannot access 'missing': No such file or directory\n", 2),
    ("ls notes.txt Documents", "notes.txt\n\nDocuments:\nreport.md\n", 0),
    ("ls -l Documents", "total 4\n-rw-r--r-- 1 user user 9 Jan  1 00:00 report.md\n", 0),
    ("ls -l notes.txt", "-rw-r--r-- 1 user user 17 Jan  1 00:00 notes.txt\n", 0),
    ("ls -z", "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n", 2),
    # pwd / cd
    ("pwd", "/home/user\n", 0),
    ("cd Documents && pwd", "/home/user/Documents\n", 0),
    ("cd /nope", "bash: cd: /nope: No such file or directory\n", 1),
    ("cd notes.txt", "bash: cd: notes.txt: Not a directory\n", 1),
    ("cd /tmp; cd; pwd", "/home/user\n", 0),
    ("cd /tmp; cd -", "/home/user\n", 0),
    ("cd a b", "bash: cd: too many arguments\n", 1),
    # identity and unknown commands
    ("whoami", "user\n", 0),
    ("hostname", "orgo-computer\n", 0),
    ("true", "", 0),
    ("false", "", 1),
    ("frobnicate --now", "bash: frobnicate: command not found\n", 127),
    ("./missing.sh", "bash: ./missing.sh: No such file or directory\n", 127),
    ("/bin/echo via path", "via path\n", 0),
    # environment
    ("printenv HOME", "/home/user\n", 0),
    ("env | grep ^USER=", "USER=user\n", 0),
    ("export GREETING=hi; printenv GREETING", "hi\n", 0),
    ("LOCAL=1; printenv LOCAL", "", 1),
    ("LOCAL=1; echo $LOCAL", "1\n", 0),
    ("FOO=bar printenv FOO; echo [$FOO]", "bar\n[]\n", 0),
    ("export 1x=2", "bash: export: `1x=2': not a valid identifier\n", 1),
    ("X=a; X+=b; echo $X", "ab\n", 0),
    ("unset HOME; echo [$HOME]", "[]\n", 0),
    # pipes
    ("cat notes.txt | head -n 2", "alpha\nbeta\n", 0),
    ("cat notes.txt | head -1", "alpha\n", 0),
    ("cat notes.txt | wc -l", "3\n", 0),
    ("cat notes.txt | grep -v beta", "alpha\ngamma\n", 0),
    ("grep -n a notes.txt", "1:alpha\n2:beta\n3:gamma\n", 0),
    ("ls | grep -c D", "3\n", 0),
    ("tail -n 1 notes.txt", "gamma\n", 0),
    ("echo x | grep y", "", 1),
    ("printf 'b\\na\\nb\\n' | sort | uniq -c", "      1 a\n      2 b\n", 0),
    ("wc -l notes.txt", "3 notes.txt\n", 0),
    ("wc -l missing", "wc: missing: No such file or directory\n", 1),
    (
        "wc -l missing nope",
        "wc: missing: No such file or directory\nwc: nope: No such file or directory\n0 total\n",
        1,
    ),
    ("grep zeta missing", "grep: missing: No such file or directory\n", 2),
    # redirection failures
    ("echo hi > missing/f", "bash: missing/f: No such file or directory\n", 1),
    ("echo hi > Documents", "bash: Documents: Is a directory\n", 1),
    ("cat < missing", "bash: missing: No such file or directory\n", 1),
    ("cat < notes.txt | wc -l", "3\n", 0),
    ("cat missing 2>/dev/null", "", 1),
    ("cat missing 2>&1 | wc -l", "1\n", 0),
    ("ls missing > /dev/null 2>&1; echo $?", "2\n", 0),
    ("echo to-stderr >&2 2>/dev/null", "to-stderr\n", 0),
    # syntax and unsupported constructs: nothing runs
    ('echo "open', "bash: -c: line 1: unexpected EOF while looking for matching `\"'\n", 2),
    ("echo a &&", "bash: -c: line 1: syntax error: unexpected end of file\n", 2),
    ("; ls", "bash: -c: line 1: syntax error near unexpected token `;'\n", 2),
    ("echo >", "bash: -c: line 1: syntax error near unexpected token `newline'\n", 2),
    # file commands' errors
    ("mkdir Documents", "mkdir: cannot create directory 'Documents': File exists\n", 1),
    ("mkdir a/b", "mkdir: cannot create directory 'a/b': No such file or directory\n", 1),
    ("rm Documents", "rm: cannot remove 'Documents': Is a directory\n", 1),
    ("rm missing", "rm: cannot remove 'missing': No such file or directory\n", 1),
    ("rm -f missing", "", 0),
    ("rm", "rm: missing operand\nTry 'rm --help' for more information.\n", 1),
    (
        "rm -r /",
        "rm: it is dangerous to operate recursively on '/'\n"
        "rm: use --no-preserve-root to override this failsafe\n",
        1,
    ),
    ("touch missing/x", "touch: cannot touch 'missing/x': No such file or directory\n", 1),
    ("cp missing x", "cp: cannot stat 'missing': No such file or directory\n", 1),
    ("cp Documents x", "cp: -r not specified; omitting directory 'Documents'\n", 1),
    (
        "cp notes.txt",
        "cp: missing destination file operand after 'notes.txt'\n"
        "Try 'cp --help' for more information.\n",
        1,
    ),
    (
        "cp notes.txt Documents/report.md Downloads/x",
        "cp: target 'Downloads/x' is not a directory\n",
        1,
    ),
    ("mv missing x", "mv: cannot stat 'missing': No such file or directory\n", 1),
    ("mv notes.txt notes.txt", "mv: 'notes.txt' and 'notes.txt' are the same file\n", 1),
    ("rmdir Documents", "rmdir: failed to remove 'Documents': Directory not empty\n", 1),
    # exit and sleep arguments
    ("exit 3; echo after", "", 3),
    ("false; exit", "", 1),
    ("exit abc", "bash: exit: abc: numeric argument required\n", 2),
    ("exit 300", "", 44),
    (
        "sleep abc",
        "sleep: invalid time interval 'abc'\nTry 'sleep --help' for more information.\n",
        1,
    ),
    ("sleep", "sleep: missing operand\nTry 'sleep --help' for more information.\n", 1),
    # test, printf, python3
    ("[ -f notes.txt ] && echo file", "file\n", 0),
    ("[ -d notes.txt ] || echo not-a-dir", "not-a-dir\n", 0),
    ("test 2 -lt 10 && test abc = abc && echo ok", "ok\n", 0),
    ("[ 1 -eq x ]", "bash: [: x: integer expression expected\n", 2),
    ("printf '%s-%d\\n' a 1 b 2", "a-1\nb-2\n", 0),
    ("printf '%5.2f|%-3s|%03d\\n' 3.14159 ab 7", " 3.14|ab |007\n", 0),
    ('python3 -c "print(6*7)"', "42\n", 0),
    (
        'python3 -c "1/0"',
        "Traceback (most recent call last):\nZeroDivisionError: division by zero\n",
        1,
    ),
    ("echo 'print(len(\"abc\"))' | python3", "3\n", 0),
    ("bash -c 'echo nested; exit 4'; echo $?", "nested\n4\n", 0),
]


@pytest.mark.parametrize(("command", "output", "exit_code"), CASES, ids=[c[0] for c in CASES])
def test_command(rig: Rig, command: str, output: str, exit_code: int) -> None:
    assert rig.run(command) == CommandResult(output, exit_code)


@pytest.mark.parametrize("command", ["diff <(ls) <(ls /tmp)", "cat <&3", "echo $(( (1) )"])
def test_unsupported_syntax_is_refused_before_anything_runs(rig: Rig, command: str) -> None:
    result = rig.run("touch marker; " + command)
    assert result.exit_code == 2
    assert result.output.startswith("bash: the simulated shell does not support ")
    assert "SimulatedShell.script()" in result.output
    assert not rig.fs.exists("~/marker")


# -- file changes -----------------------------------------------------------------------


def test_touch_announces_creation_once(rig: Rig) -> None:
    assert rig.run("touch ~/Desktop/a.txt").exit_code == 0
    assert rig.events == [(f"{HOME}/Desktop/a.txt", "created")]
    rig.run("touch ~/Desktop/a.txt")  # only the (unsimulated) timestamp would change
    assert rig.events == [(f"{HOME}/Desktop/a.txt", "created")]
    assert rig.fs.read("~/Desktop/a.txt") == b""


def test_redirections_write_through_the_filesystem(rig: Rig) -> None:
    path = f"{HOME}/out.txt"
    assert rig.run("echo one > out.txt; echo two >> out.txt; echo three >> out.txt").exit_code == 0
    assert rig.fs.read(path) == b"one\ntwo\nthree\n"
    assert rig.events == [(path, "created"), (path, "modified"), (path, "modified")]
    rig.events.clear()
    rig.run("echo replaced > ~/out.txt")
    assert rig.fs.read(path) == b"replaced\n"
    assert rig.events == [(path, "modified")]


def test_stderr_and_combined_redirections(rig: Rig) -> None:
    result = rig.run("ls missing 2> err.txt; cat missing notes.txt > all.txt 2>&1; > empty.txt")
    assert result == CommandResult("", 0)
    assert rig.fs.read("err.txt") == b"ls: cannot access 'missing': No such file or directory\n"
    assert rig.fs.read("all.txt") == (
        b"cat: missing: No such file or directory\nalpha\nbeta\ngamma\n"
    )
    assert rig.fs.read("empty.txt") == b""
    # the redirection target exists even when the command fails, as in bash
    assert rig.run("frobnicate > fail.txt").exit_code == 127
    assert rig.fs.read("fail.txt") == b""
    # order matters: stderr still goes to the terminal here
    assert rig.run("cat missing 2>&1 > only-out.txt").output == (
        "cat: missing: No such file or directory\n"
    )


def test_rm_recursive_announces_every_deletion(rig: Rig) -> None:
    rig.run("mkdir -p proj/src && touch proj/src/main.py proj/README")
    assert rig.events == [
        (f"{HOME}/proj", "created"),
        (f"{HOME}/proj/src", "created"),
        (f"{HOME}/proj/src/main.py", "created"),
        (f"{HOME}/proj/README", "created"),
    ]
    rig.events.clear()
    assert rig.run("rm -rf proj").exit_code == 0
    assert rig.events == [
        (f"{HOME}/proj/README", "deleted"),
        (f"{HOME}/proj/src/main.py", "deleted"),
        (f"{HOME}/proj/src", "deleted"),
        (f"{HOME}/proj", "deleted"),
    ]
    assert rig.run("rm -r proj").exit_code == 1


def test_mv_and_cp_announce_changes(rig: Rig) -> None:
    assert rig.run("mv notes.txt Desktop/").exit_code == 0
    assert rig.events == [
        (f"{HOME}/notes.txt", "deleted"),
        (f"{HOME}/Desktop/notes.txt", "created"),
    ]
    rig.events.clear()
    assert rig.run("cp Desktop/notes.txt copy.txt && cp -r Documents Backup").exit_code == 0
    assert rig.events == [
        (f"{HOME}/copy.txt", "created"),
        (f"{HOME}/Backup", "created"),
        (f"{HOME}/Backup/report.md", "created"),
    ]
    assert rig.fs.read("~/Backup/report.md") == b"# Report\n"
    rig.events.clear()
    assert rig.run("mv copy.txt renamed.txt; cp renamed.txt Documents/report.md").exit_code == 0
    assert rig.events == [
        (f"{HOME}/copy.txt", "deleted"),
        (f"{HOME}/renamed.txt", "created"),
        (f"{HOME}/Documents/report.md", "modified"),
    ]


def test_brace_expansion_and_globs_act_on_files(rig: Rig) -> None:
    assert rig.run("mkdir -p site/{css,js} && touch site/css/a.css site/js/b.js").exit_code == 0
    assert rig.run("ls site/*/*").output == "site/css/a.css\nsite/js/b.js\n"
    assert rig.run("rm site/*/*.css; ls site/css | wc -l").output == "0\n"
    assert rig.run("echo ~/Docu*").output == f"{HOME}/Documents\n"


# -- sessions ---------------------------------------------------------------------------


def test_a_session_keeps_directory_variables_and_status_between_lines(rig: Rig) -> None:
    session = ShellSession()
    assert session.env["PWD"] == HOME and session.env["DISPLAY"] == ":1"
    rig.run("cd Documents", session=session)
    rig.run("export MODE=test; COUNT=2", session=session)
    rig.run("false", session=session)
    assert rig.run("echo $? $PWD $MODE $COUNT; pwd", session=session).output == (
        f"1 {HOME}/Documents test 2\n{HOME}/Documents\n"
    )
    assert session.cwd == f"{HOME}/Documents"
    assert session.env["MODE"] == "test" and "COUNT" not in session.env
    assert session.variables == {"COUNT": "2"}
    assert session.last_exit_code == 0
    # without a session every call starts fresh, like the bash endpoint
    assert rig.run("pwd; echo [$MODE]").output == f"{HOME}\n[]\n"


def test_subshells_do_not_leak_state(rig: Rig) -> None:
    session = ShellSession()
    result = rig.run(
        "bash -c 'cd /tmp; export X=1'; here=$(cd /tmp; pwd); echo $here $X; pwd", session=session
    )
    assert result.output == f"/tmp\n{HOME}\n"
    assert session.cwd == HOME


def test_exit_marks_the_session_and_stops_the_line(rig: Rig) -> None:
    session = ShellSession()
    result = rig.run("echo before; exit 5; touch after", session=session)
    assert result == CommandResult("before\n", 5)
    assert session.exited == 5
    assert not rig.fs.exists("~/after")
    nested = ShellSession()
    rig.run("bash -c 'exit 2'", session=nested)
    assert nested.exited is None


# -- processes --------------------------------------------------------------------------


def test_background_commands_start_processes(rig: Rig) -> None:
    session = ShellSession(interactive=True)
    first = rig.run("firefox --new-window https://example.com &", session=session)
    second = rig.run("nohup /usr/bin/gedit notes.txt & echo $!", session=session)
    assert first == CommandResult("[1] 1000\n", 0)
    assert second == CommandResult("[2] 1001\n1001\n", 0)
    quiet = rig.run("sleep 300 & echo $!")  # bash -c: no job line
    assert quiet == CommandResult("1002\n", 0)
    assert rig.started == [Process(1000, "firefox"), Process(1001, "gedit"), Process(1002, "sleep")]
    assert rig.run("ps").output == (
        "    PID TTY          TIME CMD\n"
        "   1000 pts/0    00:00:00 firefox\n"
        "   1001 pts/0    00:00:00 gedit\n"
        "   1002 pts/0    00:00:00 sleep\n"
    )
    aux = rig.run("ps aux | grep firefox").output
    assert re.fullmatch(r"user\s+1000 .* firefox\n", aux)
    assert session.jobs == {1: 1000, 2: 1001}


def test_kill_pkill_and_friends_stop_processes(rig: Rig) -> None:
    session = ShellSession()
    for name in ("firefox", "gedit", "xterm", "xterm"):
        rig.run(f"{name} &", session=session)
    assert rig.run("kill 1000", session=session) == CommandResult("", 0)
    assert rig.stopped == [Process(1000, "firefox")]
    assert rig.run("kill 1000") == CommandResult("bash: kill: (1000) - No such process\n", 1)
    assert rig.run("kill abc") == CommandResult(
        "bash: kill: abc: arguments must be process or job IDs\n", 1
    )
    assert rig.run("kill -9 %2", session=session) == CommandResult("", 0)
    assert rig.stopped[-1] == Process(1001, "gedit")
    assert rig.run("pgrep xterm").output == "1002\n1003\n"
    assert rig.run("pkill xterm") == CommandResult("", 0)
    assert rig.run("pkill xterm") == CommandResult("", 1)
    assert rig.run("killall nothing") == CommandResult("nothing: no process found\n", 1)
    assert rig.processes.list() == []
    assert [p.pid for p in rig.stopped] == [1000, 1001, 1002, 1003]


# -- scripted answers -------------------------------------------------------------------


def test_scripted_answers_take_precedence_newest_first(rig: Rig) -> None:
    rig.shell.script("ls", "scripted listing\n")
    assert rig.run("  ls  ") == CommandResult("scripted listing\n", 0)
    rig.shell.script("ls", "newer\n", exit_code=3)
    session = ShellSession()
    assert rig.run("ls", session=session) == CommandResult("newer\n", 3)
    assert session.last_exit_code == 3
    assert rig.run("ls Documents").output == "report.md\n"  # exact match only


def test_scripted_regex_must_match_the_whole_command(rig: Rig) -> None:
    answer = rig.shell.script(re.compile(r"curl -s https?://\S+"), '{"ok": true}')
    assert isinstance(answer, ScriptedAnswer)
    assert rig.run("curl -s https://api.example.com").output == '{"ok": true}'
    assert rig.run("curl -s https://a.example.com | jq .").exit_code == 127


def test_scripted_side_effects_go_through_the_filesystem_and_process_table(rig: Rig) -> None:
    def install(fs: FileSystem, processes: ProcessTable) -> None:
        fs.write("~/Downloads/app.deb", b"\x7fELF")
        processes.start("apt")

    rig.shell.script("sudo apt install app", "Setting up app ...\n", side_effect=install)
    assert rig.run("sudo apt install app").output == "Setting up app ...\n"
    assert rig.events == [(f"{HOME}/Downloads/app.deb", "created")]
    assert rig.started == [Process(1000, "apt")]


def test_bash_and_python_scripts_do_not_mix(rig: Rig) -> None:
    rig.shell.script("print(1)", "from python script\n", python=True)
    assert rig.run("print(1)").exit_code != 0
    rig.shell.script("uptime", "up 1 day\n")
    assert rig.shell.run_python("uptime", timeout=5).error_type == "NameError"


# -- time --------------------------------------------------------------------------------


def test_sleep_advances_the_virtual_clock(rig: Rig) -> None:
    assert rig.run("sleep 1.5; sleep 2m; sleep 1 1").exit_code == 0
    assert rig.sleeps == [1.5, 120.0, 2.0]


def test_timeout_spends_only_the_budget_and_exits_124(rig: Rig) -> None:
    result = rig.run("echo start; sleep 2; sleep 10; echo never", timeout=5)
    assert result == CommandResult("start\n", 124)
    assert rig.sleeps == [2.0, 3.0]
    rig.sleeps.clear()
    assert rig.run("sleep 5; echo done", timeout=5) == CommandResult("done\n", 0)
    assert rig.sleeps == [5.0]


def test_sleep_without_a_clock_returns_immediately() -> None:
    fs = FileSystem()
    shell = SimulatedShell(fs, ProcessTable())
    assert shell.run("sleep 1000; echo awake").output == "awake\n"
    assert isinstance(shell, Shell)


# -- properties -------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@given(text=_text)
def test_any_text_survives_shell_quoting(text: str) -> None:
    shell = SimulatedShell(FileSystem(), ProcessTable())
    quoted = shlex.quote(text)
    assert shell.run(f"printf '%s' {quoted}").output == text
    assert shell.run(f'X={quoted}; printf "%s" "$X"').output == text


@given(text=_text)
def test_redirected_output_round_trips_through_a_file(text: str) -> None:
    fs = FileSystem()
    shell = SimulatedShell(fs, ProcessTable())
    assert shell.run(f"printf '%s' {shlex.quote(text)} > f; cat f").output == text
    assert fs.read("~/f") == text.encode()
