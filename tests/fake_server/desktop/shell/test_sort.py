"""``sort`` as GNU sort orders in the C locale: keys (``-k``), separators (``-t``),
numeric, human and general orderings, case folding, blanks, reverse, unique, stable, and
the last-resort whole-line comparison. Examples pinned here, every option combination
compared with GNU sort where it is installed, and random data and keys (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fake_server.desktop.shell.shell_rig import Sim, needs_bash, quote, real

TABLE = "b 2 x\na 10 y\nc 1 z\n  d 3 w\nB 2 x\n_e 7 q\na 10 a\nf -3 m\ng 1.5K h\nh 2M i\ni 900 j\n"
PASSWD = "root:x:0:0\nuser:x:1000:1000\nbin:x:2:2\nnobody:x:65534:65534\ndaemon:x:1:1\n"

EXAMPLES = [
    ("sort -k3,3n", PASSWD.replace(":", " "), "root x 0 0\ndaemon x 1 1\nbin x 2 2\n"
     "user x 1000 1000\nnobody x 65534 65534\n"),
    ("sort -t: -k3,3nr", PASSWD, "nobody:x:65534:65534\nuser:x:1000:1000\nbin:x:2:2\n"
     "daemon:x:1:1\nroot:x:0:0\n"),
    ("sort -h", "1G\n10K\n2M\n512\n-1K\n0K\ng\n", "-1K\n0K\ng\n512\n10K\n2M\n1G\n"),
    ("sort -u -k1,1", "a 2\nb 1\na 1\n", "a 2\nb 1\n"),
    ("sort -s -k1,1", "b 1\na 2\na 1\n", "a 2\na 1\nb 1\n"),
    ("sort -k1,1", "b 1\na 2\na 1\n", "a 1\na 2\nb 1\n"),  # ties: the whole line decides
    ("sort -f", "b\n_\nA\n", "A\nb\n_\n"),  # -f folds to upper case: '_' after the letters
    ("sort -rn", "3\n10\n-1\nx\n", "10\n3\nx\n-1\n"),
]  # fmt: skip

OPTIONS = [
    "", "-r", "-f", "-n", "-h", "-g", "-b", "-u", "-nu", "-fu", "-rn",
    "-k2", "-k2 -n", "-k2n", "-k2,2n", "-k2,2nr", "-k 2 -n -r", "-k3", "-k3,3 -k1,1",
    "-u -k2,2n", "-s -k2,2n", "-k2h", "-h -k2", "-g -k2", "-k1.2", "-k1.2,1.2", "-b -k1",
    "-k1b,1", "-t' ' -k2,2n", "-k2,2 -u", "--key=2,2n --reverse", "-rn -k2", "-k4", "-k2.2n",
    "-k2,2 -k3r", "--numeric-sort --unique", "-k1,1f -k2,2n",
]  # fmt: skip
SEPARATED = ["-t: -k3,3n", "-t: -k3n", "-t : -k 3 -n -r", "-t: -k1,1", "-t: -k2", "-t: -k3.2,3.3"]
ERRORS = ["-t:: -k1", "-k0", "-k1x", "-t", "-j", "-k2,0", "--bogus"]


@pytest.mark.parametrize(("options", "data", "expected"), EXAMPLES)
def test_examples(options: str, data: str, expected: str) -> None:
    assert Sim().out(f"printf %s {quote(data)} | {options}") == expected


def test_a_bad_option_fails_with_status_2_and_gnus_message() -> None:
    result = Sim().run("echo a | sort -k0")
    assert result.exit_code == 2
    assert result.output == "sort: field number is zero: invalid field specification '0'\n"


def _agree(command: str) -> None:
    simulated, gnu = Sim().run(command), real(command)
    assert (simulated.output, simulated.exit_code) == (gnu.output, gnu.exit_code), command


@needs_bash
@pytest.mark.parametrize("options", OPTIONS)
def test_every_option_agrees_with_gnu_sort(options: str) -> None:
    _agree(f"printf %s {quote(TABLE)} | sort {options}")


@needs_bash
@pytest.mark.parametrize("options", SEPARATED + ERRORS)
def test_separators_and_errors_agree_with_gnu_sort(options: str) -> None:
    _agree(f"printf %s {quote(PASSWD)} | sort {options}")


WORD = st.text(alphabet="aAbB_0129.-KMke+\t ", min_size=0, max_size=5)
LINE = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
KEY = st.builds(
    lambda start, end, opts: f"-k{start}{opts}" + (f",{end}" if end else ""),
    st.integers(1, 4),
    st.sampled_from(["", "2", "3", "1.2", "4"]),
    st.sampled_from(["", "n", "r", "f", "b", "h", "nr", "g", "bn", "fr"]),
)


@needs_bash
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    lines=st.lists(LINE, min_size=0, max_size=8),
    keys=st.lists(KEY, max_size=2),
    flags=st.sampled_from(
        ["", "-r", "-n", "-u", "-s", "-f", "-b", "-g", "-h", "-nr", "-hu", "-gs", "-t' '"]
    ),
)
def test_random_data_and_keys_agree_with_gnu_sort(
    lines: list[str], keys: list[str], flags: str
) -> None:
    data = "".join(line + "\n" for line in lines)
    _agree(f"printf %s {quote(data)} | sort {flags} {' '.join(keys)}")
