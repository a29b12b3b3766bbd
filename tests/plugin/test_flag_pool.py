"""--orgo-pool / ini orgo_pool: computers provisioned ahead, in background threads.

Counted on the fake's side, over the whole run (its request log): no computer is ever
handed to two tests, there are never more computers at once than --orgo-max-computers,
and the pool's leftovers are deleted at the end (or listed when that fails)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from orgo_helpers import (
    LIVE_KEY,
    StandaloneFake,
    live_args,
    most_at_once,
    run,
    run_subprocess,
    write_ini,
)

TESTS = """
    import json, os, time
    import pytest

    @pytest.mark.parametrize("n", range({count}))
    def test_works(orgo_computer, n):
        assert orgo_computer.bash("ls /home/user/Desktop") == ""  # nobody used it before
        orgo_computer.bash(f"echo {{n}} > /home/user/Desktop/mine.txt")
        time.sleep({work})
        with open(f"got-{{n}}.json", "w") as f:
            json.dump({{"id": orgo_computer.id,
                        "worker": os.environ.get("PYTEST_XDIST_WORKER")}}, f)
"""


def _got(path: Path) -> list[dict[str, str]]:
    return [json.loads(p.read_text()) for p in sorted(path.glob("got-*.json"))]


def _pool_names(fake: StandaloneFake) -> list[str]:
    return [
        r["body"]["name"]
        for r in fake.requests("POST", "/computers")
        if r["body"]["name"].startswith("orgo-pool-")
    ]


def _slow_creates(fake: StandaloneFake, seconds: float) -> None:
    assert fake.http.put("/_fake/lifecycle", json={"create_latency": seconds}).status_code == 200


def test_pool_never_shares_and_never_exceeds_the_cap(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    _slow_creates(fake_api, 0.2)
    pytester.makepyfile(TESTS.format(count=10, work=0.2))
    result = run_subprocess(
        pytester, *live_args(fake_api, "--orgo-pool", "3", "--orgo-max-computers", "3")
    )
    result.assert_outcomes(passed=10)
    got = _got(pytester.path)
    assert len({g["id"] for g in got}) == 10  # ten tests, ten computers: none shared
    assert most_at_once(fake_api) <= 3
    # warming starts once collected, and stops at what the remaining tests need
    assert len(_pool_names(fake_api)) == len(fake_api.requests("POST", "/computers")) == 10
    state = fake_api.state()
    assert (state["workspaces"], state["computers"]) == (0, 0)  # leftovers deleted
    result.stdout.no_fnmatch_line("*could not delete*")


def test_pool_under_xdist_shares_the_cap(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    _slow_creates(fake_api, 0.2)
    write_ini(pytester, orgo_pool="4")  # the ini twin
    pytester.makepyfile(TESTS.format(count=12, work=0.3))
    result = run_subprocess(
        pytester,
        "-n",
        "2",
        *live_args(fake_api, "--orgo-max-computers", "3"),
        timeout=120,
    )
    result.assert_outcomes(passed=12)
    got = _got(pytester.path)
    assert {g["worker"] for g in got} == {"gw0", "gw1"}
    assert len({g["id"] for g in got}) == 12
    assert most_at_once(fake_api) <= 3  # two workers' pools and tests, one cap
    assert _pool_names(fake_api)
    state = fake_api.state()
    assert (state["workspaces"], state["computers"]) == (0, 0)


def test_leftovers_that_cannot_be_deleted_are_listed(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """The first test fails and -x stops the run, so the computers warmed for the five
    tests after it are never used; deleting fails at the end: each is listed."""
    fault = {"status": 503, "method": "DELETE", "path": "re:^/(computers|workspaces)/"}
    fault["times"] = None
    pytester.makepyfile(
        test_a=f"""
        import time
        import httpx

        def test_first(orgo_computer):
            time.sleep(0.5)  # the pool warms meanwhile
            httpx.post({fake_api.origin + "/_fake/faults"!r}, json={fault!r})
            assert False, "stop here (-x)"
        """,
        test_b="""
        import pytest

        @pytest.mark.parametrize("n", range(5))
        def test_later(orgo_computer, n):
            pass
        """,
    )
    result = run_subprocess(
        pytester,
        "-p",
        "no:randomly",
        "-x",
        *live_args(fake_api, "--orgo-pool", "2", "--orgo-max-computers", "4"),
    )
    result.assert_outcomes(failed=1)
    workspaces = fake_api.http.get(
        "/api/workspaces", headers={"Authorization": f"Bearer {LIVE_KEY}"}
    ).json()["workspaces"]
    desktops = [d for w in workspaces for d in w["desktops"]]
    pool = [d["id"] for d in desktops if d["name"].startswith("orgo-pool-")]
    assert pool, desktops
    result.stdout.fnmatch_lines(["*could not delete these; delete them with:*"])
    for computer_id in pool:
        result.stdout.fnmatch_lines([f"  curl -X DELETE *computers/{computer_id}"])
    result.stdout.fnmatch_lines(["*computer-minutes  (warm pool, never used)"])
    fake_api.http.delete("/_fake/faults")


def test_collect_only_warms_nothing(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(TESTS.format(count=3, work=0))
    result = run_subprocess(pytester, "--collect-only", *live_args(fake_api, "--orgo-pool", "2"))
    assert result.ret == 0
    assert fake_api.requests() == []


def test_fake_mode_pool(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS.format(count=6, work=0))
    result = run(pytester, "--orgo-pool", "2")
    result.assert_outcomes(passed=6)
    assert len({g["id"] for g in _got(pytester.path)}) == 6
    result.stdout.fnmatch_lines(["orgo: fake mode (bundled fake): * computers provisioned"])


@pytest.mark.parametrize("args", [("--orgo-pool", "-1"), ("--orgo-pool", "two")])
def test_bad_pool_size_is_a_usage_error(pytester: pytest.Pytester, args: tuple[str, str]) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orgo-pool*"])
