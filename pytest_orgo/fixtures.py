"""The fixtures: ``orgo_server``, ``orgo_client``, ``orgo_workspace``, ``orgo_computer``,
``orgo_sdk_computer``, their async twins, and ``orgo_config`` (override it)."""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fake_server import FakeOrgo
    from pytest_orgo.client import AsyncOrgoClient, OrgoClient
    from pytest_orgo.computer import OrgoComputer
    from pytest_orgo.session import OrgoRun
    from pytest_orgo.settings import ComputerSpec

# The client, the models and the run are imported inside the fixtures that use them:
# the plugin imports this module on every pytest start, used or not.
RUN_KEY = pytest.StashKey["OrgoRun"]()
REPORTS_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()
PER_TEST_SETTINGS = ("keep_on_failure", "provision_timeout")


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
    marker_values: dict[str, Any] = {}
    for mark in reversed(list(request.node.iter_markers("orgo"))):  # closest mark last: it wins
        marker_values.update(mark.kwargs)
    per_test = {name: getattr(run.settings, name) for name in PER_TEST_SETTINGS}
    for name in PER_TEST_SETTINGS:
        if name in orgo_config and not _given_on_command_line(request.config, name):
            per_test[name] = orgo_config[name]
        if name in marker_values:
            value = marker_values.pop(name)
            if not _given_on_command_line(request.config, name):
                per_test[name] = value
    spec = spec.merged(parse_spec(marker_values, where=request.node.nodeid))
    return spec, per_test


def _given_on_command_line(config: pytest.Config, name: str) -> bool:
    from pytest_orgo.plugin import CLI_GIVEN_KEY

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
    import contextlib

    # RuntimeError: a loop is running in this thread (anyio/asyncio teardown); nothing to do
    with contextlib.suppress(RuntimeError):
        asyncio.run(client.aclose())


@pytest.fixture(scope="session")
def orgo_workspace(request: pytest.FixtureRequest) -> str:
    """The id of this run's workspace (one per xdist worker), deleted at the end."""
    return orgo_run(request.config).workspace_id


def _computer_name(nodeid: str) -> str:
    base = re.sub(r"[^A-Za-z0-9-]+", "-", nodeid.rsplit("::", 1)[-1]).strip("-")[:40] or "test"
    return f"{base}-{uuid.uuid4().hex[:6]}"


def _provision(
    request: pytest.FixtureRequest, orgo_config: dict[str, Any]
) -> Iterator[OrgoComputer]:
    from pytest_orgo.computer import OrgoComputer
    from pytest_orgo.provision import ProvisioningError

    run = orgo_run(request.config)
    spec, per_test = test_settings(request, orgo_config)
    timeout = float(per_test["provision_timeout"])
    name = spec.name or _computer_name(request.node.nodeid)
    holding = run.slots.hold(timeout) if run.slots is not None else None
    if holding is not None:
        holding.__enter__()
    try:
        try:
            info = run.provisioner.create_computer(run.workspace_id, name, spec, timeout)
        except ProvisioningError as exc:
            pytest.fail(f"orgo_computer for {request.node.nodeid}: {exc}", pytrace=False)
        computer = OrgoComputer(
            info=info,
            client=run.client,
            origin=lambda: run.ws_origin,
            workspace_id=run.workspace_id,
            desktop=None if run.live else run.fake.desktop(info.id),
        )
        try:
            yield computer
        finally:
            computer.close()  # the events/audio/terminal helpers the test opened
        if per_test["keep_on_failure"] and _failed(request):
            run.registry.keep(computer.id)
            command = run.provisioner.delete_command("computers", computer.id)
            request.node.add_report_section(
                "teardown",
                "orgo",
                f"kept computer {computer.id} running (--orgo-keep-on-failure); "
                f"delete it with:\n  {command}",
            )
        else:
            run.provisioner.delete_computer(computer.id)
    finally:
        if holding is not None:
            holding.__exit__(None, None, None)


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
