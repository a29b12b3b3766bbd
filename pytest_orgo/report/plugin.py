"""The pytest side of the visual review report: collects what the run's screenshot
assertions and helper failures were, and writes ``index.html`` + ``summary.json`` once,
where the whole run is known (the xdist controller, or the only process).

Screenshot assertions ride home from xdist workers with the snapshot summary
(:mod:`pytest_orgo.snapshots.plugin`); helper failures ride in ``workeroutput`` under
their own key. Registered by :mod:`pytest_orgo.plugin` (``SUBPLUGINS``).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_orgo.report.options import add_options, report_dir

WIRE_KEY = "orgo_report"


@dataclass(eq=False)  # registered as a pytest plugin: must stay hashable
class _Collector:
    config: pytest.Config
    directory: Path | None
    helper_failures: list[dict[str, str]] = field(default_factory=list)
    seen: int = 0  # screenshot assertions already looked at by makereport
    page: Path | None = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        from pytest_orgo.snapshots.plugin import STATE_KEY

        state = self.config.stash.get(STATE_KEY, None)
        new = [] if state is None else state.report.assertions[self.seen :]
        self.seen += len(new)
        if not report.failed:
            return report
        failed = [a for a in new if a.status == "failed" and a.nodeid == item.nodeid]
        if failed:
            from pytest_orgo.report.ecosystem import attach

            attach(item, report, failed)
        elif call.excinfo is not None:
            self._helper_failure(item.nodeid, call.excinfo.value)
        return report

    def _helper_failure(self, nodeid: str, error: BaseException) -> None:
        from pytest_orgo.report.failures import helper_of

        helper = helper_of(error)
        if helper is not None:
            self.helper_failures.append(
                {
                    "nodeid": nodeid,
                    "helper": helper,
                    "error": type(error).__name__,
                    "message": str(error),
                }
            )

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        self.helper_failures.extend(getattr(node, "workeroutput", {}).get(WIRE_KEY, ()))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput[WIRE_KEY] = self.helper_failures
            return
        if self.directory is None:
            return
        from pytest_orgo.report.model import HelperFailure
        from pytest_orgo.report.write import write_run
        from pytest_orgo.snapshots.plugin import STATE_KEY

        state = self.config.stash[STATE_KEY]
        self.page = write_run(
            self.directory,
            state.report.assertions,
            (HelperFailure.model_validate(f) for f in self.helper_failures),
            state.unused_baselines(),
            rootdir=self.config.rootpath,
            invocation_dir=self.config.invocation_params.dir,
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.page is not None:
            terminalreporter.write_sep("-", "orgo report")
            terminalreporter.write_line(f"visual review: {self.page}")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_Collector(config, report_dir(config)), "orgo-report-collector")
