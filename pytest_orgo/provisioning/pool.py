"""Where the fixtures get their computers: the warm pool first, else made on demand.

A live computer takes a while to be ``running`` (the fake's ``create_latency`` stands
in for that). With ``--orgo-pool N``, background threads provision the computers the
next tests will ask for while the current ones run, so a test finds one ready. Each
xdist worker keeps its share of N (N divided by the number of workers, rounded up);
every computer, warm or not, holds one of the run's ``--orgo-max-computers`` slots
(file locks shared by the workers) from its creation to its deletion, so the cap
holds over warm and busy computers alike.

A warm computer is a future in a queue per computer spec; a test pops one, so no
computer is ever handed to two tests. Warm computers nobody took are deleted with
the rest at the end of the run (and listed, with a delete command, if that fails).
"""

from __future__ import annotations

import math
import random
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_orgo.errors import OrgoAPIError
from pytest_orgo.provisioning.provisioner import (
    UNUSED_POOL,
    ComputerSlots,
    Provisioner,
    ProvisioningError,
    is_plan_limit,
    plan_waits,
)

if TYPE_CHECKING:
    from pytest_orgo.models import Computer
    from pytest_orgo.provisioning.budget import SpendingGuard
    from pytest_orgo.settings import ComputerSpec


class _AtCapacity(ProvisioningError):
    """No computer can be had right now without waiting (no free slot; live, the plan
    limit): raised only to a caller that asked not to wait (``wait=False``)."""


@dataclass
class Lease:
    """One computer, held by one test (or one scope) until given back."""

    info: Computer
    spec: ComputerSpec
    slot: int | None


class Demand:
    """How many more computers this process's remaining tests will ask for.

    Built once from the collected items: one key per item that uses a computer (its own
    for a per-test computer, the module's or class's for a shared one). Under xdist a
    worker sees every item but runs some, so this overestimates: the pool then makes
    at most its share more than needed, deleted at the end."""

    def __init__(self, keys: Sequence[Hashable | None]) -> None:
        self._after: list[int] = [0] * (len(keys) + 1)
        seen: set[Hashable] = set()
        for index in range(len(keys) - 1, -1, -1):
            key = keys[index]
            if key is not None:
                seen.add(key)
            self._after[index] = len(seen)
        self._keys = list(keys)

    def after(self, index: int) -> int:
        """Distinct computers wanted by the items after ``index`` (not sharing its key);
        ``after(-1)``: all of them."""
        if index == -1:
            return self._after[0]
        if not 0 <= index < len(self._keys):
            return 0
        later = self._after[index + 1]
        key = self._keys[index]
        if key is not None and key in self._keys[index + 1 :]:
            later -= 1
        return later


