"""Measuring that one slow call does not stall the fake (issue 12's check), for any surface.

A round: another client makes 200 requests, then 200 more while the slow call runs (it
must still be running when they are done), then 200 after it. The p99 during it is
compared with the p99 without it, both measured in the same run moments apart: never an
absolute time. The tests using it are marked ``alone``: ``./dev.sh test`` runs them after
the parallel run in one process, since on two cores another xdist worker's load slows the
bystander whenever the slow call holds the other core, which is not what they measure. A
process outside the suite can still spoil one round's timings either way, so
:func:`compare` measures a failed round again and reports every round.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

REQUESTS = 200


@dataclass
class Round:
    quiet: float  # p99 without the slow call (before and after together), seconds
    busy: float  # p99 while it ran
    elapsed: float  # how long the slow call took
    answer: Any  # what the slow call returned

    def __str__(self) -> str:
        return f"{self.busy * 1000:.2f} ms during vs {self.quiet * 1000:.2f} ms without"


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def timings(client: httpx.Client, path: str) -> list[float]:
    """``REQUESTS`` GETs of ``path``, each timed; every one must answer 200."""
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return samples


def measure(
    other: httpx.Client,
    path: str,
    slow: Callable[[], Any],
    *,
    finish: Callable[[], None] | None = None,
    timeout: float = 30,
) -> Round:
    """One round around ``slow()`` (run in a thread); ``finish`` ends it, when it does not
    end by itself, once the 200 requests during it are done."""
    before = timings(other, path)
    outcome: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        outcome["answer"] = slow()
        outcome["elapsed"] = time.monotonic() - started

    runner = threading.Thread(target=run)
    runner.start()
    time.sleep(0.5)  # the slow call is computing now
    during = timings(other, path)
    assert runner.is_alive(), "the 200 requests must all fall while the slow call runs"
    if finish is not None:
        finish()
    runner.join(timeout=timeout)
    assert not runner.is_alive(), f"the slow call did not end within {timeout} s"
    after = timings(other, path)
    measured = Round(p99(before + after), p99(during), outcome["elapsed"], outcome["answer"])
    print(
        f"\np99 {measured} (medians {statistics.median(during) * 1000:.2f} / "
        f"{statistics.median(before + after) * 1000:.2f} ms); the slow call took "
        f"{measured.elapsed:.2f} s"
    )
    return measured


def compare(one_round: Callable[[], Round]) -> list[Round]:
    """Rounds until one keeps the p99 during the slow call within 2x of without (at most
    three); asserts the last one does, naming every round's figures."""
    rounds: list[Round] = []
    for _ in range(3):
        rounds.append(one_round())
        if rounds[-1].busy <= 2 * rounds[-1].quiet:
            break
    last = rounds[-1]
    assert last.busy <= 2 * last.quiet, f"p99 per round: {[str(r) for r in rounds]}"
    return rounds


@contextmanager
def bystander(base_url: str, key: str) -> Iterator[tuple[httpx.Client, str]]:
    """Another account's client and the path of its own computer, warmed up."""
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        workspace = client.post("/workspaces", json={"name": f"iso-{time.monotonic_ns()}"})
        created = client.post(
            "/computers", json={"workspace_id": workspace.json()["id"], "name": "bystander"}
        )
        assert created.status_code == 201, created.text
        path = f"/computers/{created.json()['id']}"
        timings(client, path)  # warm up connections and caches
        yield client, path
