"""The run-level settings through real pytest runs: ``--orgo-update-snapshots`` in each
mode and bare, its ini twin, ``orgo_snapshot_dir``, ``--orgo-artifacts`` and its ini
twin; and the fixture from async tests and through ``assert_screenshot``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshots.conftest import artifact, pixels, run, write_ini

COLOURED = """
    import os
    from PIL import Image

    def test_shot(orgo_snapshot):
        colour = os.environ.get("COLOUR", "white")
        orgo_snapshot.assert_screenshot(Image.new("RGB", (20, 10), colour))
"""
BASELINE = Path("__orgo_snapshots__/test_screen/test_shot.png")


@pytest.fixture
def screen(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("COLOUR", raising=False)
    pytester.makepyfile(test_screen=COLOURED)
    return pytester


def colour_of(path: Path) -> tuple[int, ...]:
    return tuple(int(v) for v in pixels(path)[0, 0])


def recolour(monkeypatch: pytest.MonkeyPatch, colour: str) -> None:
    monkeypatch.setenv("COLOUR", colour)


# -- the flag -----------------------------------------------------------------------------


def test_without_the_flag_nothing_is_written(screen: pytest.Pytester) -> None:
    result = run(screen)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no baseline for screenshot test_shot*"])
    assert not (screen.path / BASELINE).exists()


def test_missing_writes_new_baselines_but_not_changed_ones(
    screen: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(screen, "--orgo-update-snapshots=missing").assert_outcomes(passed=1)
    assert colour_of(screen.path / BASELINE) == (255, 255, 255)
    recolour(monkeypatch, "black")
    run(screen, "--orgo-update-snapshots=missing").assert_outcomes(failed=1)
    assert colour_of(screen.path / BASELINE) == (255, 255, 255)


@pytest.mark.parametrize("flag", ["--orgo-update-snapshots=changed", "--orgo-update-snapshots"])
def test_changed_and_the_bare_flag_rewrite_what_differs(
    screen: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flag: str
) -> None:
    run(screen, flag).assert_outcomes(passed=1)
    recolour(monkeypatch, "black")
    result = run(screen, flag)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["1 baseline written:", "*test_shot.png (updated)"])
    assert colour_of(screen.path / BASELINE) == (0, 0, 0)


def test_all_rewrites_even_what_is_within_tolerance(
    screen: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(screen, "--orgo-update-snapshots=missing").assert_outcomes(passed=1)
    recolour(monkeypatch, "#fefefe")  # below the colour threshold: passes, and is kept
    run(screen, "--orgo-update-snapshots=changed").assert_outcomes(passed=1)
    assert colour_of(screen.path / BASELINE) == (255, 255, 255)
    run(screen, "--orgo-update-snapshots=all").assert_outcomes(passed=1)
    assert colour_of(screen.path / BASELINE) == (254, 254, 254)


def test_none_is_the_default_spelled_out(screen: pytest.Pytester) -> None:
    run(screen, "--orgo-update-snapshots=none").assert_outcomes(failed=1)
    assert not (screen.path / BASELINE).exists()


def test_an_unknown_mode_is_a_usage_error_naming_the_choices(screen: pytest.Pytester) -> None:
    result = run(screen, "--orgo-update-snapshots=sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*takes one of none, missing, changed, all, got 'sometimes'*"])


def test_a_path_after_the_bare_flag_is_a_test_path_not_a_mode(
    screen: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen.makepyfile(test_other="def test_not_selected():\n    assert False\n")
    result = run(screen, "--orgo-update-snapshots", "test_screen.py")
    result.assert_outcomes(passed=1)  # test_other.py was not collected: the path counted
    assert colour_of(screen.path / BASELINE) == (255, 255, 255)
    recolour(monkeypatch, "black")
    result = run(screen, "--orgo-update-snapshots", "test_screen.py::test_shot", "-q")
    result.assert_outcomes(passed=1)  # the bare flag's mode: changed
    assert colour_of(screen.path / BASELINE) == (0, 0, 0)


def test_a_mistyped_mode_after_the_bare_flag_is_a_usage_error(screen: pytest.Pytester) -> None:
    result = run(screen, "--orgo-update-snapshots", "sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*takes one of none, missing, changed, all, got 'sometimes'*"])


# -- ini twins ----------------------------------------------------------------------------


def test_the_ini_twin_sets_the_mode_and_the_flag_wins(
    screen: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_ini(screen, orgo_update_snapshots="missing")
    run(screen).assert_outcomes(passed=1)
    assert (screen.path / BASELINE).is_file()
    recolour(monkeypatch, "black")
    write_ini(screen, orgo_update_snapshots="all")
    run(screen, "--orgo-update-snapshots=none").assert_outcomes(failed=1)
    assert colour_of(screen.path / BASELINE) == (255, 255, 255)
    run(screen).assert_outcomes(passed=1)
    assert colour_of(screen.path / BASELINE) == (0, 0, 0)


def test_an_invalid_ini_mode_is_a_usage_error(screen: pytest.Pytester) -> None:
    write_ini(screen, orgo_update_snapshots="yes please")
    result = run(screen)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ini option orgo_update_snapshots takes one of*"])


def test_the_snapshot_dir_ini_renames_the_directory_beside_the_test(
    screen: pytest.Pytester,
) -> None:
    write_ini(screen, orgo_snapshot_dir="screens")
    run(screen, "--orgo-update-snapshots").assert_outcomes(passed=1)
    assert (screen.path / "screens/test_screen/test_shot.png").is_file()
    assert not (screen.path / BASELINE).exists()


def test_an_absolute_snapshot_dir_holds_every_module_by_its_path(
    screen: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    shared = tmp_path_factory.mktemp("shared")
    screen.mkpydir("sub")
    (screen.path / "sub/test_screen.py").write_text(
        (screen.path / "test_screen.py").read_text().replace("test_shot", "test_other")
    )
    write_ini(screen, orgo_snapshot_dir=str(shared))
    run(screen, "--orgo-update-snapshots").assert_outcomes(passed=2)
    found = sorted(str(p.relative_to(shared)) for p in shared.rglob("*.png"))
    assert found == ["sub/test_screen/test_other.png", "test_screen/test_shot.png"]


# -- artifacts ----------------------------------------------------------------------------


def test_orgo_artifacts_collects_failures_in_one_place(
    screen: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(screen, "--orgo-update-snapshots").assert_outcomes(passed=1)
    recolour(monkeypatch, "black")
    result = run(screen, "--orgo-artifacts", "out")
    result.assert_outcomes(failed=1)
    folder = screen.path / "out/test_screen.py-test_shot"
    assert artifact(result.stdout.str(), "diff") == folder / "test_shot-diff.png"
    assert sorted(p.name for p in folder.iterdir()) == [
        "test_shot-actual.png",
        "test_shot-diff.png",
        "test_shot-expected.png",
    ]
    assert colour_of(folder / "test_shot-expected.png") == (255, 255, 255)
    assert colour_of(folder / "test_shot-actual.png") == (0, 0, 0)
    assert colour_of(folder / "test_shot-diff.png") == (255, 0, 0)


def test_the_artifacts_ini_is_relative_to_the_ini_file_and_the_flag_wins(
    screen: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(screen, "--orgo-update-snapshots").assert_outcomes(passed=1)
    recolour(monkeypatch, "black")
    write_ini(screen, orgo_artifacts="from-ini")
    run(screen).assert_outcomes(failed=1)
    assert (screen.path / "from-ini/test_screen.py-test_shot/test_shot-diff.png").is_file()
    run(screen, "--orgo-artifacts=from-flag").assert_outcomes(failed=1)
    assert (screen.path / "from-flag/test_screen.py-test_shot/test_shot-diff.png").is_file()


# -- the fixture from other kinds of tests ------------------------------------------------


def test_async_tests_and_helpers_use_the_running_tests_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_async="""
        import pytest
        from PIL import Image
        from pytest_orgo.snapshots import assert_screenshot

        def check_login_page(colour):  # a helper with no fixture at hand
            assert_screenshot(Image.new("RGB", (8, 8), colour), "login")

        @pytest.mark.asyncio
        async def test_async(orgo_computer, orgo_snapshot):
            orgo_snapshot.assert_screenshot(orgo_computer, stable=2, stable_interval=0)
            check_login_page("navy")

        @pytest.mark.usefixtures("orgo_snapshot")
        def test_helper():
            check_login_page("navy")
        """
    )
    run(pytester, "--orgo-update-snapshots").assert_outcomes(passed=2)
    folder = pytester.path / "__orgo_snapshots__/test_async"
    assert sorted(p.name for p in folder.iterdir()) == [
        "test_async-login.png",
        "test_async.png",
        "test_helper-login.png",
    ]
    run(pytester).assert_outcomes(passed=2)
