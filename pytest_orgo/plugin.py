"""The pytest entry point (``pytest11: orgo``): options, markers, hooks. Thin on purpose:
the work is in :mod:`pytest_orgo.run`, :mod:`pytest_orgo.provisioning` and friends."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from pytest_orgo.agent import MARKER_HELP as AGENT_MARKER_HELP
from pytest_orgo.agent import _orgo_agent_marker, orgo_agent  # noqa: F401  (fixtures)
from pytest_orgo.fixtures import (  # noqa: F401  (fixtures are registered by import)
    CLI_GIVEN_KEY,
    REPORTS_KEY,
    RUN_KEY,
    orgo_async_client,
    orgo_async_computer,
    orgo_client,
    orgo_computer,
    orgo_config,
    orgo_run,
    orgo_sdk_computer,
    orgo_server,
    orgo_workspace,
)
from pytest_orgo.markers import orgo_marker
from pytest_orgo.options import OPTIONS, SCOPES, Option, RunSettings

if TYPE_CHECKING:
    from pytest_orgo.run import RunSummary  # noqa: F401  (the stash key's type)

SUMMARY_KEY = pytest.StashKey["RunSummary"]()
MARKER_ERROR_KEY = pytest.StashKey[str]()


# pytest_orgo modules with hooks of their own, registered from pytest_addoption below
SUBPLUGINS: tuple[str, ...] = (
    "pytest_orgo.cassettes.plugin",
    "pytest_orgo.snapshots.plugin",
    "pytest_orgo.report.plugin",
)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    import importlib

    # pytest_addoption is historic: registering the subplugins here still adds their options
    for name in SUBPLUGINS:
        module = importlib.import_module(name)
        if not pluginmanager.is_registered(module):
            pluginmanager.register(module, name)
    group = parser.getgroup("orgo", "Orgo cloud desktops (pytest-orgo)")
    for option in OPTIONS:
        if option.kind == "bool":
            group.addoption(
                option.flag,
                action="store_true",
                default=None,
                dest=f"orgo_{option.name}",
                help=option.help,
            )
        else:
            parse: type[Any] = {"int": int, "float": float, "string": str}[option.kind]
            group.addoption(
                option.flag,
                type=parse,
                default=None,
                dest=f"orgo_{option.name}",
                help=f"{option.help} (default: {option.default})",
            )
        ini_type: Literal["bool", "string"] = "bool" if option.kind == "bool" else "string"
        parser.addini(option.ini, help=option.help, type=ini_type, default=None)


def _resolve(config: pytest.Config, option: Option) -> Any:
    """flag > ini > default (markers and orgo_config act per test, in the fixtures)."""
    given = config.getoption(f"orgo_{option.name}")
    if given is not None:
        config.stash.setdefault(CLI_GIVEN_KEY, set()).add(option.name)
        return given
    ini = config.getini(option.ini)
    if ini in (None, ""):
        return option.default
    if option.kind == "bool":
        return bool(ini)
    try:
        return {"int": int, "float": float, "string": str}[option.kind](ini)
    except ValueError:
        raise pytest.UsageError(
            f"ini option {option.ini} = {ini!r} is not a valid {option.kind}"
        ) from None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "orgo(ram=, cpu=, resolution=, os=, gpu=, template=, disk_size_gb=, auto_stop_minutes=, "
        "name=, keep_on_failure=, provision_timeout=, scope=): the computer orgo_computer "
        "provisions for this test (scope: function, class, module or session)",
    )
    config.addinivalue_line("markers", AGENT_MARKER_HELP)
    config.addinivalue_line(
        "markers", "orgo_live: run this test only against the live Orgo API (--orgo)"
    )
    values = {option.name: _resolve(config, option) for option in OPTIONS}
    settings = RunSettings(**values)
    if settings.max_computers < 1:
        raise pytest.UsageError("--orgo-max-computers must be at least 1")
    if settings.provision_timeout <= 0:
        raise pytest.UsageError("--orgo-provision-timeout must be positive")
    _check_scaling(settings)
    if settings.live and not os.environ.get("ORGO_API_KEY"):
        raise pytest.UsageError(
            "--orgo runs against the live Orgo API and needs an API key: set ORGO_API_KEY "
            "(get one at https://www.orgo.ai/start), or drop --orgo to use the bundled fake"
        )
    from pytest_orgo.run import OrgoRun, RunSummary  # the client, httpx: not at import

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    run = OrgoRun(settings, shared_dir=_shared_dir(config), worker=worker)
    run.install_routing()
    config.stash[RUN_KEY] = run
    config.stash[SUMMARY_KEY] = RunSummary(
        live=settings.live, base_url=run.base_url, max_minutes=settings.max_computer_minutes
    )


def _check_scaling(settings: RunSettings) -> None:
    if settings.scope not in SCOPES:
        raise pytest.UsageError(
            f"--orgo-scope must be one of {', '.join(SCOPES)}, not {settings.scope!r}"
        )
    if settings.pool < 0:
        raise pytest.UsageError("--orgo-pool must be 0 (off) or more")
    if settings.max_computer_minutes < 0:
        raise pytest.UsageError("--orgo-max-computer-minutes must be 0 (no limit) or more")


def _shared_dir(config: pytest.Config) -> Path:
    """A directory every xdist worker of this run shares (for the computer slots)."""
    factory = config._tmp_path_factory  # type: ignore[attr-defined]
    base = Path(factory.getbasetemp())
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(
    collector: pytest.Collector, name: str, obj: object
) -> Generator[None, Any, Any]:
    """An invalid ``@pytest.mark.orgo`` value errors that test alone (at its setup), with
    a message naming the test, the argument and what is allowed; the rest of the module
    still runs, as respx and pytest-recording treat a bad marker."""
    result = yield
    items = result if isinstance(result, list) else [result] if result is not None else []
    for item in items:
        if isinstance(item, pytest.Function):
            problem = marker_problem(item)
            if problem is not None:
                item.stash[MARKER_ERROR_KEY] = problem
    return result


def marker_problem(item: pytest.Function) -> str | None:
    """What is wrong with the test's ``@pytest.mark.orgo`` values, or None."""
    marker = orgo_marker(item)
    if not marker.present:
        return None  # the common case costs no import of the settings model
    if marker.positional:
        return (
            f"{item.nodeid}: @pytest.mark.orgo takes keyword arguments only, "
            f"got {marker.positional!r}"
        )
    from pytest_orgo.settings import InvalidSpec, parse_spec  # pydantic: only with a marker

    try:
        parse_spec(marker.spec, where=item.nodeid)
    except InvalidSpec as exc:
        return str(exc)
    timeout = marker.per_test.get("provision_timeout")
    if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
        return (
            f"{item.nodeid}: invalid orgo settings: provision_timeout={timeout!r} "
            "must be a positive number"
        )
    scope = marker.per_test.get("scope")
    if scope is not None and scope not in SCOPES:
        return f"{item.nodeid}: invalid orgo settings: scope={scope!r} must be one of " + ", ".join(
            SCOPES
        )
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Error a test whose marker is invalid before any fixture provisions for it."""
    problem = item.stash.get(MARKER_ERROR_KEY, None)
    if problem is not None:
        pytest.fail(problem, pytrace=False)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if orgo_run(config).live:
        return
    skip = pytest.mark.skip(reason="needs the live Orgo API: run with --orgo (and ORGO_API_KEY)")
    for item in items:
        if item.get_closest_marker("orgo_live") is not None:
            item.add_marker(skip)


def pytest_collection_finish(session: pytest.Session) -> None:
    from pytest_orgo.fixtures import prewarm_pool

    prewarm_pool(session)  # --orgo-pool: warm computers for the first tests now


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    item.stash.setdefault(REPORTS_KEY, {})[report.when] = report
    return report


def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Faults, limits and lifecycle settings a test set on the shared fake end with it."""
    if "orgo_server" not in getattr(item, "fixturenames", ()):
        return
    run = orgo_run(item.config)
    if not run.live:
        fake = run.fake
        fake.faults.clear()
        fake.set_rate_limit(None)
        fake.set_plan()
        fake.set_lifecycle()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    run = config.stash.get(RUN_KEY, None)
    if run is None:
        return
    result = run.finish()
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["orgo"] = result
    else:
        config.stash[SUMMARY_KEY].add(result)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Runs even when no session did (``--help``, a usage error): never leave routing
    patched or a fake running."""
    run = config.stash.get(RUN_KEY, None)
    if run is not None:
        run.finish()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: add each worker's numbers to the summary."""
    output = getattr(node, "workeroutput", {}).get("orgo")
    if output is not None:
        node.config.stash[SUMMARY_KEY].add(output)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    summary = config.stash.get(SUMMARY_KEY, None)
    if summary is None or (summary.provisioned == 0 and not summary.leftovers):
        return
    terminalreporter.write_sep("-", "orgo")
    terminalreporter.write_line(summary.line())
    for line in summary.file_lines():
        terminalreporter.write_line(line)
    for command in summary.kept:
        terminalreporter.write_line(
            f"kept running (--orgo-keep-on-failure); delete with: {command}"
        )
    if summary.leftovers:
        terminalreporter.write_line("orgo: could not delete these; delete them with:", red=True)
        for command in summary.leftovers:
            terminalreporter.write_line(f"  {command}")
