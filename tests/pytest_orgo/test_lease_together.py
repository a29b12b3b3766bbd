"""A test's several computers are leased all at once, or none: two runs sharing one
account's plan limit must not each hold half of what they need and wait for the other.

Two "machines" here are two ``Computers`` (each its own provisioner and registry, as two
CI hosts have) on one fake account whose plan allows two running computers. A barrier
makes both take their first computer before either asks for its second: the collision
that, with hold-and-wait, lasts until the provision timeout."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fake_server import FakeOrgo
from pytest_orgo.errors import OrgoAPIError
from pytest_orgo.models import Computer
from pytest_orgo.provisioning.fake_api import FakeApi
from pytest_orgo.provisioning.pool import Computers, Lease
from pytest_orgo.provisioning.provisioner import (
    ComputerSlots,
    Provisioner,
    ProvisioningError,
    Registry,
)
from pytest_orgo.settings import ComputerSpec

KEY = "sk_live_shared_account"


class FirstCreateMeets(FakeApi):
    """Each machine's first successful create waits at the barrier for the other's."""

    def __init__(self, fake: FakeOrgo, barrier: threading.Barrier) -> None:
        super().__init__(lambda: fake, KEY)
        self._barrier = barrier
        self._met = False

    def create_computer(self, workspace_id: str, name: str, **spec: Any) -> Computer:
        computer = super().create_computer(workspace_id, name, **spec)
        if not self._met:
            self._met = True
            self._barrier.wait(timeout=10)
        return computer


def _machine(api: FakeApi, workspace: str, slots: ComputerSlots | None = None) -> Computers:
    provisioner = Provisioner(api, Registry(), "http://fake/api", live=True)
    return Computers(
        provisioner, lambda: workspace, slots=slots, guard=None, pool_size=0, workers=1, timeout=10
    )


@pytest.fixture
def fake() -> FakeOrgo:
    fake = FakeOrgo()
    fake.set_plan(max_running_computers=2)
    return fake


def _running(fake: FakeOrgo) -> int:
    """Computers alive on the account (none is ever stopped here)."""
    return len(fake.state.computers)


def _both_machines(
    fake: FakeOrgo,
    lease: Callable[[Computers, str], list[Lease]],
    slots: Callable[[], ComputerSlots | None] = lambda: None,
) -> tuple[list[Computers], list[list[Lease] | BaseException]]:
    barrier = threading.Barrier(2)
    workspace = FakeApi(lambda: fake, KEY).create_workspace("shared").id
    machines = [_machine(FirstCreateMeets(fake, barrier), workspace, slots()) for _ in range(2)]
    results: list[list[Lease] | BaseException] = [[], []]
    most = [0]

    def test_on(index: int) -> None:
        try:
            leases = lease(machines[index], f"test-{index}")
            most[0] = max(most[0], _running(fake))
            for held in leases:
                machines[index].give_back(held)
            results[index] = leases
        except BaseException as exc:  # reported by the test below
            results[index] = exc

    threads = [threading.Thread(target=test_on, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert most[0] <= 2
    return machines, results


def test_colliding_runs_each_get_both_computers(fake: FakeOrgo) -> None:
    spec = ComputerSpec()
    machines, results = _both_machines(
        fake,
        lambda machine, owner: machine.lease_together(
            spec, [f"{owner}-a", f"{owner}-b"], 10, owner, 0
        ),
    )
    for result in results:
        assert isinstance(result, list), result
        assert len({lease.info.id for lease in result}) == 2
    # they met the limit with one computer each, gave theirs back and waited
    assert sum(m.provisioner.plan_limit_waits for m in machines) >= 1
    assert _running(fake) == 0


def test_two_workers_of_one_run_sharing_two_slots_each_get_both(
    fake: FakeOrgo, tmp_path: Path
) -> None:
    """The same collision within one run: two xdist workers, ``--orgo-max-computers 2``
    (file locks both share), no plan limit."""
    fake.set_plan(max_running_computers=None)
    spec = ComputerSpec()
    machines, results = _both_machines(
        fake,
        lambda machine, owner: machine.lease_together(
            spec, [f"{owner}-a", f"{owner}-b"], 10, owner, 0
        ),
        slots=lambda: ComputerSlots(tmp_path / "slots", 2),
    )
    for result in results:
        assert isinstance(result, list), result
        assert len({lease.info.id for lease in result}) == 2
    assert sum(m.provisioner.plan_limit_waits for m in machines) >= 1


def test_holding_one_while_waiting_for_the_next_deadlocks(fake: FakeOrgo) -> None:
    """The hazard ``lease_together`` removes: one lease after the other, each waiting out
    the plan limit, leaves both runs waiting for each other until the timeout."""
    spec = ComputerSpec()

    def one_then_the_next(machine: Computers, owner: str) -> list[Lease]:
        first = machine.lease(spec, f"{owner}-a", 1.0, owner, 0)
        try:
            return [first, machine.lease(spec, f"{owner}-b", 1.0, owner, 0)]
        finally:
            machine.give_back(first)

    _, results = _both_machines(fake, one_then_the_next)
    errors = [result for result in results if isinstance(result, ProvisioningError)]
    assert errors, results
    assert "waited for the plan limit until the provision timeout" in str(errors[0])


class SecondCreateFails(FakeApi):
    def create_computer(self, workspace_id: str, name: str, **spec: Any) -> Computer:
        if name == "b":
            raise OrgoAPIError(400, "Invalid RAM for this plan")
        return super().create_computer(workspace_id, name, **spec)


def test_a_refusal_other_than_the_plan_limit_gives_back_what_was_made(fake: FakeOrgo) -> None:
    """The second computer fails for good: the first is deleted, not left running, and
    the error says why (no waiting: only the plan limit clears by itself)."""
    api = SecondCreateFails(lambda: fake, KEY)
    machine = _machine(api, api.create_workspace("w").id)
    with pytest.raises(ProvisioningError, match=r"could not create computer 'b'.*Invalid RAM"):
        machine.lease_together(ComputerSpec(), ["a", "b"], 2, "test", 0)
    assert machine.provisioner.plan_limit_waits == 0
    assert _running(fake) == 0


def test_past_the_timeout_the_error_says_it_waited(fake: FakeOrgo) -> None:
    fake.set_plan(max_running_computers=1)
    api = FakeApi(lambda: fake, KEY)
    machine = _machine(api, api.create_workspace("w").id)
    with pytest.raises(ProvisioningError, match="could not have 2 computers at once") as caught:
        machine.lease_together(ComputerSpec(), ["a", "b"], 0.5, "test_x.py", 0)
    assert "waited until the provision timeout" in str(caught.value)
    assert "403" in str(caught.value)
    assert _running(fake) == 0
