"""One slow call never stalls the fake (issue 12): while a 10-second ``exec`` computes,
another account's client makes 200 requests, and their p99 latency stays within 2x of the
same 200 requests with no exec running, measured in this same run; the exec itself ends at
its timeout. (The issue asks for this comparison as a test; it compares two measurements
taken moments apart on the same machine, never an absolute time.)
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid

import httpx

from tests.fake_server.desktop.shell.conftest import Computer

REQUESTS = 200
EXEC_SECONDS = 10


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def _timings(client: httpx.Client, path: str) -> list[float]:
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return samples


def _measure(computer: Computer, other: httpx.Client, path: str) -> tuple[float, float, float]:
    """One round: 200 requests, then 200 during a 10 s exec, then 200 after it.

    Returns the p99 without the exec (before and after together), the p99 during it, and
    how long the exec took; asserts the exec's answer and that it outlasted the requests.
    """
    before = _timings(other, path)
    answer: dict[str, object] = {}

    def slow_exec() -> None:
        started = time.monotonic()
        response = computer.rest.post(
            f"/computers/{computer.id}/exec",
            json={"code": "n = 0\nwhile True:\n    n += 1", "timeout": EXEC_SECONDS},
        )
        answer["elapsed"] = time.monotonic() - started
        answer["body"] = response.json()

    runner = threading.Thread(target=slow_exec)
    runner.start()
    time.sleep(0.5)  # the exec is computing now
    during = _timings(other, path)
    assert runner.is_alive(), "the 200 requests must all fall while the exec runs"
    runner.join(timeout=EXEC_SECONDS + 10)
    after = _timings(other, path)
    body = answer["body"]
    assert isinstance(body, dict)
    assert body["timeout"] is True and body["success"] is False
    elapsed = answer["elapsed"]
    assert isinstance(elapsed, float)
    print(
        f"\np99 without exec: {_p99(before + after) * 1000:.2f} ms, during a 10 s exec: "
        f"{_p99(during) * 1000:.2f} ms (medians {statistics.median(before + after) * 1000:.2f}"
        f" / {statistics.median(during) * 1000:.2f}); the exec took {elapsed:.2f} s"
    )
    return _p99(before + after), _p99(during), elapsed


def test_a_ten_second_exec_does_not_slow_other_clients(computer: Computer) -> None:
    """On a shared machine another process can spoil one round's timings either way, so a
    failed comparison is measured once more (both rounds are printed and reported)."""
    shell = computer.fake.state.computers[computer.id].desktop.shell
    shell.python_max_steps = 10**12  # type: ignore[attr-defined]  # only the timeout ends it
    other = httpx.Client(
        base_url=computer.server.base_url,
        headers={"Authorization": "Bearer sk_shell_isolation_other"},
        timeout=30,
    )
    rounds: list[tuple[float, float, float]] = []
    with other:
        workspace = other.post("/workspaces", json={"name": f"iso-{uuid.uuid4().hex[:6]}"})
        created = other.post(
            "/computers", json={"workspace_id": workspace.json()["id"], "name": "bystander"}
        )
        path = f"/computers/{created.json()['id']}"
        _timings(other, path)  # warm up connections and caches
        for _ in range(2):
            rounds.append(_measure(computer, other, path))
            quiet, busy, _ = rounds[-1]
            if busy <= 2 * quiet:
                break
    for _, _, elapsed in rounds:
        assert EXEC_SECONDS <= elapsed < EXEC_SECONDS + 2
    quiet, busy, _ = rounds[-1]
    figures = [f"{b * 1000:.2f} ms vs {q * 1000:.2f} ms" for q, b, _ in rounds]
    assert busy <= 2 * quiet, f"p99 during the exec vs without, per round: {figures}"
