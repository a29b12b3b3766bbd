"""pytest hooks for cassettes: the option, the marker, the fixtures, the unused report.

* ``@pytest.mark.orgo_cassette(**options)`` (or requesting the ``orgo_cassette`` fixture)
  puts a test under a cassette; options as in :class:`~.config.CassetteConfig`.
* ``--orgo-record-mode`` (ini ``orgo_record_mode``): ``none`` (default), ``once``,
  ``new_episodes``, ``all`` - vcrpy's names and meanings - for every cassette of the run.
* Where: ``orgo_cassette_dir`` fixture (override it, as pytest-recording's
  ``vcr_cassette_dir``), by default ``<test dir>/cassettes/<module>``, or
  ``<ini orgo_cassette_dir>/<module>`` relative to the rootdir; the file is
  ``<test name>.yaml`` (``<Class>.<test>`` in a class), pytest-recording's naming.
* ``orgo_cassette_config`` fixture (override it, as ``vcr_config``): defaults for a module
  or directory. Flag > marker > fixture > ini > default.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_orgo._paths import display
from pytest_orgo.cassettes.config import RECORD_MODES, InvalidCassetteConfig, merge
from pytest_orgo.cassettes.unused import Scope, Usage

if TYPE_CHECKING:
    from pytest_orgo.cassettes.session import CassetteSession

# vcrpy, yaml, the recorder and the player are imported when a test wants a cassette: the
# plugin loads this module on every pytest start.

USAGE_KEY = pytest.StashKey[Usage]()
COMPUTER_FIXTURES = ("orgo_computer", "orgo_async_computer")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("orgo", "Orgo cloud desktops (pytest-orgo)")
    group.addoption(
        "--orgo-record-mode",
        choices=RECORD_MODES,
        default=None,
        dest="orgo_record_mode",
        help="cassettes (@pytest.mark.orgo_cassette): none (replay only, default), once, "
        "new_episodes, all",
    )
    parser.addini("orgo_record_mode", help="default --orgo-record-mode", default=None)
    parser.addini(
        "orgo_cassette_dir",
        help="cassette root, relative to the rootdir (default: <test dir>/cassettes)",
        default=None,
    )


def pytest_configure(config: pytest.Config) -> None:
    import wrapt

    # vcrpy keeps httpx's transport methods as it finds them when vcr.patch is imported;
    # it must find them before fake-mode routing patches them (see session), so it is
    # imported as soon as httpx is - before routing's own hook, installed after this one.
    wrapt.register_post_import_hook(_import_vcr_patch, "httpx")
    config.addinivalue_line(
        "markers",
        "orgo_cassette(record_mode=, name=, path=, match_on=, filter_headers=, "
        "before_record_request=, before_record_response=, pace=, normalize_ids=, "
        "scrub_fields=, scrub_env=, scrub_values=, scrub_defaults=, "
        "serializer=, block_network=): record/replay this test's HTTP and WebSocket traffic",
    )
    ini = config.getini("orgo_record_mode")
    if ini and ini not in RECORD_MODES:
        raise pytest.UsageError(
            f"ini orgo_record_mode = {ini!r}: choose one of {', '.join(RECORD_MODES)}"
        )
    usage = Usage()
    option = config.option
    if getattr(option, "keyword", "") or getattr(option, "markexpr", ""):
        usage.full = False
    if getattr(option, "lf", False) or any("::" in str(arg) for arg in config.args):
        usage.full = False
    config.stash[USAGE_KEY] = usage


def _import_vcr_patch(httpx: object) -> None:
    import vcr.patch  # noqa: F401


def _wants_cassette(item: pytest.Item) -> bool:
    return item.get_closest_marker("orgo_cassette") is not None or "orgo_cassette" in getattr(
        item, "fixturenames", ()
    )


def _marker_values(node: pytest.Item) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for mark in reversed(list(node.iter_markers("orgo_cassette"))):  # the closest wins
        if mark.args:
            raise InvalidCassetteConfig(
                f"{node.nodeid}: @pytest.mark.orgo_cassette takes keyword arguments only, "
                f"got {mark.args!r}"
            )
        values.update(mark.kwargs)
    return values


def _default_name(item: pytest.Item) -> str:
    from pytest_orgo.cassettes.store import safe_name

    cls = getattr(item, "cls", None)
    return safe_name(f"{cls.__name__}.{item.name}" if cls is not None else item.name)


def _module_name(item: pytest.Item) -> str:
    module = getattr(item, "module", None)
    return str(getattr(module, "__name__", Path(str(item.path)).stem)).split(".")[-1]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    usage = config.stash[USAGE_KEY]
    for item in items:
        usage.collect(_module_name(item), Path(str(item.path)))
        if not _wants_cassette(item):
            continue
        try:
            values = _marker_values(item)
        except InvalidCassetteConfig:
            continue  # reported by the fixture, as the test's failure
        usage.expect(
            _module_name(item),
            _stem(str(values.get("path") or values.get("name") or _default_name(item))),
        )


def _stem(name: str) -> str:
    base = Path(name).name
    for extension in (".yaml", ".yml", ".json"):
        if base.endswith(extension):
            return base[: -len(extension)]
    return base


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items:
        config = items[0].config
        if USAGE_KEY in config.stash:
            config.stash[USAGE_KEY].full = False


@pytest.fixture(scope="module")
def orgo_cassette_config() -> dict[str, Any]:
    """Override to give every cassette in a module or directory default options."""
    return {}


@pytest.fixture(scope="module")
def orgo_cassette_dir(request: pytest.FixtureRequest) -> str:
    """Where this module's cassettes live; override to move them."""
    module = str(request.module.__name__).split(".")[-1]
    ini = request.config.getini("orgo_cassette_dir")
    base = (
        Path(request.config.rootpath) / str(ini)
        if ini
        else Path(str(request.path)).parent / "cassettes"
    )
    return str(base / module)


