"""The parts under the pool and the guard, without pytest runs: how many computers the
remaining tests want, which 403 is worth waiting for, and the shared minutes ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_orgo.errors import OrgoAPIError
from pytest_orgo.provisioning.budget import BudgetExceeded, SpendingGuard
from pytest_orgo.provisioning.pool import Demand
from pytest_orgo.provisioning.provisioner import UNUSED_POOL, Registry, is_plan_limit


def test_demand_counts_distinct_computers_after_a_test() -> None:
    keys = [("function", "a"), None, ("module", "m"), ("module", "m"), ("function", "b")]
    demand = Demand(keys)
    assert demand.after(-1) == 4 - 1  # a, m, b (m once)
    assert demand.after(0) == 2  # m, b
    assert demand.after(2) == 1  # m is this test's own: only b is new
    assert demand.after(3) == 1
    assert demand.after(4) == 0
    assert demand.after(99) == 0


@given(st.lists(st.one_of(st.none(), st.sampled_from("abcde")), max_size=30))
def test_demand_matches_a_plain_count(keys: list[str | None]) -> None:
    demand = Demand(keys)
    for index, key in enumerate(keys):
        later = {k for k in keys[index + 1 :] if k is not None and k != key}
        assert demand.after(index) == len(later)
    assert demand.after(-1) == len({k for k in keys if k is not None})


@pytest.mark.parametrize(
    ("status", "message", "wait"),
    [
        (403, "Plan limit reached: at most 2 running computers. Stop or delete one.", True),
        (403, "Plan limit: at most 8 GB of RAM per computer", False),
        (403, "Access denied", False),
        (400, "Plan limit reached", False),
    ],
)
def test_which_refusals_are_waited_out(status: int, message: str, wait: bool) -> None:
    assert is_plan_limit(OrgoAPIError(status, message)) is wait


def test_registry_bills_each_file_on_its_clock() -> None:
    now = [100.0]
    registry = Registry(clock=lambda: now[0])
    registry.created("c1")  # a warm computer, nobody's yet
    registry.created("c2", "test_b.py")
    now[0] += 60
    registry.assign("c1", "test_a.py")
    registry.deleted("c1")
    now[0] += 30
    assert registry.alive_seconds() == 90
    registry.stop_counting()
    assert registry.per_file == {"test_a.py": 60, "test_b.py": 90}
    assert registry.computer_seconds == 150 and registry.computers == {}
    assert UNUSED_POOL not in registry.per_file


def test_guard_adds_up_every_worker(tmp_path: Path) -> None:
    now = [0.0]
    mine, theirs = Registry(clock=lambda: now[0]), Registry(clock=lambda: now[0])
    guard = SpendingGuard(tmp_path, "gw0", 2, mine)
    other = SpendingGuard(tmp_path, "gw1", 2, theirs)
    theirs.created("x", "test_x.py")
    now[0] += 90
    other.publish()
    guard.check("a test")  # 1.5 of 2 minutes: still fine
    mine.created("y", "test_y.py")
    now[0] += 30
    other.publish()  # gw1's computer now 2 minutes old
    with pytest.raises(BudgetExceeded, match=r"2\.50 of 2 computer-minutes.*--orgo-max"):
        guard.check("test_z.py (z)")
    assert guard.refused == 1
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind
