"""Here-documents (``<<EOF`` expanded, ``<<'EOF'`` literal, ``<<-`` tab-stripping) and
here-strings (``<<<``), into commands, loops and files."""

from __future__ import annotations

import pytest

from tests.fake_server.desktop.shell.shell_rig import Sim, needs_bash, real

CASES = [
    ("cat <<EOF\nhome=$HOME sum=$((1+2)) sub=$(echo x)\nEOF", "home=/home/user sum=3 sub=x\n"),
    ("cat <<'EOF'\nliteral $HOME $(echo x)\nEOF", "literal $HOME $(echo x)\n"),
    ('cat <<"EOF"\nliteral $HOME\nEOF', "literal $HOME\n"),
    ("cat <<-EOF\n\tindented\n\t\tdeeper\n\tEOF", "indented\ndeeper\n"),
    ("cat <<EOF | tr a-z A-Z\nshout\nEOF", "SHOUT\n"),
    ("cat <<A; cat <<B\none\nA\ntwo\nB", "one\ntwo\n"),
    ("cat <<EOF\nEOF", ""),
    ("wc -l <<EOF\na\nb\nEOF\necho after", "2\nafter\n"),
    ("tr a-z A-Z <<< 'here string'", "HERE STRING\n"),
    ("read a b <<< 'x y z'; echo \"$a|$b\"", "x|y z\n"),
    ("while read n; do echo $((n*n)); done <<EOF\n2\n3\nEOF", "4\n9\n"),
    ("cat <<EOF\nescaped \\$HOME and \\\\ back\nEOF", "escaped $HOME and \\ back\n"),
]


@pytest.mark.parametrize(("command", "expected"), CASES)
def test_examples(command: str, expected: str) -> None:
    assert Sim().out(command) == expected


@needs_bash
@pytest.mark.parametrize(("command", "expected"), CASES)
def test_the_examples_agree_with_gnu_bash(command: str, expected: str) -> None:
    assert real(command).output == expected


def test_a_heredoc_writes_a_setup_file() -> None:
    sim = Sim()
    sim.out("mkdir -p ~/app && cat > ~/app/config.ini <<'EOF'\n[main]\nname = $USER\nEOF")
    assert sim.out("cat ~/app/config.ini") == "[main]\nname = $USER\n"


def test_an_unterminated_heredoc_runs_to_the_end() -> None:
    assert Sim().out("cat <<EOF\nno end") == "no end\n"
