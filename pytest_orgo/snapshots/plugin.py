"""The pytest side of screenshot snapshots: flags and ini options, the ``orgo_snapshot``
fixture, the bookkeeping hooks and the ``orgo snapshots`` terminal summary.

Registered by :mod:`pytest_orgo.plugin` (``SUBPLUGINS``). Imports stay light here:
numpy, Pillow and imagehash load when a test first asks for ``orgo_snapshot``, not in
every pytest run that merely has the plugin installed.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_orgo.report.options import IMAGES, report_dir
from pytest_orgo.snapshots.orphans import orphaned
from pytest_orgo.snapshots.report import WIRE_KEY, SnapshotReport, summary_lines
from pytest_orgo.snapshots.store import (
    BARE_FLAG_MODE,
    DEFAULT_DIR,
    MODE_HELP,
    UPDATE_FLAG,
    UpdateMode,
    module_dir,
    parse_mode,
    safe_name,
)

if TYPE_CHECKING:
    from pytest_orgo.snapshots.assertion import OrgoSnapshot, SnapshotSettings


@dataclass(eq=False)  # registered as a pytest plugin: must stay hashable
class _State:
    """One run's snapshot settings and report, registered as a plugin of its own so its
    hooks reach this config's report (pytester runs a pytest inside a pytest)."""

    config: pytest.Config
    mode: UpdateMode
    snapshot_dir: str
    artifacts: Path | None
    report: SnapshotReport

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.report.collect((item.path, item.nodeid) for item in session.items)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.report.deselect(item.path for item in items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Which tests passed (the xdist controller sees its workers' reports here too)."""
        if report.when == "call" and report.passed:
            self.report.passed.add(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput[WIRE_KEY] = self.report.to_wire()

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """xdist controller: fold each worker's baselines and outcomes into one report."""
        wire = getattr(node, "workeroutput", {}).get(WIRE_KEY)
        if wire is not None:
            self.report.merge(wire)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workeroutput"):
            return
        lines = summary_lines(
            self.report, self.unused_baselines(), self.config.invocation_params.dir
        )
        if not lines:
            return
        terminalreporter.write_sep("-", "orgo snapshots")
        for line in lines:
            terminalreporter.write_line(line)

    def directory_of(self, test_file: Path) -> Path:
        return module_dir(test_file, self.snapshot_dir, self.config.rootpath)

    def unused_baselines(self) -> list[Path]:
        """Baselines no test asserted, said only where certain: in modules that ran whole
        and passed, and (a whole run only) under test modules that no longer exist."""
        if _narrowed(self.config):
            return []
        partial = _partial_files(self.config)
        found = self.report.unused(self.directory_of, partial)
        if not partial and not self.report.incomplete:
            looked_in = {Path(path).parent for path in self.report.collected}
            looked_in.update(_argument_dirs(self.config))
            found.extend(orphaned(looked_in, self.snapshot_dir, self.config.rootpath))
        return sorted(set(found))


STATE_KEY = pytest.StashKey[_State]()


PATHS_DEST = "orgo_update_snapshots_paths"


class _UpdateAction(argparse.Action):
    """``--orgo-update-snapshots`` alone means the default mode, ``=MODE`` picks one, and
    a word after the bare flag that is not a mode is a test path, not a bad mode: argparse
    cannot give it back to the positionals, so it is kept aside and added to the run's
    arguments in ``pytest_configure``. ``--orgo-update-snapshots=bogus`` is a usage error."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if values is None:
            setattr(namespace, self.dest, BARE_FLAG_MODE)
            return
        try:
            setattr(namespace, self.dest, parse_mode(str(values)))
        except ValueError as exc:
            if option_string is not None and "=" not in str(values) and _looks_like_path(values):
                setattr(namespace, self.dest, BARE_FLAG_MODE)
                earlier = getattr(namespace, PATHS_DEST, None) or []
                setattr(namespace, PATHS_DEST, [*earlier, values])
                return
            raise argparse.ArgumentError(self, str(exc)) from None


def _looks_like_path(value: str) -> bool:
    """A test path or node id rather than a mistyped mode."""
    return any(c in value for c in "/\\.:[") or Path(value).exists()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("orgo-snapshots", "Orgo screenshot snapshots (pytest-orgo)")
    group.addoption(
        UPDATE_FLAG,
        nargs="?",
        default=None,
        action=_UpdateAction,
        dest="orgo_update_snapshots",
        metavar="MODE",
        help=f"write screenshot baselines; MODE (default {BARE_FLAG_MODE}): {MODE_HELP}",
    )
    group.addoption(
        "--orgo-artifacts",
        default=None,
        dest="orgo_artifacts",
        metavar="DIR",
        help="write a failed screenshot's expected, actual and diff images here "
        "(default: the test's tmp_path)",
    )
    parser.addini(
        "orgo_snapshot_dir",
        help="screenshot baselines directory: relative, beside each test file; absolute, "
        f"one tree for all (default: {DEFAULT_DIR})",
        default=DEFAULT_DIR,
    )
    parser.addini(
        "orgo_update_snapshots",
        help=f"like {UPDATE_FLAG} (the flag wins): none, missing, changed or all",
        default="none",
    )
    parser.addini(
        "orgo_artifacts",
        help="like --orgo-artifacts (the flag wins), relative to the ini file",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    swallowed = getattr(config.option, PATHS_DEST, None)
    if swallowed:  # ``--orgo-update-snapshots test_x.py``: the path is a test path
        given = config.args if config.args_source == pytest.Config.ArgsSource.ARGS else []
        config.args = [*given, *swallowed]
        config.args_source = pytest.Config.ArgsSource.ARGS
    mode = config.getoption("orgo_update_snapshots")
    if mode is None:
        try:
            mode = parse_mode(
                str(config.getini("orgo_update_snapshots")),
                where="ini option orgo_update_snapshots",
            )
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
    artifacts: Path | None = None
    flag = config.getoption("orgo_artifacts")
    ini = str(config.getini("orgo_artifacts") or "")
    if flag:
        artifacts = Path(config.invocation_params.dir, flag).resolve()
    elif ini:
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        artifacts = Path(base, ini).resolve()
    elif (report := report_dir(config)) is not None:
        artifacts = report / IMAGES  # the visual report then needs no copies
    snapshot_dir = str(config.getini("orgo_snapshot_dir") or DEFAULT_DIR)
    state = _State(config, mode, snapshot_dir, artifacts, SnapshotReport())
    config.stash[STATE_KEY] = state
    config.pluginmanager.register(state, "orgo-snapshots-state")


def _settings(config: pytest.Config) -> SnapshotSettings:
    from pytest_orgo.snapshots.assertion import SnapshotSettings

    state = config.stash[STATE_KEY]
    return SnapshotSettings(
        mode=state.mode,
        snapshot_dir=state.snapshot_dir,
        artifacts=state.artifacts,
        rootpath=config.rootpath,
        invocation_dir=config.invocation_params.dir,
    )


@pytest.fixture
def orgo_snapshot(request: pytest.FixtureRequest) -> Iterator[OrgoSnapshot]:
    """Screenshot baselines for this test, as syrupy's ``snapshot`` is for values:
    ``orgo_snapshot.assert_screenshot(orgo_computer)`` compares the screen with
    ``__orgo_snapshots__/<module>/<test>.png``; ``--orgo-update-snapshots`` writes it."""
    from pytest_orgo.snapshots.assertion import OrgoSnapshot, activate

    node = request.node

    def artifacts_dir() -> Path:
        try:
            return Path(request.getfixturevalue("tmp_path"))
        except Exception:  # e.g. asked from a finalizer, after fixtures can be requested
            factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
            return factory.mktemp(safe_name(node.name)[:30], numbered=True)

    snapshot = OrgoSnapshot(
        nodeid=node.nodeid,
        test_file=Path(node.path),
        settings=_settings(request.config),
        report=request.config.stash[STATE_KEY].report,
        artifacts_dir=artifacts_dir,
    )
    deactivate = activate(snapshot)
    try:
        yield snapshot
    finally:
        deactivate()


def _narrowed(config: pytest.Config) -> bool:
    """``--lf`` and ``--sw`` drop tests inside a module while it is collected, without
    reporting them deselected: such a run cannot tell an unused baseline from one whose
    test just did not run."""
    return any(config.getoption(name, False) for name in ("lf", "stepwise", "stepwise_skip"))


def _partial_files(config: pytest.Config) -> set[str]:
    """Test files named with ``::`` on the command line: only some of their tests ran."""
    partial = set()
    for arg in config.args:
        if "::" in arg:
            part = arg.split("::", 1)[0]
            partial.add(os.path.abspath(Path(config.invocation_params.dir, part)))
    return partial


def _argument_dirs(config: pytest.Config) -> set[Path]:
    """Directories named on the command line (or by ``testpaths``): a folder whose every
    test module was deleted has no collected file left to lead to it."""
    found = set()
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::", 1)[0])
        if path.is_dir():
            found.add(path.resolve())
    return found