def _path(directory: Path, name: str | None, path: str | None, default: str) -> Path:
    if path:
        chosen = Path(path)
        chosen = chosen if chosen.is_absolute() else directory / chosen
    else:
        chosen = directory / (name or default)
    return (
        chosen
        if chosen.suffix in (".yaml", ".yml", ".json")
        else chosen.with_name(chosen.name + ".yaml")
    )


def _known(computer: Any) -> dict[str, str]:
    """The fixture's computer, bound to fixed placeholders in recording and replay alike."""
    info = getattr(computer, "info", None)
    if info is None:
        return {}
    pairs = {
        info.id: "<COMPUTER_ID_1>",
        info.instance_id: "<INSTANCE_ID_1>",
        info.workspace_id: "<WORKSPACE_ID_1>",
        info.name: "<COMPUTER_NAME_1>",
        info.project_name: "<WORKSPACE_NAME_1>",
        info.vnc_password: "<VNC_PASSWORD_1>",
    }
    return {value: placeholder for value, placeholder in pairs.items() if value}


@pytest.fixture(autouse=True)
def _orgo_cassette_active(request: pytest.FixtureRequest) -> Iterator[CassetteSession | None]:
    item = request.node
    if not _wants_cassette(item):
        yield None
        return
    try:
        config = merge(
            ini_mode=request.config.getini("orgo_record_mode") or None,
            fixture=request.getfixturevalue("orgo_cassette_config"),
            marker=_marker_values(item),
            flag_mode=request.config.getoption("orgo_record_mode"),
            where=item.nodeid,
        )
    except (InvalidCassetteConfig, TypeError) as exc:
        problem: str | None = str(exc)
    else:
        problem = None
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    directory = Path(request.getfixturevalue("orgo_cassette_dir"))
    path = _path(directory, config.name, config.path, _default_name(item))
    known: dict[str, str] = {}
    for name in COMPUTER_FIXTURES:  # provisioned before the cassette starts: not recorded
        if name in request.fixturenames:
            known.update(_known(request.getfixturevalue(name)))
    run = _run(request.config)
    from pytest_orgo.cassettes.format import CassetteError
    from pytest_orgo.cassettes.use import use_cassette

    with contextlib.ExitStack() as stack:
        try:
            session = stack.enter_context(
                use_cassette(
                    path,
                    config=config,
                    api_keys=[run.api_key] if run is not None else [],
                    known=known,
                    shown=display(path, Path(request.config.rootpath)),
                    strict=False,  # a swallowed mismatch fails the test below, if it passed
                )
            )
        except CassetteError as exc:
            problem = f"{item.nodeid}: {exc}"
        if problem is not None:
            pytest.fail(problem, pytrace=False)
        request.config.stash[USAGE_KEY].use(path, _module_name(item))
        yield session
    if session.errors and _call_passed(item):
        pytest.fail(
            f"{item.nodeid}: the cassette did not match (the client swallowed the error):\n"
            + "\n".join(session.errors),
            pytrace=False,
        )


def _run(config: pytest.Config) -> Any:
    from pytest_orgo.fixtures import RUN_KEY

    return config.stash.get(RUN_KEY, None)


def _call_passed(item: pytest.Item) -> bool:
    from pytest_orgo.fixtures import REPORTS_KEY

    report = item.stash.get(REPORTS_KEY, {}).get("call")
    return report is not None and report.passed


@pytest.fixture
def orgo_cassette(_orgo_cassette_active: CassetteSession | None) -> CassetteSession:
    """This test's cassette session (mode, path, what was replayed); asking for it turns
    the cassette on even without the marker."""
    assert _orgo_cassette_active is not None
    return _orgo_cassette_active


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    usage = config.stash.get(USAGE_KEY, None)
    if usage is None:
        return
    if session.shouldfail or session.shouldstop or exitstatus == pytest.ExitCode.INTERRUPTED:
        usage.full = False
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["orgo_cassettes"] = usage.to_output()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", {}).get("orgo_cassettes")
    usage = node.config.stash.get(USAGE_KEY, None)
    if usage is not None:
        if output is None or error:
            usage.full = False
        else:
            usage.merge(output)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    usage = config.stash.get(USAGE_KEY, None)
    if usage is None or getattr(config, "workerinput", None) is not None:
        return
    unused = usage.unused(Scope.of(config))
    if not unused:
        return
    terminalreporter.write_sep("-", "orgo cassettes")
    terminalreporter.write_line(
        f"{len(unused)} unused cassette file(s) (no collected test uses them):"
    )
    root = Path(config.rootpath)
    for path in unused:
        terminalreporter.write_line(f"  {display(path, root)}")
