"""POST /api/v1/chat/completions: its shape, its own error shape and codes, threads,
cost and credits, and streaming as server-sent events."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from fake_server import FakeOrgo
from fake_server.agent import act, answer, fail
from tests.conftest import API
from tests.fake_server.agent.conftest import complete


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    assert set(error) >= {"type", "message", "code"}, error
    return error


def test_a_completion_and_its_headers(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.add_script([act("screenshot"), act("screenshot"), answer("two looks")])
    response = complete(api, computer["id"], model="claude-haiku-4-5")
    body = response.json()
    assert response.status_code == 200
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["model"] == "claude-haiku-4-5"  # echoed as asked
    assert body["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "two looks"},
            "finish_reason": "stop",
        }
    ]
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert body["orgo"] == {"thread_id": body["orgo"]["thread_id"], "steps": 2, "cost_cents": 3}
    assert response.headers["x-request-id"] == body["id"]
    assert response.headers["x-thread-id"] == body["orgo"]["thread_id"]


@pytest.mark.parametrize(
    "model",
    [
        "claude-sonnet-4-6",
        "claude-sonnet-4.6",
        "claude-opus-4-7",
        "claude-opus-4.6",
        "claude-haiku-4.5",
    ],
)
def test_hyphenated_and_dotted_models_are_accepted(
    api: httpx.Client, computer: dict[str, object], model: str
) -> None:
    response = complete(api, computer["id"], model=model)
    assert response.status_code == 200 and response.json()["model"] == model


def test_the_default_model_is_sonnet_4_6(api: httpx.Client, computer: dict[str, object]) -> None:
    assert complete(api, computer["id"]).json()["model"] == "claude-sonnet-4-6"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"messages": [{"role": "user", "content": "x"}], "model": "gpt-4o"}, "invalid_model"),
        ({"messages": [{"role": "user", "content": "x"}]}, "missing_computer_id"),
        ({"computer_id": "PC", "messages": []}, "empty_messages"),
        ({"computer_id": "PC"}, "empty_messages"),
        (
            {"computer_id": "PC", "messages": [{"role": "assistant", "content": "x"}]},
            "invalid_message_order",
        ),
        (
            {"computer_id": "PC", "messages": [{"role": "user", "content": "x" * 900_000}]},
            "context_overflow",
        ),
        ({"computer_id": "PC", "messages": [{"role": "robot", "content": "x"}]}, "invalid_request"),
        (
            {"computer_id": "PC", "stream": "yes", "messages": [{"role": "user", "content": "x"}]},
            "invalid_request",
        ),
    ],
)
def test_validation_errors_have_their_codes(
    api: httpx.Client, computer: dict[str, object], body: dict[str, Any], code: str
) -> None:
    if body.get("computer_id") == "PC":
        body = {**body, "computer_id": computer["id"]}
    response = api.post("/v1/chat/completions", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["type"]) == (code, "invalid_request")


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b""])
def test_bad_json_is_invalid_json(api: httpx.Client, raw: bytes) -> None:
    response = api.post(
        "/v1/chat/completions", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_json"


def test_a_missing_or_unknown_key_is_invalid_api_key(computer: dict[str, object]) -> None:
    strict = FakeOrgo(api_keys=["sk_good"])
    with httpx.Client(transport=strict.transport(), base_url=API) as client:
        body = {"computer_id": "x", "messages": [{"role": "user", "content": "x"}]}
        for headers in ({}, {"Authorization": "Bearer sk_bad"}):
            response = client.post("/v1/chat/completions", json=body, headers=headers)
            assert response.status_code == 401
            assert error_of(response)["code"] == "invalid_api_key"


def test_unknown_stopped_or_foreign_computer_is_computer_not_found(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    assert error_of(complete(api, "no-such-pc"))["code"] == "computer_not_found"
    api.post(f"/computers/{computer['id']}/stop")
    response = complete(api, computer["id"])
    assert response.status_code == 404 and error_of(response)["code"] == "computer_not_found"
    fake.add_api_key("sk_other", account_id="someone-else")
    api.post(f"/computers/{computer['id']}/start")
    other = complete(api, computer["id"])
    assert other.status_code == 200
    foreign = api.post(
        "/v1/chat/completions",
        json={"computer_id": computer["id"], "messages": [{"role": "user", "content": "x"}]},
        headers={"Authorization": "Bearer sk_other"},
    )
    assert foreign.status_code == 404 and error_of(foreign)["code"] == "computer_not_found"


def test_credits_are_charged_and_run_out(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.set_credits(3)
    first = complete(api, computer["id"]).json()["orgo"]  # default agent: two iterations
    assert (first["cost_cents"], first["credit_balance_cents"]) == (2, 1)
    complete(api, computer["id"])
    refused = complete(api, computer["id"])
    assert refused.status_code == 402
    error = error_of(refused)
    assert (error["code"], error["balance_cents"]) == ("credits_exhausted", 0)


def test_an_anthropic_key_makes_it_free(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.set_credits(0)
    body = {"computer_id": computer["id"], "messages": [{"role": "user", "content": "x"}]}
    response = api.post(
        "/v1/chat/completions", json=body, headers={"x-anthropic-key": "sk-ant-test"}
    )
    assert response.status_code == 200
    assert response.json()["orgo"] == {
        "thread_id": response.headers["x-thread-id"],
        "steps": 1,
        "cost_cents": 0,
        "credit_balance_cents": 0,
    }


def test_a_thread_collects_the_conversation(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    first = complete(api, computer["id"], "first task")
    thread_id = first.headers["x-thread-id"]
    second = complete(api, computer["id"], "second task", thread_id=thread_id)
    assert second.headers["x-thread-id"] == thread_id
    thread = api.get(f"/chat/threads/{thread_id}").json()
    assert [m["content"] for m in thread["messages"]] == [
        "first task",
        "Done: first task",
        "second task",
        "Done: second task",
    ]
    unknown = complete(api, computer["id"], thread_id="nope")
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "thread_not_found"


def test_a_scripted_failure_is_internal_error(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.add_script([fail("the button is gone")])
    response = complete(api, computer["id"])
    assert response.status_code == 500
    assert error_of(response) == {
        "type": "internal_error",
        "message": "the button is gone",
        "code": "internal_error",
    }


def sse_frames(response: httpx.Response) -> list[Any]:
    frames = []
    for line in response.iter_lines():
        if line.startswith("data: "):
            data = line[len("data: ") :]
            frames.append(data if data == "[DONE]" else json.loads(data))
    return frames


def test_streaming_sends_role_content_final_and_done(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.add_script([act("screenshot"), answer("all three words")])
    body = {
        "computer_id": computer["id"],
        "stream": True,
        "messages": [{"role": "user", "content": "go"}],
    }
    with api.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        thread = response.headers["x-thread-id"]
        frames = sse_frames(response)
    assert frames[-1] == "[DONE]"
    chunks = frames[:-1]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[1:-1])
    assert text == "all three words" and len(chunks) == 5
    final = chunks[-1]
    assert final["choices"][0]["finish_reason"] == "stop" and final["usage"]["total_tokens"] > 0
    assert final["orgo"]["thread_id"] == thread and final["orgo"]["steps"] == 1


def test_the_role_delta_arrives_before_the_agent_runs(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.add_script([act("screenshot"), answer()])
    body = {
        "computer_id": computer["id"],
        "stream": True,
        "messages": [{"role": "user", "content": "go"}],
    }
    with api.stream("POST", "/v1/chat/completions", json=body) as response:
        lines = response.iter_lines()
        first = next(lines)
        assert "assistant" in first
        assert fake.agent.runs() == []  # nothing ran yet: the body is produced as it is read
        rest = list(lines)
    assert fake.agent.last_run.outcome == "success" and rest[-2] == "data: [DONE]"


def test_a_failed_streamed_run_ends_with_an_error_frame(
    fake: FakeOrgo, api: httpx.Client, computer: dict[str, object]
) -> None:
    fake.agent.add_script([fail("no luck")])
    body = {
        "computer_id": computer["id"],
        "stream": True,
        "messages": [{"role": "user", "content": "go"}],
    }
    with api.stream("POST", "/v1/chat/completions", json=body) as response:
        frames = sse_frames(response)
    assert frames[1] == {
        "error": {"type": "internal_error", "message": "no luck", "code": "internal_error"}
    }
    assert frames[-1] == "[DONE]"