class Computers:
    def __init__(
        self,
        provisioner: Provisioner,
        workspace: Callable[[], str],
        *,
        slots: ComputerSlots | None,
        guard: SpendingGuard | None,
        pool_size: int,
        workers: int,
        timeout: float,
    ) -> None:
        self.provisioner = provisioner
        self.workspace = workspace
        self.slots = slots
        self.guard = guard
        self.share = math.ceil(pool_size / max(workers, 1)) if pool_size > 0 else 0
        self.timeout = timeout
        self.taken_warm = 0
        self._warm: dict[ComputerSpec, deque[Future[Lease]]] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._executor = (
            ThreadPoolExecutor(max_workers=self.share, thread_name_prefix="orgo-pool")
            if self.share
            else None
        )
        self._deleter = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="orgo-delete")
            if self.share
            else None
        )

    # -- for the fixtures -------------------------------------------------------------

    def lease(
        self,
        spec: ComputerSpec,
        name: str,
        timeout: float,
        owner: str,
        upcoming: int,
        *,
        wait: bool = True,
    ) -> Lease:
        """A running computer for ``owner`` (a test file); ``upcoming`` more will follow.

        Raises ProvisioningError or BudgetExceeded with the reason. ``wait=False``: no
        waiting for capacity (a free slot, or live, the plan limit): ``_AtCapacity``."""
        warm = self._take_warm(spec) if self._executor is not None and spec.name is None else None
        if self._executor is not None and spec.name is None:
            self._refill(spec, upcoming)
        if warm is not None:
            self.provisioner.registry.assign(warm.info.id, owner)
            return warm
        return self._make(
            spec, name, timeout, owner, what=f"{owner} ({name})", evict=True, wait=wait
        )

    def lease_together(
        self,
        spec: ComputerSpec,
        names: Sequence[str],
        timeout: float,
        owner: str,
        upcoming: int,
    ) -> list[Lease]:
        """One computer per name, all or none, for a test that uses several at once.

        Capacity (this run's computer slots; live, the account's plan limit) is waited
        for with nothing held: when a second or later computer finds none, the ones
        already made are given back before the wait (a randomised back-off, so runs
        that collided do not collide again). Two runs or two xdist workers each holding
        one computer and waiting for a second would otherwise wait for each other until
        the provision timeout."""
        if self.slots is not None and self.slots.count < len(names):
            raise ProvisioningError(
                f"{owner} uses {len(names)} computers at once but this run may hold "
                f"{self.slots.count} (--orgo-max-computers)"
            )
        deadline = time.monotonic() + timeout
        waits = plan_waits()
        while True:
            leases = [self.lease(spec, names[0], timeout, owner, upcoming)]
            try:
                for name in names[1:]:
                    leases.append(self.lease(spec, name, timeout, owner, upcoming, wait=False))
                return leases
            except _AtCapacity as exc:
                for lease in leases:
                    self.give_back(lease)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ProvisioningError(
                        f"could not have {len(names)} computers at once for {owner}: {exc} "
                        "(waited until the provision timeout)"
                    ) from exc
                self.provisioner.plan_limit_waits += 1
                wait = next(waits)
                self.provisioner.sleep(min(random.uniform(wait / 2, wait), left))
            except BaseException:
                for lease in leases:
                    self.give_back(lease)
                raise

    def prewarm(self, spec: ComputerSpec, upcoming: int) -> None:
        """Start warming computers for the first ``upcoming`` tests before they ask."""
        if self._executor is not None:
            self._refill(spec, upcoming)

    def give_back(self, lease: Lease, *, keep: bool = False) -> None:
        """Delete the computer (or keep it running) and free its slot. With the pool on,
        the delete runs in the background too: the next test need not wait for it."""
        if self._deleter is not None and not keep:
            try:
                self._deleter.submit(self._give_back_now, lease, False)
                return
            except RuntimeError:  # shut down: the run is ending, delete here
                pass
        self._give_back_now(lease, keep)

    def _give_back_now(self, lease: Lease, keep: bool) -> None:
        try:
            if keep:
                self.provisioner.registry.keep(lease.info.id)
            else:
                self.provisioner.delete_computer(lease.info.id)
        finally:
            self._release(lease.slot)
            if self.guard is not None:
                self.guard.publish()  # what it used, for the other workers to see

    def close(self) -> None:
        """Stop warming; warm computers stay registered (the run's cleanup deletes them)
        and their slots are given back."""
        self._closing.set()
        if self._deleter is not None:
            self._deleter.shutdown(wait=True)  # deletes already asked for are finished
        if self._executor is None:
            return
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            futures = [f for queue in self._warm.values() for f in queue]
            self._warm.clear()
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is None:
                self._release(future.result().slot)

    # -- making one -------------------------------------------------------------------

    def _make(
        self,
        spec: ComputerSpec,
        name: str,
        timeout: float,
        owner: str,
        *,
        what: str,
        evict: bool,
        wait: bool = True,
    ) -> Lease:
        if self.guard is not None:
            self.guard.check(what)
        slot = None
        if self.slots is not None:
            if not wait:
                slot = self.slots.try_acquire()
                if slot is None:
                    raise _AtCapacity(
                        f"no computer slot free: {self.slots.count} computers are in use by "
                        "this run (raise --orgo-max-computers if your plan allows more)"
                    )
            elif evict:
                slot = self.slots.acquire(timeout, while_waiting=self._evict_idle)
            else:
                slot = self._acquire_for_pool(timeout)
        try:
            info = self.provisioner.create_computer(
                self.workspace(), name, spec, timeout, owner, wait_for_plan=wait
            )
        except OrgoAPIError as exc:
            self._release(slot)
            if not wait and is_plan_limit(exc):
                raise _AtCapacity(str(exc)) from exc
            raise
        except BaseException:
            self._release(slot)
            raise
        if self.guard is not None:
            self.guard.publish()
        return Lease(info, spec, slot)

    def _acquire_for_pool(self, timeout: float) -> int:
        """A slot for a warm computer: never one a waiting test could take by eviction,
        and given up when the run ends."""
        assert self.slots is not None
        deadline = time.monotonic() + timeout
        while not self._closing.is_set():
            index = self.slots.try_acquire()
            if index is not None:
                return index
            if time.monotonic() > deadline:
                break
            self._closing.wait(0.05)
        raise ProvisioningError("the warm pool found no free computer slot")

    def _release(self, slot: int | None) -> None:
        if slot is not None and self.slots is not None:
            self.slots.release(slot)

    # -- the pool ---------------------------------------------------------------------

    def _take_warm(self, spec: ComputerSpec) -> Lease | None:
        with self._lock:
            queue = self._warm.get(spec)
            if not queue:
                return None
            ready = next((f for f in queue if f.done()), None)
            future = ready if ready is not None else queue[0]
            queue.remove(future)
        try:
            lease = future.result()
        except Exception:
            return None
        with self._lock:
            self.taken_warm += 1
        return lease

    def _refill(self, spec: ComputerSpec, upcoming: int) -> None:
        assert self._executor is not None
        with self._lock:
            warming = sum(len(queue) for queue in self._warm.values())
            queue = self._warm.setdefault(spec, deque())
            while not self._closing.is_set() and warming < min(self.share, upcoming):
                if len(queue) >= upcoming:
                    break
                try:
                    queue.append(self._executor.submit(self._warm_one, spec))
                except RuntimeError:  # shut down meanwhile
                    break
                warming += 1

    def _warm_one(self, spec: ComputerSpec) -> Lease:
        if self._closing.is_set():
            raise ProvisioningError("the run is ending")
        name = f"orgo-pool-{uuid.uuid4().hex[:8]}"
        return self._make(
            spec, name, self.timeout, UNUSED_POOL, what="a warm computer", evict=False
        )

    def _evict_idle(self) -> None:
        """A test waits for a slot while warm computers of another spec sit idle: give
        one of those back (the test's need is real; the warm one was a guess)."""
        with self._lock:
            for queue in self._warm.values():
                ready = next(
                    (f for f in queue if f.done() and not f.cancelled() and not f.exception()),
                    None,
                )
                if ready is not None:
                    queue.remove(ready)
                    break
            else:
                return
        self.give_back(ready.result())
