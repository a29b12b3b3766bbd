"""Visual regression against the bundled fake: drive a desktop into a state, compare the
screen with its baseline under ``__orgo_snapshots__/test_visual/``.

The baselines are committed; after an intended change to what the desktop shows, review
and refresh them with ``pytest examples/visual --orgo-update-snapshots`` (only those that
differ are rewritten). A failure names the command, and leaves expected, actual and diff
images in the test's ``tmp_path`` (or ``--orgo-artifacts DIR``).

They show the fake's rendering, so they are for fake-mode runs: a live desktop
(``--orgo``) looks different.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from examples.visual.login_screen import NotesApp
from pytest_orgo.computer import OrgoComputer
from pytest_orgo.snapshots import OrgoSnapshot


def test_a_fresh_desktop(orgo_computer: OrgoComputer, orgo_snapshot: OrgoSnapshot) -> None:
    orgo_snapshot.assert_screenshot(orgo_computer)


def test_typed_notes(orgo_computer: OrgoComputer, orgo_snapshot: OrgoSnapshot) -> None:
    NotesApp(orgo_computer).write("Release checklist\n- baselines reviewed\n- diff is empty")
    orgo_snapshot.assert_screenshot(orgo_computer)


def test_selected_text_and_a_page_object(
    orgo_computer: OrgoComputer, orgo_snapshot: OrgoSnapshot
) -> None:
    notes = NotesApp(orgo_computer).write("select me")
    notes.looks_right("typed")
    notes.select_all().looks_right("selected")


def test_a_terminal_with_its_clock_masked(
    orgo_computer: OrgoComputer, orgo_snapshot: OrgoSnapshot
) -> None:
    """The second line shows the time of the run, so it differs from the baseline's on
    every run but the one that wrote it: masked, it is not compared."""
    assert orgo_computer.desktop is not None  # the fake's handle: open a window directly
    now = datetime.now(UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    orgo_computer.desktop.open_window("Terminal", f"$ date\n{now}")
    clock_line = (80, 120, 700, 18)  # x, y, width, height
    orgo_snapshot.assert_screenshot(orgo_computer, mask=[clock_line])


@pytest.mark.orgo(resolution="1024x768x24")
def test_a_smaller_screen(orgo_computer: OrgoComputer, orgo_snapshot: OrgoSnapshot) -> None:
    orgo_snapshot.assert_screenshot(orgo_computer)
