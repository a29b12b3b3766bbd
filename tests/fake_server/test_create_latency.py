"""Creation latency: ``set_lifecycle(create_latency=S)`` / ``PUT /_fake/lifecycle``
makes creating a computer take S real seconds, without stalling anyone else."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from fake_server import FakeOrgo

KEY = {"Authorization": "Bearer sk_latency"}


@pytest.fixture
def served() -> Iterator[tuple[FakeOrgo, httpx.Client]]:
    fake = FakeOrgo()
    with fake.serve() as server, httpx.Client(base_url=server.url, timeout=30) as http:
        yield fake, http


def _workspace(http: httpx.Client) -> str:
    return str(http.post("/api/workspaces", json={"name": "w"}, headers=KEY).json()["id"])


def _create(http: httpx.Client, workspace: str, name: str) -> tuple[float, float, int]:
    started = time.monotonic()
    response = http.post(
        "/api/computers", json={"workspace_id": workspace, "name": name}, headers=KEY
    )
    return started, time.monotonic(), response.status_code


def test_create_takes_the_latency_and_answers_running(
    served: tuple[FakeOrgo, httpx.Client],
) -> None:
    fake, http = served
    workspace = _workspace(http)
    fake.set_lifecycle(create_latency=0.3)
    started, ended, status = _create(http, workspace, "slow")
    assert status == 201 and ended - started >= 0.3
    computer = fake.computer(next(iter(fake.state.computers)))
    assert fake.state.status(computer) == "running"
    fake.set_lifecycle()  # unnamed settings go back to their defaults
    assert fake.state.lifecycle.create_latency == 0.0


def test_a_slow_create_stalls_no_other_client(served: tuple[FakeOrgo, httpx.Client]) -> None:
    """While three creates wait out their latency, the control surface and other reads
    answer, and the creates overlap (together well under three latencies)."""
    fake, http = served
    workspace = _workspace(http)
    latency = 1.5
    fake.set_lifecycle(create_latency=latency)
    results: list[tuple[float, float, int]] = []

    def create(n: int) -> None:
        with httpx.Client(base_url=fake.url, timeout=30) as own:
            results.append(_create(own, workspace, f"c{n}"))

    threads = [threading.Thread(target=create, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    while fake.counts()["computers"] < 3:  # all three are in, waiting out their latency
        time.sleep(0.01)
    answered_at = time.monotonic()
    assert http.get("/_fake/state").json()["computers"] == 3
    assert http.get(f"/api/workspaces/{workspace}", headers=KEY).status_code == 200
    answered = time.monotonic()
    for thread in threads:
        thread.join()
    assert [status for *_, status in results] == [201, 201, 201]
    first_end = min(end for _, end, _ in results)
    assert answered <= first_end, "other clients waited behind a slow create"
    assert answered_at >= max(start for start, _, _ in results)
    span = max(end for _, end, _ in results) - min(start for start, _, _ in results)
    assert latency <= span < 3 * latency  # overlapped, not one after another


def test_in_memory_transport_waits_too() -> None:
    fake = FakeOrgo()
    fake.set_lifecycle(create_latency=0.2)
    with httpx.Client(
        transport=fake.transport(), base_url="https://www.orgo.ai/api", headers=KEY
    ) as client:
        workspace = client.post("/workspaces", json={"name": "w"}).json()["id"]
        started = time.monotonic()
        response = client.post("/computers", json={"workspace_id": workspace, "name": "c"})
        assert response.status_code == 201 and time.monotonic() - started >= 0.2


def test_control_route(served: tuple[FakeOrgo, httpx.Client]) -> None:
    fake, http = served
    answer = http.put("/_fake/lifecycle", json={"create_latency": 0.25})
    assert answer.status_code == 200 and answer.json()["create_latency"] == 0.25
    assert fake.state.lifecycle.create_latency == 0.25
    for bad in (-1, "soon", 10_000):
        response = http.put("/_fake/lifecycle", json={"create_latency": bad})
        assert response.status_code == 400 and "create_latency" in response.json()["error"]
    with pytest.raises(ValueError, match="cannot be negative"):
        fake.set_lifecycle(create_latency=-0.1)
