"""The fixtures: ``orgo_server``, ``orgo_client``, ``orgo_workspace``, ``orgo_computer``,
``orgo_sdk_computer``, their async twins, and ``orgo_config`` (override it)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_orgo.markers import PER_TEST_SETTINGS, orgo_marker

if TYPE_CHECKING:
    from fake_server import FakeOrgo
    from pytest_orgo.client import AsyncOrgoClient, OrgoClient
    from pytest_orgo.computer import OrgoComputer
    from pytest_orgo.provisioning.pool import Demand, Lease
    from pytest_orgo.run import OrgoRun
    from pytest_orgo.settings import ComputerSpec

# The client, the models and the run are imported inside the fixtures that use them:
# the plugin imports this module on every pytest start, used or not.
RUN_KEY = pytest.StashKey["OrgoRun"]()
CLI_GIVEN_KEY = pytest.StashKey[set[str]]()
"""The ``--orgo-*`` settings given on the command line: they beat markers and orgo_config."""
REPORTS_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()


def orgo_run(config: pytest.Config) -> OrgoRun:
    return config.stash[RUN_KEY]


@pytest.fixture(scope="session")
def orgo_config() -> dict[str, Any]:
    """Override to set defaults for every computer (and ``keep_on_failure``,
    ``provision_timeout``) in a directory: markers and flags still win."""
    return {}


def test_settings(
    request: pytest.FixtureRequest, orgo_config: dict[str, Any]
) -> tuple[ComputerSpec, dict[str, Any]]:
    """This test's computer spec and per-test settings.

    Precedence: flag > marker > orgo_config > ini > default."""
    from pytest_orgo.settings import parse_spec

    run = orgo_run(request.config)
    where = f"orgo_config fixture (used by {request.node.nodeid})"
    config_spec = {k: v for k, v in orgo_config.items() if k not in PER_TEST_SETTINGS}
    spec = parse_spec(config_spec, where=where)
    marker = orgo_marker(request.node)
    per_test = {name: getattr(run.settings, name) for name in PER_TEST_SETTINGS}
    for name in PER_TEST_SETTINGS:
        if _given_on_command_line(request.config, name):
            continue
        if name in marker.per_test:
            per_test[name] = marker.per_test[name]
        elif name in orgo_config:
            per_test[name] = orgo_config[name]
    spec = spec.merged(parse_spec(marker.spec, where=request.node.nodeid))
    return spec, per_test


def _given_on_command_line(config: pytest.Config, name: str) -> bool:
    return name in config.stash.get(CLI_GIVEN_KEY, set())


@pytest.fixture(scope="session")
def orgo_server(request: pytest.FixtureRequest) -> FakeOrgo:
    """The bundled fake on loopback, with its control surface (fake mode only)."""
    run = orgo_run(request.config)
    if run.live:
        pytest.skip("orgo_server is the bundled fake, and this run uses the live Orgo API (--orgo)")
    return run.served_fake


@pytest.fixture(scope="session")
def orgo_client(request: pytest.FixtureRequest) -> OrgoClient:
    """The typed client, bound to the fake (in memory) or to the live API."""
    return orgo_run(request.config).client


@pytest.fixture
def orgo_async_client(request: pytest.FixtureRequest) -> Iterator[AsyncOrgoClient]:
    """The async twin of ``orgo_client``, for pytest-asyncio and anyio tests."""
    from pytest_orgo.client import AsyncOrgoClient

    run = orgo_run(request.config)
    transport = None if run.live else run.fake.transport()
    client = AsyncOrgoClient(run.api_key, base_url=run.base_url, transport=transport)
    yield client
    _close_async(client)


def _close_async(client: AsyncOrgoClient) -> None:
    import asyncio

    # RuntimeError: a loop is running in this thread (anyio/asyncio teardown); nothing to do
    with contextlib.suppress(RuntimeError):
        asyncio.run(client.aclose())


@pytest.fixture(scope="session")
def orgo_workspace(request: pytest.FixtureRequest) -> str:
    """The id of this run's workspace (one per xdist worker), deleted at the end."""
    return orgo_run(request.config).workspace_id


COMPUTER_FIXTURES = ("orgo_computer", "orgo_async_computer", "orgo_sdk_computer")


def _scope_of(item: pytest.Item, default: str) -> str:
    return str(orgo_marker(item).per_test.get("scope", default))


