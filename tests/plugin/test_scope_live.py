"""Shared computers in live mode, against the standalone fake (``--orgo --orgo-base-url``):
one computer per scope, counted on the fake's side; deleted when the scope ends even
after a failure; kept with --orgo-keep-on-failure; deleted on Ctrl-C; and under -n 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from orgo_helpers import StandaloneFake, interrupt_while_holding, live_args, run_subprocess

RECORD = """
    import json, os
    import pytest

    def record(name, computer):
        with open(f"got-{name}.json", "w") as f:
            json.dump({"id": computer.id, "worker": os.environ.get("PYTEST_XDIST_WORKER")}, f)
"""


def _got(path: Path) -> dict[str, dict[str, str]]:
    return {p.stem[4:]: json.loads(p.read_text()) for p in path.glob("got-*.json")}


def _assert_empty(fake: StandaloneFake) -> None:
    state = fake.state()
    assert (state["workspaces"], state["computers"]) == (0, 0), state


def _created_and_deleted(fake: StandaloneFake) -> list[tuple[str, str]]:
    """("create", id) and ("delete", id) in the order the fake saw them."""
    created = {r["seq"]: r for r in fake.requests("POST", "/computers")}
    events = []
    for entry in fake.requests():
        if entry["seq"] in created and entry["status"] == 201:
            events.append(("create", entry))
        elif entry["method"] == "DELETE" and entry["path"].startswith("/computers/"):
            events.append(("delete", entry))
    return [(kind, e["path"].rsplit("/", 1)[1] if kind == "delete" else "") for kind, e in events]


TWO_MODULES = {
    "test_one": RECORD
    + """
    pytestmark = pytest.mark.orgo(scope="module")

    def test_a(orgo_computer):
        record("one-a", orgo_computer)
        orgo_computer.bash("echo hi > /home/user/Desktop/left.txt")

    def test_b_fails(orgo_computer):
        record("one-b", orgo_computer)
        assert False, "on purpose"

    def test_c_sees_what_a_left(orgo_computer):
        record("one-c", orgo_computer)
        # live mode restores nothing on the desktop: the file is still there
        assert orgo_computer.bash("cat /home/user/Desktop/left.txt") == "hi\\n"
        orgo_computer.client.stop_computer(orgo_computer.id)

    def test_d_gets_it_running_again(orgo_computer):
        record("one-d", orgo_computer)
        assert orgo_computer.refresh().status == "running"
    """,
    "test_two": RECORD
    + """
    pytestmark = pytest.mark.orgo(scope="module")

    def test_a(orgo_computer): record("two-a", orgo_computer)
    def test_b(orgo_computer): record("two-b", orgo_computer)
    """,
}


def test_module_scope_one_computer_per_module_deleted_at_module_end(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(**TWO_MODULES)
    result = run_subprocess(pytester, "-p", "no:randomly", *live_args(fake_api))
    result.assert_outcomes(passed=5, failed=1)
    got = _got(pytester.path)
    one = {got[f"one-{x}"]["id"] for x in "abcd"}
    two = {got[f"two-{x}"]["id"] for x in "ab"}
    assert len(one) == len(two) == 1 and one != two
    (one_id,), (two_id,) = one, two
    # on the fake's side: two creates; module one's computer deleted before module two's made
    events = _created_and_deleted(fake_api)
    assert [kind for kind, _ in events] == ["create", "delete", "create", "delete"]
    assert [ident for kind, ident in events if kind == "delete"] == [one_id, two_id]
    result.stdout.fnmatch_lines(["orgo: live mode*2 computers provisioned*"])
    for module in ("test_one.py", "test_two.py"):  # minutes per test file
        result.stdout.fnmatch_lines([f"*computer-minutes  {module}"])
    result.stdout.no_fnmatch_line("*could not delete*")
    _assert_empty(fake_api)


def test_session_and_class_scope(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(
        test_a=RECORD
        + """
    @pytest.mark.orgo(scope="session")
    def test_s1(orgo_computer): record("s1", orgo_computer)

    @pytest.mark.orgo(scope="class")
    class TestC:
        def test_1(self, orgo_computer): record("c1", orgo_computer)
        def test_2(self, orgo_computer): record("c2", orgo_computer)
    """,
        test_b=RECORD
        + """
    @pytest.mark.orgo(scope="session")
    def test_s2(orgo_computer): record("s2", orgo_computer)
    """,
    )
    result = run_subprocess(pytester, "-p", "no:randomly", *live_args(fake_api))
    result.assert_outcomes(passed=4)
    got = _got(pytester.path)
    assert got["s1"]["id"] == got["s2"]["id"]
    assert got["c1"]["id"] == got["c2"]["id"] != got["s1"]["id"]
    assert len(fake_api.requests("POST", "/computers")) == 2
    _assert_empty(fake_api)


def test_keep_on_failure_keeps_the_shared_computer_live(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(**TWO_MODULES)
    result = run_subprocess(
        pytester, "-p", "no:randomly", *live_args(fake_api, "--orgo-keep-on-failure")
    )
    result.assert_outcomes(passed=5, failed=1)
    got = _got(pytester.path)
    kept_id, gone_id = got["one-a"]["id"], got["two-a"]["id"]
    assert fake_api.computer(kept_id).status_code == 200
    assert fake_api.computer(gone_id).status_code == 404
    assert fake_api.state()["computers"] == 1
    result.stdout.fnmatch_lines(
        [f"kept running (--orgo-keep-on-failure); delete with: *computers/{kept_id}"]
    )
    response = fake_api.http.delete(
        f"/api/computers/{kept_id}", headers={"Authorization": f"Bearer {live_env}"}
    )
    assert response.status_code == 200


def test_ctrl_c_deletes_the_shared_computer(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(
        """
        import time
        from pathlib import Path
        import pytest

        pytestmark = pytest.mark.orgo(scope="module")

        def test_first(orgo_computer):
            pass

        def test_holds(orgo_computer):
            Path("has-computer").write_text(orgo_computer.id)
            time.sleep(60)
        """
    )

    def holds_one() -> None:
        assert fake_api.state()["computers"] == 1

    _, computer_id = interrupt_while_holding(
        pytester, fake_api, live_env, "-p", "no:randomly", while_held=holds_one
    )
    assert fake_api.computer(computer_id).status_code == 404
    assert len(fake_api.requests("POST", "/computers")) == 1  # both tests shared it
    _assert_empty(fake_api)


def test_module_scope_under_xdist(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    """-n 2 --dist loadfile: each module on one worker, one computer per module."""
    modules = {
        f"test_m{m}": RECORD
        + "\n".join(
            f"    def test_{t}(orgo_computer): record('m{m}-{t}', orgo_computer)" for t in range(3)
        )
        + "\n    pytestmark = pytest.mark.orgo(scope='module')\n"
        for m in range(2)
    }
    pytester.makepyfile(**modules)
    result = run_subprocess(
        pytester, "-n", "2", "--dist", "loadfile", *live_args(fake_api), timeout=120
    )
    result.assert_outcomes(passed=6)
    got = _got(pytester.path)
    for m in range(2):
        assert len({got[f"m{m}-{t}"]["id"] for t in range(3)}) == 1
        assert len({got[f"m{m}-{t}"]["worker"] for t in range(3)}) == 1
    assert {got["m0-0"]["worker"], got["m1-0"]["worker"]} == {"gw0", "gw1"}
    assert len(fake_api.requests("POST", "/computers")) == 2
    result.stdout.fnmatch_lines(["orgo: live mode*2 computers provisioned*"])
    _assert_empty(fake_api)
