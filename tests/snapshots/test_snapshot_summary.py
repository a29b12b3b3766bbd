"""The ``orgo snapshots`` terminal summary: baselines written, failed and unused; quiet
about unused ones whenever not every test of a module ran (``-k``, ``::``, ``--lf``,
``--deselect``, skips, failures); the same under xdist."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshots.conftest import FAST, run

SHOTS = """
    import os
    from PIL import Image

    def shot(colour):
        return Image.new("RGB", (16, 8), colour)

    def test_home(orgo_snapshot):
        orgo_snapshot.assert_screenshot(shot(os.environ.get("HOME_COLOUR", "white")))

    def test_menu(orgo_snapshot):
        orgo_snapshot.assert_screenshot(shot("white"), "open")
        orgo_snapshot.assert_screenshot(shot("gray"), "closed")

    def test_plain():
        assert True
"""
FOLDER = Path("__orgo_snapshots__/test_app")
ANY_UNUSED = "*unused (no test asserted it*"
UNUSED = "*1 baseline unused (no test asserted it in this run; delete it if its test is gone):"


@pytest.fixture
def app(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A module with three baselines written, and a fourth left by a deleted test."""
    monkeypatch.delenv("HOME_COLOUR", raising=False)
    pytester.makepyfile(test_app=SHOTS)
    run(pytester, "--orgo-update-snapshots").assert_outcomes(passed=3)
    (pytester.path / FOLDER / "test_deleted.png").write_bytes(
        (pytester.path / FOLDER / "test_home.png").read_bytes()
    )
    return pytester


def test_written_baselines_are_listed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_app=SHOTS)
    result = run(pytester, "--orgo-update-snapshots")
    result.stdout.fnmatch_lines(
        [
            "*-- orgo snapshots --*",
            "3 baselines written:",
            f"  {FOLDER}/test_home.png (new)",
            f"  {FOLDER}/test_menu-closed.png (new)",
            f"  {FOLDER}/test_menu-open.png (new)",
        ]
    )


def test_unused_baselines_are_listed_after_a_full_passing_run(app: pytest.Pytester) -> None:
    result = run(app)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*-- orgo snapshots --*", UNUSED, f"  {FOLDER}/test_deleted.png"])
    result.stdout.no_fnmatch_line("*written*")


def test_failed_baselines_are_listed_and_unused_ones_not_guessed(
    app: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME_COLOUR", "black")
    result = run(app)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["1 baseline failed:", f"  {FOLDER}/test_home.png (differs; test_app.py::test_home)"]
    )
    result.stdout.no_fnmatch_line(ANY_UNUSED)


@pytest.mark.parametrize(
    "selection",
    [
        ["-k", "home or plain or menu"],  # keeps everything: the module still ran whole
        ["-k", "not plain"],
        ["test_app.py::test_home", "test_app.py::test_menu", "test_app.py::test_plain"],
        ["--deselect", "test_app.py::test_plain"],
        ["-m", "not slow"],
    ],
    ids=["k-all", "k-some", "node-ids", "deselect", "m"],
)
def test_a_partial_run_says_nothing_about_unused(
    app: pytest.Pytester, selection: list[str]
) -> None:
    if selection[0] == "-m":
        app.makepyfile(
            test_app=SHOTS.replace(
                "    def test_plain", "    import pytest\n    @pytest.mark.slow\n    def test_plain"
            )
        )
        app.makeini("[pytest]\nmarkers = slow\nasyncio_default_fixture_loop_scope = function\n")
    result = run(app, *selection)
    assert result.ret == pytest.ExitCode.OK
    if selection == ["-k", "home or plain or menu"]:
        result.stdout.fnmatch_lines([UNUSED])
    else:
        result.stdout.no_fnmatch_line(ANY_UNUSED)
        result.stdout.no_fnmatch_line("*orgo snapshots*")


def test_a_skipped_test_makes_its_module_quiet(app: pytest.Pytester) -> None:
    app.makepyfile(
        test_app=SHOTS.replace("    assert True", "    import pytest; pytest.skip('later')")
    )
    result = run(app)
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.no_fnmatch_line(ANY_UNUSED)


def test_last_failed_reruns_are_quiet(
    app: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_cache = FAST[2:]  # --lf needs the cache
    assert "no:cacheprovider" not in with_cache and "no:benchmark" in with_cache
    monkeypatch.setenv("HOME_COLOUR", "black")
    app.runpytest(*with_cache).assert_outcomes(passed=2, failed=1)
    monkeypatch.delenv("HOME_COLOUR")
    result = app.runpytest(*with_cache, "--lf")
    result.assert_outcomes(passed=1)  # --lf narrowed the module: no deselection
    result.stdout.no_fnmatch_line(ANY_UNUSED)


def test_modules_without_baselines_or_with_all_used_add_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_app=SHOTS, test_other="def test_x():\n    assert 1\n")
    run(pytester, "--orgo-update-snapshots").assert_outcomes(passed=4)
    result = run(pytester)
    result.assert_outcomes(passed=4)
    result.stdout.no_fnmatch_line("*orgo snapshots*")


def test_under_xdist_the_controller_sums_up_every_worker(
    app: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.makepyfile(
        test_more="""
        from PIL import Image

        def test_new(orgo_snapshot):
            orgo_snapshot.assert_screenshot(Image.new("RGB", (4, 4), "red"))
        """
    )
    result = run(app, "-n", "2", "--orgo-update-snapshots=missing")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "1 baseline written:",
            "  __orgo_snapshots__/test_more/test_new.png (new)",
            UNUSED,
            f"  {FOLDER}/test_deleted.png",
        ]
    )
    monkeypatch.setenv("HOME_COLOUR", "black")
    result = run(app, "-n", "2", "-k", "home or new")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["1 baseline failed:", f"  {FOLDER}/test_home.png (differs; *)"])
    result.stdout.no_fnmatch_line(ANY_UNUSED)
