"""The /_fake control surface over a socket: safe by default off loopback.

Cross-site browser requests and foreign Host headers (DNS rebinding) are refused with a
403 JSON error; off loopback every control request needs the control token; minting a
key that would reach another account needs it everywhere; the request log never shows a
key or a token in clear. In-process use (the in-memory transport) needs none of this.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from fake_server import FakeOrgo
from fake_server.__main__ import main
from fake_server.control_access import ControlAccess
from fake_server.request_log import redact
from fake_server.serving import off_loopback_warning


@pytest.fixture
def served() -> Iterator[tuple[FakeOrgo, httpx.Client]]:
    fake = FakeOrgo(seed=1)
    with fake.serve(), httpx.Client(base_url=fake.url, timeout=10, trust_env=False) as http:
        yield fake, http


def _refused(response: httpx.Response) -> str:
    assert response.status_code == 403, response.text
    message = response.json()["error"]
    assert isinstance(message, str) and message
    return message


def test_cross_site_text_plain_reset_is_refused(served: tuple[FakeOrgo, httpx.Client]) -> None:
    fake, http = served
    http.post(
        f"{fake.url}/api/workspaces", json={"name": "kept"}, headers={"Authorization": "Bearer k"}
    )
    page = {"Origin": "https://evil.example", "Content-Type": "text/plain"}
    assert "cross-site" in _refused(http.post("/_fake/reset", content=b"x", headers=page))
    assert "cross-site" in _refused(http.post("/_fake/reset", headers={"Origin": "null"}))
    marked = {"Sec-Fetch-Site": "cross-site"}
    _refused(http.post("/_fake/reset", headers=marked))
    assert fake.counts()["workspaces"] == 1  # nothing was reset
    same_origin = {"Origin": fake.url}
    assert http.post("/_fake/reset", headers=same_origin).status_code == 200


def test_a_foreign_host_header_is_refused(served: tuple[FakeOrgo, httpx.Client]) -> None:
    fake, http = served
    assert "DNS rebinding" in _refused(
        http.get("/_fake/requests", headers={"Host": f"attacker.example:{fake.loopback.port}"})  # type: ignore[union-attr]
    )
    for host in ("localhost", "127.0.0.1", f"localhost:{fake.loopback.port}"):  # type: ignore[union-attr]
        assert http.get("/_fake/state", headers={"Host": host}).status_code == 200
    with_token = {"Host": "attacker.example", "X-Orgo-Fake-Token": fake.control_access.token}
    assert http.get("/_fake/state", headers=with_token).status_code == 200


def test_off_loopback_every_control_request_needs_the_token() -> None:
    fake = FakeOrgo(control_token="t" * 20)
    fake.control_access.bind("0.0.0.0")  # as serve --host 0.0.0.0 does
    with fake.serve(), httpx.Client(base_url=fake.url, timeout=10, trust_env=False) as http:
        assert "control token" in _refused(http.get("/_fake/state"))
        assert http.get("/_fake/state", headers={"X-Orgo-Fake-Token": "t" * 20}).status_code == 200
        bearer = {"Authorization": "Bearer " + "t" * 20}
        assert http.post("/_fake/reset", headers=bearer).status_code == 200
        _refused(http.get("/_fake/state", headers={"X-Orgo-Fake-Token": "wrong"}))


def test_malformed_host_and_origin_are_refused_not_500() -> None:
    access = ControlAccess(token="x" * 20)
    assert access.refusal({"host": "[bad"}, "127.0.0.1") is not None
    assert access.refusal({"host": "127.0.0.1", "origin": "http://[bad"}, "127.0.0.1") is not None
    assert access.refusal({"origin": "null"}, "127.0.0.1") is not None
    assert access.refusal({"host": "[::1]:8787"}, "::1") is None


def test_a_peer_off_loopback_needs_the_token() -> None:
    access = ControlAccess(token="x" * 20)
    assert access.refusal({"host": "127.0.0.1:80"}, "127.0.0.1") is None
    assert access.refusal({"host": "127.0.0.1:80"}, "10.0.0.7") is not None
    assert (
        access.refusal({"host": "127.0.0.1:80", "x-orgo-fake-token": "x" * 20}, "10.0.0.7") is None
    )


def test_minting_keys_over_the_network(served: tuple[FakeOrgo, httpx.Client]) -> None:
    fake, http = served
    # grants nothing new (any key already works on the default account): allowed
    assert http.post("/_fake/keys", json={"key": "sk_new"}).status_code == 201
    # another account, or replacing a key: needs the token
    assert "control token" in _refused(
        http.post("/_fake/keys", json={"key": "sk_b", "account_id": "acct-b"})
    )
    _refused(http.post("/_fake/keys", json={"key": "sk_new", "workspace_id": "w"}))
    token = {"X-Orgo-Fake-Token": fake.control_access.token}
    made = http.post("/_fake/keys", json={"key": "sk_b", "account_id": "acct-b"}, headers=token)
    assert made.status_code == 201 and made.json()["account_id"] == "acct-b"


def test_with_an_api_key_list_no_key_is_minted_without_the_token() -> None:
    fake = FakeOrgo(api_keys=["sk_only"])
    with fake.serve(), httpx.Client(base_url=fake.url, timeout=10, trust_env=False) as http:
        _refused(http.post("/_fake/keys", json={"key": "sk_mine"}))
    assert "sk_mine" not in fake.state.keys


def test_in_process_control_needs_no_ceremony() -> None:
    fake = FakeOrgo(api_keys=["sk_only"])
    with httpx.Client(transport=fake.transport(), base_url="https://www.orgo.ai") as http:
        page = {"Origin": "https://evil.example"}  # in-process: the test itself
        assert (
            http.post("/_fake/keys", json={"key": "k", "account_id": "a"}, headers=page).status_code
            == 201
        )
        assert http.post("/_fake/reset").status_code == 200


def test_the_log_never_shows_keys_or_tokens_in_clear(served: tuple[FakeOrgo, httpx.Client]) -> None:
    fake, http = served
    key = "sk_live_0123456789abcdef"
    http.get(
        "/api/workspaces",
        params={"token": "vnc-secret-123", "page": "2"},
        headers={"Authorization": f"Bearer {key}"},
    )
    http.post(
        "/api/workspaces",
        json={"name": "w", "password": "hunter2", "nested": [{"api_key": "sk_x"}]},
        headers={"Authorization": f"Bearer {key}"},
    )
    text = http.get("/_fake/requests").text
    for secret in (key, "vnc-secret-123", "hunter2", "sk_x"):
        assert secret not in text
    first, second = http.get("/_fake/requests").json()["requests"]
    assert first["key"] == redact(key) and first["key"].startswith("sk_l")
    assert "page=2" in first["query"] and "token=" in first["query"]
    assert second["body"]["name"] == "w" and second["body"]["password"] == redact("hunter2")
    assert redact(key) != redact(key + "x")  # keys stay apart
    assert fake.requests()[0].key == key  # the in-process view is whole


def test_serve_off_loopback_warns_loudly_with_the_token() -> None:
    fake = FakeOrgo(control_token="c" * 20)
    fake.control_access.bind("0.0.0.0")
    warning = off_loopback_warning(fake)
    assert "WARNING" in warning and "c" * 20 in warning and "X-Orgo-Fake-Token" in warning


def test_cli_rejects_a_short_control_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--control-token", "short"]) == 2
    assert "--control-token" in capsys.readouterr().err
    assert main(["serve", "--log-body-bytes", "-1"]) == 2
