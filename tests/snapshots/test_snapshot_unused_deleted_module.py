"""Issue 12, item 10: the baselines of a deleted test module are reported unused after a
whole run (with the default and an absolute ``orgo_snapshot_dir``, and under xdist), and
nothing is said under ``-k``, ``--deselect``, ``path::test``, ``--lf`` or one shard of a
path-split run of the same tree."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.snapshots.conftest import FAST, run, write_ini

KEPT = """
    from PIL import Image

    def test_kept(orgo_snapshot):
        orgo_snapshot.assert_screenshot(Image.new("RGB", (4, 4), "blue"))

    def test_other():
        pass
"""
GONE = """
    from PIL import Image

    def test_gone(orgo_snapshot):
        orgo_snapshot.assert_screenshot(Image.new("RGB", (4, 4), "red"))
"""
UNUSED = "*1 baseline unused (no test asserted it in this run; delete it if its test is gone):"
ANY_UNUSED = "*unused (no test asserted it*"


@pytest.fixture
def deleted(pytester: pytest.Pytester) -> pytest.Pytester:
    """Two modules with baselines; then one module deleted, its baseline left behind."""
    pytester.makepyfile(test_kept=KEPT, test_gone=GONE)
    run(pytester, "--orgo-update-snapshots").assert_outcomes(passed=3)
    (pytester.path / "test_gone.py").unlink()
    return pytester


def test_a_whole_run_reports_the_deleted_modules_baselines(deleted: pytest.Pytester) -> None:
    result = run(deleted)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([UNUSED, "  __orgo_snapshots__/test_gone/test_gone.png"])


def test_under_xdist_too(deleted: pytest.Pytester) -> None:
    result = run(deleted, "-n", "2")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([UNUSED, "  __orgo_snapshots__/test_gone/test_gone.png"])


def test_with_an_absolute_snapshot_tree(pytester: pytest.Pytester, tmp_path: Path) -> None:
    tree = tmp_path / "baselines"
    write_ini(pytester, orgo_snapshot_dir=str(tree))
    pytester.makepyfile(test_kept=KEPT, test_gone=GONE)
    sub = pytester.mkpydir("sub")
    (sub / "test_deep.py").write_text(textwrap.dedent(KEPT))
    run(pytester, "--orgo-update-snapshots").assert_outcomes(passed=5)
    (pytester.path / "test_gone.py").unlink()
    result = run(pytester)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines([UNUSED, f"  {tree}/test_gone/test_gone.png"])
    result.stdout.no_fnmatch_line("  */baselines/sub*")  # mirrors sub/, no module


@pytest.mark.parametrize(
    "selection",
    [["-k", "other"], ["--deselect", "test_kept.py::test_other"], ["test_kept.py::test_kept"]],
    ids=["k", "deselect", "node-id"],
)
def test_partial_runs_stay_quiet(deleted: pytest.Pytester, selection: list[str]) -> None:
    result = run(deleted, *selection)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.no_fnmatch_line(ANY_UNUSED)


def test_last_failed_stays_quiet(deleted: pytest.Pytester) -> None:
    with_cache = FAST[2:]
    deleted.makepyfile(test_kept=KEPT.replace("pass", "assert 0"))
    deleted.runpytest(*with_cache).assert_outcomes(passed=1, failed=1)
    deleted.makepyfile(test_kept=KEPT)
    result = deleted.runpytest(*with_cache, "--lf")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line(ANY_UNUSED)


def test_a_shard_of_another_directory_says_nothing_about_it(pytester: pytest.Pytester) -> None:
    """Sharding by path group: the shard that ran ``b/`` never looks in ``a/``."""
    for folder in ("a", "b"):
        pytester.mkdir(folder)
        (pytester.path / folder / f"test_{folder}.py").write_text(textwrap.dedent(KEPT))
    (pytester.path / "a" / "test_gone.py").write_text(textwrap.dedent(GONE))
    run(pytester, "--orgo-update-snapshots").assert_outcomes(passed=5)
    (pytester.path / "a" / "test_gone.py").unlink()
    shard = run(pytester, "b")
    shard.assert_outcomes(passed=2)
    shard.stdout.no_fnmatch_line(ANY_UNUSED)
    other = run(pytester, "a")
    other.stdout.fnmatch_lines([UNUSED, "  a/__orgo_snapshots__/test_gone/test_gone.png"])
