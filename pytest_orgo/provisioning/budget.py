"""The spending guard (``--orgo-max-computer-minutes``): a ceiling on computer-minutes.

Every process of the run (each xdist worker) keeps its own account in one small JSON
file in the directory all workers share: the computer-seconds its deleted computers
used, and those its live computers have run so far ("committed": they are billed
whether or not a test is using them). Before each new computer, a process rewrites its
own file and adds up everyone's; at or past the ceiling, it provisions nothing more.
One writer per file and an atomic rename per write, so nobody needs a lock to read.

The guard stops *new* computers; it never takes one away from a test that holds it,
so a run can end a little past its ceiling by what the computers alive at that moment
still use.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path

from pytest_orgo.errors import OrgoError
from pytest_orgo.provisioning.provisioner import Registry


class BudgetExceeded(OrgoError):
    """No more computers: the message says how much was used and which flag to raise."""


class SpendingGuard:
    def __init__(
        self, directory: Path, worker: str, limit_minutes: float, registry: Registry
    ) -> None:
        self.directory = directory
        self.limit_minutes = limit_minutes
        self.registry = registry
        self.refused = 0
        directory.mkdir(parents=True, exist_ok=True)
        self._path = directory / f"{worker}.json"
        self._lock = threading.Lock()
        self.publish()

    def publish(self) -> float:
        """Write this process's used + committed computer-seconds; returns them."""
        seconds = self.registry.computer_seconds + self.registry.alive_seconds()
        record = {
            "seconds": seconds,
            "alive": len(self.registry.computers),
            "wall": time.time(),
            "pid": os.getpid(),
        }
        with self._lock:
            temporary = self._path.with_name(f".{self._path.name}.{threading.get_ident()}")
            temporary.write_text(json.dumps(record))
            os.replace(temporary, self._path)
        return seconds

    def minutes(self) -> float:
        """Computer-minutes used or committed by the whole run so far."""
        total = self.publish()
        for path in self.directory.glob("*.json"):
            if path == self._path:
                continue
            with contextlib.suppress(OSError, ValueError):
                total += float(json.loads(path.read_text())["seconds"])
        return total / 60

    def check(self, what: str) -> None:
        """Raise BudgetExceeded if the run may not provision ``what``."""
        used = self.minutes()
        if used >= self.limit_minutes:
            with self._lock:
                self.refused += 1
            raise BudgetExceeded(
                f"spending limit reached: {used:.2f} of {self.limit_minutes:g} computer-minutes "
                f"used or committed by this run, so no computer was provisioned for {what} "
                "(raise --orgo-max-computer-minutes / orgo_max_computer_minutes to allow more)"
            )
