"""The whole story against the bundled fake, as a user lives it: create a baseline with
the flag, pass unchanged, fail after typing into the editor (with the three artifacts),
pass again with the changed region masked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.snapshots.conftest import RED, artifact, box_of, pixels, run

EDITOR_TEST = """
    import os
    from pathlib import Path

    def test_editor(orgo_computer, orgo_snapshot):
        if os.environ.get("TYPE_TEXT"):
            orgo_computer.desktop.type_text(os.environ["TYPE_TEXT"])
        Path("current.png").write_bytes(orgo_computer.screenshot_png())
        mask = [tuple(map(int, os.environ["MASK"].split(",")))] if os.environ.get("MASK") else []
        orgo_snapshot.assert_screenshot(orgo_computer, mask=mask)
"""
BASELINE = Path("__orgo_snapshots__/test_editor/test_editor.png")


@pytest.fixture
def editor(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_editor=EDITOR_TEST)
    return pytester


def test_a_baseline_is_created_with_the_flag_and_then_passes(editor: pytest.Pytester) -> None:
    created = run(editor, "--orgo-update-snapshots=missing")
    created.assert_outcomes(passed=1)
    baseline = editor.path / BASELINE
    assert baseline.read_bytes() == (editor.path / "current.png").read_bytes()
    created.stdout.fnmatch_lines(
        ["*orgo snapshots*", "1 baseline written:", "*test_editor.png (new)"]
    )

    again = run(editor)
    again.assert_outcomes(passed=1)
    assert baseline.read_bytes() == (editor.path / "current.png").read_bytes()
    again.stdout.no_fnmatch_line("*orgo snapshots*")


def test_typing_fails_with_expected_actual_and_diff(
    editor: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(editor, "--orgo-update-snapshots=missing").assert_outcomes(passed=1)
    baseline = (editor.path / BASELINE).read_bytes()

    monkeypatch.setenv("TYPE_TEXT", "x")
    failed = run(editor)
    failed.assert_outcomes(failed=1)
    output = failed.stdout.str()
    assert "screenshot test_editor does not match its baseline" in output
    assert "pytest test_editor.py::test_editor --orgo-update-snapshots=changed" in output

    expected = pixels(artifact(output, "expected"))
    actual = pixels(artifact(output, "actual"))
    diff = pixels(artifact(output, "diff"))
    assert np.array_equal(expected, pixels(baseline))
    assert artifact(output, "actual").read_bytes() == (editor.path / "current.png").read_bytes()
    assert artifact(output, "actual").parent == artifact(output, "diff").parent
    assert artifact(output, "diff").parent.name == "test_editor0"  # the inner test's tmp_path

    changed = (expected != actual).any(axis=2)
    red = (diff == RED).all(axis=2)
    assert red.any()
    assert not (red & ~changed).any(), "red only where the screenshot changed"
    _, _, width, height = box_of(changed)
    assert width < 40 and height < 40, "typing one character repaints a small region"
    rest = diff[~red]
    assert (rest[:, 0] == rest[:, 1]).all() and (rest[:, 1] == rest[:, 2]).all(), "grey elsewhere"
    assert rest.min() > 150, "the grey copy is faded"
    assert baseline == (editor.path / BASELINE).read_bytes(), "a failure writes no baseline"


def test_masking_the_changed_region_passes_again(
    editor: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(editor, "--orgo-update-snapshots=missing").assert_outcomes(passed=1)
    monkeypatch.setenv("TYPE_TEXT", "x")
    failed = run(editor)
    failed.assert_outcomes(failed=1)
    red = (pixels(artifact(failed.stdout.str(), "diff")) == RED).all(axis=2)
    region = box_of(red)
    failed.stdout.fnmatch_lines([f"*mask it: mask=[[]{region}[]]*"])  # the suggestion...

    monkeypatch.setenv("MASK", ",".join(map(str, region)))
    run(editor).assert_outcomes(passed=1)  # ...works
    monkeypatch.setenv("TYPE_TEXT", "xyz")  # more than the masked region changes now
    run(editor).assert_outcomes(failed=1)


def test_the_example_suite_passes_against_its_committed_baselines(
    pytester: pytest.Pytester,
) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples/visual"
    baselines = sorted(examples.glob("__orgo_snapshots__/test_visual/*.png"))
    assert len(baselines) == 6
    result = run(pytester, str(examples))
    result.assert_outcomes(passed=5)
    result.stdout.no_fnmatch_line("*orgo snapshots*")  # nothing written, failed or unused
