# ruff: noqa: E501  (the examples table keeps each case on one line)
"""``du`` (``-s -h -b -k -m -c -a -d N``, ``--max-depth``, ``--apparent-size``) with GNU's
sizes, lines and messages; where GNU du is installed and the host's temporary directory
stores directories as ext4 does (4 KiB each), each example also runs there.

The simulated disk lists a directory in name order; GNU du walks it in the order the
host's disk returns, so the table holds no directory with two entries du prints."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from tests.fake_server.desktop.shell.shell_rig import HAVE_BASH, Sim, example_tests


def _ext4_like_tmp() -> bool:
    with tempfile.TemporaryDirectory() as directory:
        info = os.stat(directory)
        return info.st_size == 4096 and info.st_blocks == 8


GNU_DU = pytest.mark.skipif(
    not (HAVE_BASH and shutil.which("du") and _ext4_like_tmp()),
    reason="needs GNU du and a temporary directory whose directories take 4 KiB (ext4)",
)
SETUP = "umask 022; mkdir w; cd w; printf 'hello\\n' > a.txt; : > empty; mkdir -p d/e; printf '%5000s' '' > d/big; printf '%9000s' '' > d/e/f\n"

CASES = [
    ('du', '16\t./d/e\n28\t./d\n36\t.\n', 0),
    ('du -s', '36\t.\n', 0),
    ('du -sh', '36K\t.\n', 0),
    ('du -sh . d', '36K\t.\n', 0),
    ('du -b a.txt d/big', '6\ta.txt\n5000\td/big\n', 0),
    ('du -c a.txt d/big', '4\ta.txt\n8\td/big\n12\ttotal\n', 0),
    ('du -bs d', '22192\td\n', 0),
    ('du -h d/big', '8.0K\td/big\n', 0),
    ('du --max-depth=0 d', '28\td\n', 0),
    ('du -d 1 .', '28\t./d\n36\t.\n', 0),
    ('du -d1 d', '16\td/e\n28\td\n', 0),
    ('du nope a.txt; echo rc=$?', "du: cannot access 'nope': No such file or directory\n4\ta.txt\nrc=1\n", 0),
    ('du -k a.txt', '4\ta.txt\n', 0),
    ('du -m d', '1\td/e\n1\td\n', 0),
    ('du --apparent-size -s d', '22\td\n', 0),
    ('du -s -d 1 d; echo rc=$?', "du: warning: summarizing conflicts with --max-depth=1\nTry 'du --help' for more information.\nrc=1\n", 0),
    ('du -d x .; echo rc=$?', "du: invalid maximum depth 'x'\nTry 'du --help' for more information.\nrc=1\n", 0),
    ('du -q; echo rc=$?', "du: invalid option -- 'q'\nTry 'du --help' for more information.\nrc=1\n", 0),
    ('du --bogus; echo rc=$?', "du: unrecognized option '--bogus'\nTry 'du --help' for more information.\nrc=1\n", 0),
    ('du -d; echo rc=$?', "du: option requires an argument -- 'd'\nTry 'du --help' for more information.\nrc=1\n", 0),
    ('du d/', '16\td/e\n28\td/\n', 0),
    ('du -sc d a.txt', '28\td\n4\ta.txt\n32\ttotal\n', 0),
    ('du -hc d/big d/e/f', '8.0K\td/big\n12K\td/e/f\n20K\ttotal\n', 0),
    ('du -b empty', '0\tempty\n', 0),
    ('du --summarize --human-readable d', '28K\td\n', 0),
    ('du -sb .', '26294\t.\n', 0),
    ('du -a d/e', '12\td/e/f\n16\td/e\n', 0),
    ('du --total -s d d/e', '28\td\n28\ttotal\n', 0),
    ('du -s d | cut -f1', '28\n', 0),
]  # fmt: skip


test_examples, test_the_examples_agree_with_gnu_du = example_tests(
    CASES, setup=SETUP, reference=GNU_DU
)


def test_all_lists_every_file_children_first_in_name_order() -> None:
    sim = Sim()
    sim.run(SETUP)
    assert sim.out("du -a") == (
        "4\t./a.txt\n8\t./d/big\n12\t./d/e/f\n16\t./d/e\n28\t./d\n0\t./empty\n36\t.\n"
    )


def test_a_tree_counted_once_however_often_it_is_named() -> None:
    sim = Sim()
    sim.run(SETUP)
    assert sim.out("du -s d d/e d") == "28\td\n"
    assert sim.out("du -sc d/e d") == "16\td/e\n12\td\n28\ttotal\n"
