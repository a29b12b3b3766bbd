"""pytest -n 2 works in fake mode and in live mode (against the standalone fake), with no
collisions between workers; one workspace per worker; the summary adds the workers up;
and a live run leaves nothing behind."""

from __future__ import annotations

import json

import pytest
from orgo_helpers import StandaloneFake, live_args, run_subprocess

# Six tests; every computer gets the same name (unique per workspace, so this collides
# unless each worker has its own workspace), writes its own file, and must see only its own.
SIX_TESTS = """
    import json, os
    import pytest

    @pytest.mark.orgo(name="same-name-everywhere")
    @pytest.mark.parametrize("n", range(6))
    def test_own_computer(orgo_computer, orgo_workspace, n):
        assert orgo_computer.bash("mkdir -p /home/user/Desktop && ls /home/user/Desktop") == ""
        orgo_computer.bash(f"echo {n} > /home/user/Desktop/mine-{n}.txt")
        assert orgo_computer.bash("ls /home/user/Desktop") == f"mine-{n}.txt\\n"
        assert orgo_computer.bash(f"cat /home/user/Desktop/mine-{n}.txt") == f"{n}\\n"
        record = {"worker": os.environ["PYTEST_XDIST_WORKER"], "workspace": orgo_workspace,
                  "computer": orgo_computer.id}
        with open(f"record-{n}.json", "w") as f:
            json.dump(record, f)
"""


def _records(pytester: pytest.Pytester) -> list[dict[str, str]]:
    return [json.loads((pytester.path / f"record-{n}.json").read_text()) for n in range(6)]


def _check_records(records: list[dict[str, str]]) -> None:
    assert {r["worker"] for r in records} == {"gw0", "gw1"}
    assert len({r["computer"] for r in records}) == 6
    by_worker: dict[str, set[str]] = {}
    for r in records:
        by_worker.setdefault(r["worker"], set()).add(r["workspace"])
    # one workspace per worker, and not shared between them
    assert all(len(workspaces) == 1 for workspaces in by_worker.values())
    assert len({r["workspace"] for r in records}) == 2


def test_fake_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SIX_TESTS)
    result = run_subprocess(pytester, "-n", "2")
    result.assert_outcomes(passed=6)
    _check_records(_records(pytester))
    # the controller adds up what its workers provisioned
    result.stdout.fnmatch_lines(["orgo: fake mode (bundled fake): 6 computers provisioned"])


def test_live_mode_against_the_standalone_fake(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(SIX_TESTS)
    result = run_subprocess(pytester, "-n", "2", *live_args(fake_api))
    result.assert_outcomes(passed=6)
    records = _records(pytester)
    _check_records(records)
    result.stdout.fnmatch_lines(
        [f"orgo: live mode against {fake_api.url}: 6 computers provisioned, * computer-seconds"]
    )
    # one workspace per worker, named for it; all computers made and deleted
    created = fake_api.requests("POST", "/workspaces")
    assert sorted(r["body"]["name"].rsplit("-", 1)[1] for r in created) == ["gw0", "gw1"]
    assert all(r["status"] == 201 for r in fake_api.requests("POST", "/computers"))
    assert len(fake_api.requests("POST", "/computers")) == 6
    deleted = {r["path"].rsplit("/", 1)[1] for r in fake_api.requests("DELETE", "/computers/*")}
    assert deleted == {r["computer"] for r in records}
    state = fake_api.state()
    assert (state["workspaces"], state["computers"]) == (0, 0)
