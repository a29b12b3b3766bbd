"""The contract suite: what the fake promises about the Orgo API, checkable anywhere.

By default the checks run against the bundled fake (in memory); with ``--orgo`` they
run against the live API (``ORGO_API_KEY``, ``--orgo-base-url`` for another endpoint),
so whoever has a key can measure the fake's drift from the real service::

    pytest tests/contract --orgo --orgo-contract-report drift.json

The report (``--orgo-contract-report``, by default ``contract-report.json`` in pytest's
temporary directory, printed at the end) lists every check with its outcome and every
request it made with the status and body it saw. Live runs stay cheap: one workspace
for the run, deleted at the end (which deletes its computers), one computer for the
lifecycle checks and one shared by the action and file checks.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_orgo.fixtures import orgo_run
from tests.contract.contract_support import (
    Check,
    ContractClient,
    Recorder,
    new_computer,
    success_body,
)

RECORDER_KEY = pytest.StashKey[Recorder]()
CHECK_KEY = pytest.StashKey[Check]()
REPORT_OPTION = "orgo_contract_report"
SELF_TEST = "test_contract_suite_modes.py"  # runs the suite in a subprocess: fake mode only


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("orgo").addoption(
        "--orgo-contract-report",
        dest=REPORT_OPTION,
        default=None,
        metavar="PATH",
        help="where the contract suite writes its JSON report of what it observed "
        "(default: contract-report.json in pytest's temporary directory)",
    )


def recorder(config: pytest.Config) -> Recorder:
    found = config.stash.get(RECORDER_KEY, None)
    if found is None:
        found = config.stash[RECORDER_KEY] = Recorder()
    return found


def report_path(config: pytest.Config) -> Path:
    given = config.getoption(REPORT_OPTION, default=None)
    if given:
        return Path(given)
    base = Path(config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return base / (f"contract-report.{worker}.json" if worker else "contract-report.json")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Live runs measure the live API only: the suite's self-test (which starts a local
    fake) is deselected there, not skipped."""
    if not orgo_run(config).live:
        return
    kept = [item for item in items if item.path.name != SELF_TEST]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i.path.name == SELF_TEST])
        items[:] = kept


def _is_contract(item: pytest.Item) -> bool:
    return Path(__file__).parent in item.path.parents and item.path.name != SELF_TEST


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _is_contract(item):
        item.stash[CHECK_KEY] = recorder(item.config).begin(item.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report: pytest.TestReport = yield
    check = item.stash.get(CHECK_KEY, None)
    if check is None:
        return report
    if report.failed and check.outcome == "running":  # the first failure is the news
        message = str(call.excinfo.value) if call.excinfo is not None else report.longreprtext
        check.outcome = "failed" if report.when == "call" else "error"
        check.message = message[:2000]
    if report.when == "teardown":  # teardown exchanges (deletes) still belong to it
        recorder(item.config).end(check, "passed")
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    rec = session.config.stash.get(RECORDER_KEY, None)
    if rec is None or not rec.checks:
        return
    run = orgo_run(session.config)
    path = report_path(session.config)
    path.parent.mkdir(parents=True, exist_ok=True)
    report = rec.report(
        mode="live" if run.live else "fake",
        base_url=run.base_url,
        finished_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    rec = config.stash.get(RECORDER_KEY, None)
    if rec is None or not rec.checks:
        return
    counts = rec.report()["summary"]
    terminalreporter.write_sep("-", "orgo contract")
    terminalreporter.write_line(
        f"contract report ({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))}): "
        f"{report_path(config)}"
    )


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def contract(request: pytest.FixtureRequest) -> Iterator[ContractClient]:
    """Raw, recording httpx aimed where the plugin aims (fake in memory, or live)."""
    run = orgo_run(request.config)
    client = ContractClient(
        recorder(request.config),
        base_url=run.base_url,
        api_key=run.api_key,
        transport=None if run.live else run.fake.transport(),
    )
    yield client
    client.close()


@pytest.fixture(scope="session")
def settle_timeout(request: pytest.FixtureRequest) -> float:
    """How long a computer may take to settle (the plugin's --orgo-provision-timeout)."""
    return float(orgo_run(request.config).settings.provision_timeout)


@pytest.fixture(scope="session")
def workspace(contract: ContractClient) -> Iterator[dict[str, Any]]:
    """This run's workspace; deleting it at the end deletes every computer in it."""
    name = f"pytest-orgo-contract-{uuid.uuid4().hex[:8]}"
    body = success_body(contract.post("/workspaces", json={"name": name}), 201)
    yield body
    with contract.recorder.housekeeping():
        contract.delete(f"/workspaces/{body['id']}")


@pytest.fixture(scope="session")
def shared_computer(
    contract: ContractClient, workspace: dict[str, Any], settle_timeout: float
) -> Iterator[dict[str, Any]]:
    """The one computer the action and file checks share (nothing here stops it)."""
    computer = new_computer(contract, workspace, "shared", settle_timeout)
    yield computer
    with contract.recorder.housekeeping():
        contract.delete(f"/computers/{computer['id']}")
