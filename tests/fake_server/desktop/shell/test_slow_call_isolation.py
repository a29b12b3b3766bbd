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


def test_a_ten_second_exec_does_not_slow_other_clients(computer: Computer) -> None:
    shell = computer.fake.state.computers[computer.id].desktop.shell
    shell.python_max_steps = 10**12  # type: ignore[attr-defined]  # only the timeout ends it
    other = httpx.Client(
        base_url=computer.server.base_url,
        headers={"Authorization": "Bearer sk_shell_isolation_other"},
        timeout=30,
    )
    with other:
        workspace = other.post("/workspaces", json={"name": f"iso-{uuid.uuid4().hex[:6]}"})
        created = other.post(
            "/computers", json={"workspace_id": workspace.json()["id"], "name": "bystander"}
        )
        path = f"/computers/{created.json()['id']}"
        _timings(other, path)  # warm up connections and caches
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
        still_running = runner.is_alive()
        runner.join(timeout=EXEC_SECONDS + 10)
        after = _timings(other, path)

    quiet = _p99(before + after)
    busy = _p99(during)
    print(
        f"\np99 without exec: {quiet * 1000:.2f} ms, during a 10 s exec: {busy * 1000:.2f} ms"
        f" (medians {statistics.median(before + after) * 1000:.2f}"
        f" / {statistics.median(during) * 1000:.2f})"
    )
    assert still_running, "the 200 requests must all fall while the exec runs"
    assert busy <= 2 * quiet, f"p99 {busy * 1000:.2f} ms during the exec vs {quiet * 1000:.2f} ms"
    body = answer["body"]
    assert isinstance(body, dict)
    assert body["timeout"] is True and body["success"] is False
    elapsed = answer["elapsed"]
    assert isinstance(elapsed, float)
    assert EXEC_SECONDS <= elapsed < EXEC_SECONDS + 2