def _demand(session: pytest.Session, run: OrgoRun) -> Demand:
    from pytest_orgo.provisioning.pool import Demand

    if run.demand is None:
        keys: list[tuple[str, str] | None] = []
        for item in session.items:
            if not set(COMPUTER_FIXTURES) & set(getattr(item, "fixturenames", ())):
                keys.append(None)
                continue
            scope = _scope_of(item, run.settings.scope)
            node: pytest.Item | pytest.Collector | None = (
                item.getparent(pytest.Class) if scope == "class" else None
            )
            if scope in ("class", "module") and node is None:
                node = item.getparent(pytest.Module)
            owner = "" if scope == "session" else (node or item).nodeid
            keys.append((scope, item.nodeid if scope == "function" else owner))
        run.demand = Demand(keys)
        run.item_index = {item.nodeid: index for index, item in enumerate(session.items)}
    return run.demand


def _upcoming(request: pytest.FixtureRequest, run: OrgoRun) -> int:
    """How many more computers this process's later tests will want (for the pool)."""
    if run.settings.pool <= 0:
        return 0
    demand = _demand(request.session, run)
    return demand.after(run.item_index.get(request.node.nodeid, len(request.session.items)))


def prewarm_pool(session: pytest.Session) -> None:
    """With --orgo-pool, start warming computers for the first tests as soon as they are
    collected. Only for the plain case: the first test's spec comes from its markers,
    so a directory that overrides ``orgo_config`` waits for its first test instead."""
    run = orgo_run(session.config)
    if run.settings.pool <= 0 or session.config.option.collectonly or session.testsfailed:
        return  # nothing will run: warm nothing
    first = next(
        (i for i in session.items if set(COMPUTER_FIXTURES) & set(getattr(i, "fixturenames", ()))),
        None,
    )
    if first is None or not isinstance(first, pytest.Function):
        return
    definitions = first._fixtureinfo.name2fixturedefs.get("orgo_config", ())
    if any(definition.baseid for definition in definitions):
        return
    from pytest_orgo.settings import parse_spec

    try:
        spec = parse_spec(orgo_marker(first).spec, where=first.nodeid)
    except ValueError:
        return  # reported by collection
    if spec.name is None:
        run.computers.prewarm(spec, _demand(session, run).after(-1))


def _owner(request: pytest.FixtureRequest) -> str:
    return str(request.node.nodeid).split("::", 1)[0]


def _unprovisioned(request: pytest.FixtureRequest, exc: Exception) -> None:
    from pytest_orgo.provisioning.budget import BudgetExceeded
    from pytest_orgo.provisioning.provisioner import ProvisioningError

    if not isinstance(exc, ProvisioningError | BudgetExceeded):
        raise exc
    pytest.fail(f"orgo_computer for {request.node.nodeid}: {exc}", pytrace=False)


def _lease(
    request: pytest.FixtureRequest, run: OrgoRun, spec: ComputerSpec, timeout: float
) -> Lease:
    from pytest_orgo.run import computer_name

    name = spec.name or computer_name(request.node.nodeid)
    try:
        return run.computers.lease(spec, name, timeout, _owner(request), _upcoming(request, run))
    except Exception as exc:
        _unprovisioned(request, exc)
        raise


PER_TEST_COMPUTERS = ("orgo_computer", "orgo_async_computer")
"""The fixtures that each hold a computer of their own (``orgo_sdk_computer`` wraps
``orgo_computer``'s)."""
TOGETHER_KEY = pytest.StashKey[list["Lease"]]()
"""The computers leased together with a test's first one, for its other fixtures."""


def _lease_for_test(
    request: pytest.FixtureRequest, run: OrgoRun, spec: ComputerSpec, timeout: float
) -> tuple[Lease, bool]:
    """This fixture's computer, and whether this fixture leased a test's several.

    A test that uses several computers gets them all at once, or none (see
    ``Computers.lease_together``): holding one while waiting on the plan limit for the
    next is how two runs sharing an account deadlock."""
    from pytest_orgo.run import computer_name

    item = request.node
    wanted = [n for n in PER_TEST_COMPUTERS if n in getattr(item, "fixturenames", ())]
    owner, upcoming = _owner(request), _upcoming(request, run)
    try:
        if len(wanted) > 1 and TOGETHER_KEY not in item.stash:
            names = [spec.name or computer_name(item.nodeid) for _ in wanted]
            first, *rest = run.computers.lease_together(spec, names, timeout, owner, upcoming)
            item.stash[TOGETHER_KEY] = rest
            return first, True
        if item.stash.get(TOGETHER_KEY, []):
            return item.stash[TOGETHER_KEY].pop(0), False
        name = spec.name or computer_name(item.nodeid)
        return run.computers.lease(spec, name, timeout, owner, upcoming), False
    except Exception as exc:
        _unprovisioned(request, exc)
        raise


