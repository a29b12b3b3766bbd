"""Every scope (function, class, module, session), in fake mode and in live mode against
the standalone fake: the computer is deleted after a failing test when its scope ends,
kept with --orgo-keep-on-failure, deleted on Ctrl-C, and shared as the scope says under
``-n 2`` (session scope: one computer per worker process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from orgo_helpers import StandaloneFake, interrupt_while_holding, live_args, run_subprocess

SCOPES = ("function", "class", "module", "session")

RECORD = """
import json, os
import pytest

pytestmark = pytest.mark.orgo(scope="{scope}")

def record(name, computer):
    with open(f"got-{{name}}.json", "w") as f:
        json.dump({{"id": computer.id, "worker": os.environ.get("PYTEST_XDIST_WORKER")}}, f)
"""

FAILING = """
class TestShared:
    def test_fails(self, orgo_computer):
        record("fails", orgo_computer)
        assert False, "on purpose"

    def test_after(self, orgo_computer):
        record("after", orgo_computer)
"""


def _got(path: Path) -> dict[str, dict[str, str]]:
    return {p.stem[4:]: json.loads(p.read_text()) for p in path.glob("got-*.json")}


def _shared(scope: str) -> bool:
    return scope != "function"


@pytest.mark.parametrize("keep", [False, True], ids=["deleted", "kept"])
@pytest.mark.parametrize("scope", SCOPES)
def test_failure_fake_mode(pytester: pytest.Pytester, scope: str, keep: bool) -> None:
    pytester.makepyfile(
        test_mod=RECORD.format(scope=scope) + FAILING,
        test_zzz_next=f"""
    def test_next_module(orgo_server):
        assert orgo_server.counts()["computers"] == {int(keep)}, orgo_server.counts()
    """,
    )
    args = ("-p", "no:randomly", *(("--orgo-keep-on-failure",) if keep else ()))
    result = run_subprocess(pytester, *args)
    got = _got(pytester.path)
    assert (got["fails"]["id"] == got["after"]["id"]) == _shared(scope)
    if scope == "session" and not keep:
        # the session's computer lives on to the session's end, past the next module
        result.assert_outcomes(passed=1, failed=2)
        result.stdout.fnmatch_lines(["*assert 1 == 0*"])
    else:
        result.assert_outcomes(passed=2, failed=1)
    kept = got["fails"]["id"]
    line = f"kept running (--orgo-keep-on-failure); delete with: *computers/{kept}"
    if keep:
        result.stdout.fnmatch_lines([line])
    else:
        result.stdout.no_fnmatch_line(line)


@pytest.mark.parametrize("keep", [False, True], ids=["deleted", "kept"])
@pytest.mark.parametrize("scope", SCOPES)
def test_failure_live_mode(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str, scope: str, keep: bool
) -> None:
    pytester.makepyfile(test_mod=RECORD.format(scope=scope) + FAILING)
    extra = ("--orgo-keep-on-failure",) if keep else ()
    result = run_subprocess(pytester, "-p", "no:randomly", *live_args(fake_api, *extra))
    result.assert_outcomes(passed=1, failed=1)
    got = _got(pytester.path)
    fails, after = got["fails"]["id"], got["after"]["id"]
    assert (fails == after) == _shared(scope)
    creates = [r for r in fake_api.requests("POST", "/computers") if r["status"] == 201]
    assert len(creates) == (1 if _shared(scope) else 2)
    assert fake_api.computer(after).status_code == (200 if keep and _shared(scope) else 404)
    assert fake_api.computer(fails).status_code == (200 if keep else 404)
    assert fake_api.state()["computers"] == int(keep)
    if keep:
        result.stdout.fnmatch_lines([f"*kept running*delete with: *computers/{fails}"])
        response = fake_api.http.delete(
            f"/api/computers/{fails}", headers={"Authorization": f"Bearer {live_env}"}
        )
        assert response.status_code == 200
    else:
        result.stdout.no_fnmatch_line("*kept running*")


HOLDING = """
import time
from pathlib import Path
import pytest

pytestmark = pytest.mark.orgo(scope="{scope}")

class TestHolds:
    def test_first(self, orgo_computer):
        pass

    def test_holds(self, orgo_computer):
        Path("has-computer").write_text(orgo_computer.id)
        time.sleep(60)
"""


@pytest.mark.parametrize("scope", SCOPES)
def test_ctrl_c_live_mode(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str, scope: str
) -> None:
    pytester.makepyfile(HOLDING.format(scope=scope))

    def holds_one() -> None:
        assert fake_api.state()["computers"] == 1

    _, computer_id = interrupt_while_holding(
        pytester, fake_api, live_env, "-p", "no:randomly", while_held=holds_one
    )
    assert fake_api.computer(computer_id).status_code == 404
    creates = [r for r in fake_api.requests("POST", "/computers") if r["status"] == 201]
    assert len(creates) == (1 if _shared(scope) else 2)
    assert (fake_api.state()["workspaces"], fake_api.state()["computers"]) == (0, 0)


def _xdist_suite(pytester: pytest.Pytester, scope: str) -> None:
    for m in range(2):
        tests = "\n".join(
            f"    def test_{t}(self, orgo_computer): record('m{m}-{t}', orgo_computer)"
            for t in range(3)
        )
        pytester.makepyfile(
            **{f"test_m{m}": RECORD.format(scope=scope) + f"\nclass TestC:\n{tests}\n"}
        )


def _check_xdist_sharing(got: dict[str, dict[str, str]], scope: str) -> int:
    """Who shared what; returns the number of distinct computers."""
    ids = {name: entry["id"] for name, entry in got.items()}
    assert len(ids) == 6
    for m in range(2):
        in_module = {ids[f"m{m}-{t}"] for t in range(3)}
        assert len(in_module) == (3 if scope == "function" else 1), (scope, ids)
    workers = {entry["worker"] for entry in got.values()}
    if scope == "session":  # one computer per worker process
        assert len(set(ids.values())) == len(workers)
    return len(set(ids.values()))


@pytest.mark.parametrize("scope", SCOPES)
def test_xdist_fake_mode(pytester: pytest.Pytester, scope: str) -> None:
    _xdist_suite(pytester, scope)
    result = run_subprocess(pytester, "-n", "2", "--dist", "loadscope", timeout=120)
    result.assert_outcomes(passed=6)
    _check_xdist_sharing(_got(pytester.path), scope)


@pytest.mark.parametrize("scope", SCOPES)
def test_xdist_live_mode(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str, scope: str
) -> None:
    _xdist_suite(pytester, scope)
    result = run_subprocess(
        pytester, "-n", "2", "--dist", "loadscope", *live_args(fake_api), timeout=120
    )
    result.assert_outcomes(passed=6)
    distinct = _check_xdist_sharing(_got(pytester.path), scope)
    creates = [r for r in fake_api.requests("POST", "/computers") if r["status"] == 201]
    assert len(creates) == distinct  # counted on the fake's side
    assert (fake_api.state()["workspaces"], fake_api.state()["computers"]) == (0, 0)
