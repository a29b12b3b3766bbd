"""The error shape for 401, 404 and 405, and bad JSON (orgo-api.md section 16; "Decisions":
always JSON ``{"error": str, "request_id": str}``; missing key 401 "Missing API key",
unknown key 401 "Invalid API key", unknown id or route 404, wrong verb 405)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from pytest_orgo.fixtures import orgo_run
from tests.contract.contract_support import ContractClient, error_body


@pytest.fixture
def strict_keys(request: pytest.FixtureRequest) -> Iterator[None]:
    """The bundled fake accepts any key unless told otherwise; the real API knows its
    keys. Against the fake, refuse unknown keys for this test (the run's key stays)."""
    run = orgo_run(request.config)
    if run.live:
        yield
        return
    state = run.fake.state
    with state.lock:
        state.add_key(run.api_key)
        state.accept_any_key = False
    try:
        yield
    finally:
        with state.lock:
            state.accept_any_key = True


def test_a_missing_key_is_401(contract: ContractClient) -> None:
    body = error_body(contract.get("/workspaces", auth=False), 401)
    assert body["error"].startswith("Missing API key")


@pytest.mark.usefixtures("strict_keys")
def test_an_unknown_key_is_401(contract: ContractClient) -> None:
    headers = {"Authorization": f"Bearer sk_live_contract_{uuid.uuid4().hex}"}
    body = error_body(contract.get("/workspaces", headers=headers), 401)
    assert body["error"].startswith("Invalid API key")


def test_unknown_ids_and_routes_are_404(contract: ContractClient) -> None:
    for path in (f"/computers/{uuid.uuid4()}", f"/workspaces/{uuid.uuid4()}", "/no-such-route"):
        with contract.recorder.step(f"GET {path.rsplit('/', 1)[0] or path}/..."):
            error_body(contract.get(path), 404)


def test_a_wrong_verb_is_405(contract: ContractClient) -> None:
    with contract.recorder.step("GET /computers (there is no list)"):
        error_body(contract.get("/computers"), 405)
    with contract.recorder.step("DELETE /workspaces"):
        error_body(contract.delete("/workspaces"), 405)


def test_bad_json_is_400(contract: ContractClient) -> None:
    headers = {"Content-Type": "application/json"}
    error_body(contract.post("/workspaces", content=b"{not json", headers=headers), 400)