def _provision(
    request: pytest.FixtureRequest, orgo_config: dict[str, Any]
) -> Iterator[OrgoComputer]:
    run = orgo_run(request.config)
    spec, per_test = test_settings(request, orgo_config)
    timeout = float(per_test["provision_timeout"])
    scope = str(per_test["scope"])
    if scope != "function":
        yield from _provision_shared(request, run, spec, per_test, timeout)
        return
    lease, leased_several = _lease_for_test(request, run, spec, timeout)
    try:
        # a test's failure is in its report, not raised here
        with run.holding(lease, keep_on_failure=False) as computer:
            yield computer
            if per_test["keep_on_failure"] and _failed(request):
                computer.keep = True
                command = run.provisioner.delete_command("computers", computer.id)
                request.node.add_report_section(
                    "teardown",
                    "orgo",
                    f"kept computer {computer.id} running (--orgo-keep-on-failure); "
                    f"delete it with:\n  {command}",
                )
    finally:
        # torn down last: a computer leased with this one that no fixture took (the
        # test's setup failed in between) is given back here
        for unclaimed in request.node.stash.get(TOGETHER_KEY, []) if leased_several else []:
            run.computers.give_back(unclaimed)
        if leased_several:
            del request.node.stash[TOGETHER_KEY]


def _provision_shared(
    request: pytest.FixtureRequest,
    run: OrgoRun,
    spec: ComputerSpec,
    per_test: dict[str, Any],
    timeout: float,
) -> Iterator[OrgoComputer]:
    """A computer shared by the test's class, module or session (see provisioning.scope)."""
    entry = run.shared.get(
        request,
        str(per_test["scope"]),
        spec,
        lambda: _lease(request, run, spec, timeout),
        None if run.live else run.fake,
    )
    computer_id = entry.lease.info.id
    if entry.uses:  # not the first test on it: reset what can be reset
        if entry.checkpoint is not None:
            run.fake.restore(entry.checkpoint)
        elif run.live:
            run.provisioner.ensure_running(computer_id, timeout)
    entry.uses += 1
    computer = run.bind(run.provisioner.client.get_computer(computer_id))
    try:
        yield computer
    finally:
        computer.close()
    if _failed(request):
        entry.failed = True
        if per_test["keep_on_failure"]:
            entry.keep = True
            command = run.provisioner.delete_command("computers", computer_id)
            request.node.add_report_section(
                "teardown",
                "orgo",
                f"computer {computer_id} (shared by this {entry.scope}) will be kept running "
                f"when the {entry.scope} ends (--orgo-keep-on-failure); delete it with:\n"
                f"  {command}",
            )


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(REPORTS_KEY, {})
    return any(report.failed for report in reports.values())


@pytest.fixture
def orgo_computer(
    request: pytest.FixtureRequest, orgo_config: dict[str, Any]
) -> Iterator[OrgoComputer]:
    """A running computer for this test, deleted after it. Configure it with
    ``@pytest.mark.orgo(ram=..., cpu=..., resolution=..., os=..., template=...,
    disk_size_gb=...)``."""
    yield from _provision(request, orgo_config)


@pytest.fixture
def orgo_async_computer(
    request: pytest.FixtureRequest, orgo_config: dict[str, Any]
) -> Iterator[OrgoComputer]:
    """``orgo_computer`` with an ``async_client`` for async tests (provisioning is sync,
    so it works under pytest-asyncio and anyio alike)."""
    from pytest_orgo.client import AsyncOrgoClient

    run = orgo_run(request.config)
    for computer in _provision(request, orgo_config):
        transport = None if run.live else run.fake.transport()
        computer.async_client = AsyncOrgoClient(
            run.api_key, base_url=run.base_url, transport=transport
        )
        yield computer
        _close_async(computer.async_client)


@pytest.fixture
def orgo_sdk_computer(orgo_computer: OrgoComputer, request: pytest.FixtureRequest) -> Any:
    """The official SDK's ``orgo.Computer`` bound to this test's computer."""
    if sys.version_info < (3, 12):
        pytest.skip(
            "the official orgo SDK imports only on Python >= 3.12 "
            "(its prompt.py needs 3.12 f-strings)"
        )
    orgo = pytest.importorskip(
        "orgo", reason="the official orgo SDK is not installed (pip install orgo)"
    )
    run = orgo_run(request.config)
    base_url = (
        run.settings.base_url if run.live else None
    )  # fake mode: the SDK's own default, routed
    return orgo.Computer(
        computer_id=orgo_computer.id, api_key=run.api_key, base_api_url=base_url, verbose=False
    )
