"""The request log is bounded: the first N bytes of each body, a total byte budget with
the oldest entries evicted first, and an entry cap; what was cut is counted."""

from __future__ import annotations

import httpx

from fake_server import FakeOrgo
from fake_server.request_log import MAX_BODY_BYTES, MAX_TOTAL_BYTES, RequestLog

API = "https://www.orgo.ai/api"
TEN_MB = 10 * 1024 * 1024


def test_thirty_rejected_10_mb_bodies_keep_at_most_the_cap() -> None:
    fake = FakeOrgo()
    body = b"x" * TEN_MB
    with httpx.Client(
        transport=fake.transport(), base_url=API, headers={"Authorization": "Bearer k"}
    ) as http:
        for _ in range(30):
            answer = http.post("/workspaces", content=body, headers={"content-type": "text/plain"})
            assert answer.status_code == 400
    stats = fake.log.stats()
    assert stats["entries"] == 30
    assert stats["body_bytes"] == 30 * MAX_BODY_BYTES <= MAX_TOTAL_BYTES  # 1.9 MB, not 300
    assert stats["dropped_bytes"] == 30 * (TEN_MB - MAX_BODY_BYTES)
    entry = fake.requests()[-1]
    assert entry.body_size == TEN_MB and entry.body_truncated
    assert entry.body == {"size": TEN_MB, "content_type": "text/plain", "truncated": True}


def test_total_budget_evicts_oldest_first_and_counts_it() -> None:
    log = RequestLog(max_body_bytes=100, max_total_bytes=250)
    for n in range(5):
        log.add(
            time=0.0,
            method="POST",
            path=f"/p{n}",
            query="",
            status=200,
            raw_body=b"y" * 100,
            content_type="",
            key=None,
        )
    assert [e.path for e in log.entries()] == ["/p3", "/p4"]
    assert log.stats()["evicted"] == 3 and log.stats()["body_bytes"] == 200
    assert log.stats()["dropped_bytes"] == 300


def test_entry_cap_and_configure() -> None:
    log = RequestLog()
    log.configure(max_entries=3, max_body_bytes=4)
    for n in range(5):
        log.add(
            time=0.0,
            method="GET",
            path=f"/{n}",
            query="",
            status=200,
            raw_body=b'{"a": 1}',
            content_type="application/json",
            key=None,
        )
    assert [e.path for e in log.entries()] == ["/2", "/3", "/4"]
    assert all(e.raw_body == b'{"a"' and e.body["truncated"] for e in log.entries())


def test_small_json_bodies_are_kept_whole(fake: FakeOrgo, api: httpx.Client) -> None:
    api.post("/workspaces", json={"name": "w"})
    [entry] = fake.requests()
    assert entry.body == {"name": "w"} and not entry.body_truncated


def test_the_http_view_reports_the_bounds(fake: FakeOrgo) -> None:
    with httpx.Client(transport=fake.transport(), base_url="https://www.orgo.ai") as http:
        log = http.get("/_fake/requests").json()["log"]
    assert log["max_body_bytes"] == MAX_BODY_BYTES and log["max_total_bytes"] == MAX_TOTAL_BYTES
