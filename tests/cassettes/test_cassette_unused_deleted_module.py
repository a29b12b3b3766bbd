"""Issue 12, item 10: the cassettes of a deleted test module are reported unused after a
whole run (whether or not a test beside it still uses a cassette, with an ini
``orgo_cassette_dir``, and under xdist), and nothing is said under ``-k``,
``--deselect``, ``path::test``, ``--lf``, a shard that deselects, or a shard of a
path-split run of the same tree."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from cassette_helpers import FAST, interaction, run, run_subprocess, write

KEPT = """
    import pytest

    @pytest.mark.orgo_cassette
    def test_kept():
        pass

    def test_other():
        pass
"""
PLAIN = """
    def test_plain():
        pass
"""
FAILING = "def test_other():\n        assert 0"
GONE = "cassettes/test_gone/test_gone.yaml"
GONE_SIDECAR = "cassettes/test_gone/test_gone.0123456789abcdef.bin"
HEADER = "unused cassette file(s)"
# a stand-in for pytest-split's --splits/--group: a shard deselects the other shards' tests
SHARDING_CONFTEST = """
    def pytest_collection_modifyitems(config, items):
        other_shard = [item for item in items if item.name == "test_other"]
        items[:] = [item for item in items if item not in other_shard]
        config.hook.pytest_deselected(items=other_shard)
"""


def reported(result: pytest.RunResult) -> list[str]:
    lines = result.outlines
    starts = [i for i, line in enumerate(lines) if HEADER in line]
    if not starts:
        return []
    return [line.strip() for line in lines[starts[0] + 1 :] if line.startswith("  ")]


def tree(base: Path, kept: str = KEPT) -> None:
    """``test_kept.py`` with its cassette, and ``test_gone``'s cassettes left behind."""
    base.mkdir(parents=True, exist_ok=True)
    (base / "test_kept.py").write_text(textwrap.dedent(kept))
    write(base / "cassettes/test_kept/test_kept.yaml", [interaction()])
    write(base / GONE, [interaction()])
    (base / GONE_SIDECAR).write_bytes(b"left behind")


@pytest.fixture
def deleted(pytester: pytest.Pytester) -> pytest.Pytester:
    tree(pytester.path)
    return pytester


def test_a_whole_run_reports_the_deleted_modules_cassettes(deleted: pytest.Pytester) -> None:
    result = run(deleted)
    result.assert_outcomes(passed=2)
    assert sorted(reported(result)) == sorted([GONE, GONE_SIDECAR])
    assert (deleted.path / GONE).exists()  # reported, kept


def test_also_when_no_test_beside_it_uses_a_cassette(pytester: pytest.Pytester) -> None:
    """The deleted module's folder is found by looking, not from the cassettes the run
    used (none here). The kept module's own cassette is judged only by a module that used
    cassettes (a known limit, in the README)."""
    tree(pytester.path, kept=PLAIN)
    result = run(pytester)
    result.assert_outcomes(passed=1)
    assert sorted(reported(result)) == sorted([GONE, GONE_SIDECAR])


def test_a_module_of_the_same_name_elsewhere_does_not_hide_it(
    pytester: pytest.Pytester,
) -> None:
    tree(pytester.path / "a")
    (pytester.path / "b").mkdir()
    (pytester.path / "b" / "test_gone.py").write_text(textwrap.dedent(PLAIN))
    result = run(pytester)
    result.assert_outcomes(passed=3)
    assert sorted(reported(result)) == sorted([f"a/{GONE}", f"a/{GONE_SIDECAR}"])


def test_under_xdist_too(deleted: pytest.Pytester) -> None:
    result = run_subprocess(deleted, "-n", "2")
    result.assert_outcomes(passed=2)
    assert sorted(reported(result)) == sorted([GONE, GONE_SIDECAR])


def test_with_an_ini_cassette_dir(pytester: pytest.Pytester) -> None:
    """One folder for every directory: judged by module name, and only by a run over the
    whole rootdir (a run of ``b/`` cannot know ``a/``'s modules)."""
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\norgo_cassette_dir = recorded\n"
    )
    for folder in ("a", "b"):
        pytester.mkdir(folder)
        (pytester.path / folder / f"test_{folder}.py").write_text(
            textwrap.dedent(KEPT.replace("test_kept", f"test_in_{folder}"))
        )
        write(pytester.path / f"recorded/test_{folder}/test_in_{folder}.yaml", [interaction()])
    write(pytester.path / "recorded/test_gone/test_gone.yaml", [interaction()])
    result = run(pytester)
    result.assert_outcomes(passed=4)
    assert reported(result) == ["recorded/test_gone/test_gone.yaml"]
    shard = run(pytester, "b")
    shard.assert_outcomes(passed=2)
    assert reported(shard) == []


@pytest.mark.parametrize(
    "selection",
    [["-k", "other"], ["--deselect", "test_kept.py::test_other"], ["test_kept.py::test_kept"]],
    ids=["k", "deselect", "node-id"],
)
def test_partial_runs_stay_quiet(deleted: pytest.Pytester, selection: list[str]) -> None:
    result = run(deleted, *selection)
    assert result.ret == pytest.ExitCode.OK
    assert HEADER not in result.stdout.str()


def test_last_failed_stays_quiet(deleted: pytest.Pytester) -> None:
    with_cache = FAST[2:]
    deleted.makepyfile(test_kept=KEPT.replace("def test_other():\n        pass", FAILING))
    deleted.runpytest(*with_cache).assert_outcomes(passed=1, failed=1)
    deleted.makepyfile(test_kept=KEPT)
    result = deleted.runpytest(*with_cache, "--lf")
    result.assert_outcomes(passed=1)
    assert HEADER not in result.stdout.str()


def test_a_shard_that_deselects_stays_quiet(deleted: pytest.Pytester) -> None:
    deleted.makeconftest(SHARDING_CONFTEST)
    result = run(deleted)
    result.assert_outcomes(passed=1)
    assert HEADER not in result.stdout.str()


def test_a_shard_of_another_directory_says_nothing_about_it(pytester: pytest.Pytester) -> None:
    """Sharding by path group: the shard that ran ``b/`` never looks in ``a/``."""
    tree(pytester.path / "a")
    tree(pytester.path / "b")
    shutil.rmtree(pytester.path / "b" / "cassettes" / "test_gone")
    shard = run(pytester, "b")
    shard.assert_outcomes(passed=2)
    assert HEADER not in shard.stdout.str()
    other = run(pytester, "a")
    assert sorted(reported(other)) == sorted([f"a/{GONE}", f"a/{GONE_SIDECAR}"])


def test_a_test_package_named_cassettes_is_not_a_cassette_folder(
    pytester: pytest.Pytester,
) -> None:
    """Like this repository's ``tests/cassettes/``: tests, with data folders of their own."""
    pytester.makepyfile(test_top=PLAIN)
    package = pytester.path / "cassettes"
    package.mkdir()
    (package / "conftest.py").write_text("")
    (package / "test_inner.py").write_text(textwrap.dedent(PLAIN))
    (package / "data").mkdir()
    (package / "data" / "sample.json").write_text("{}")
    result = run(pytester)
    result.assert_outcomes(passed=2)
    assert HEADER not in result.stdout.str()
