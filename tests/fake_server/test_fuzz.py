"""Whatever a client sends, the fake answers below 500, and every error is JSON with an
``error`` string. Hypothesis throws arbitrary JSON bodies, query strings and path
segments at every route (and at wrong verbs), against live ids and made-up ones; and churns
computers (create/delete/clone/restart interleavings) checking nothing stays behind."""

from __future__ import annotations

import gc
import json
import re
import weakref
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server import FakeOrgo

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    [
        "name",
        "workspace_id",
        "project_id",
        "x",
        "y",
        "text",
        "key",
        "seconds",
        "duration",
        "command",
        "code",
        "timeout",
        "ram",
        "cpu",
        "gpu",
        "os",
        "resolution",
        "disk_size_gb",
        "vcpus",
        "mem_gb",
        "direction",
        "amount",
        "button",
        "double",
        "auto_stop_minutes",
        "connection_name",
        "desktopId",
        "path",
        "targetProjectId",
        "template_ref",
        "start_x",
        "end_y",
    ]
)
OBJECTS = st.dictionaries(FIELD_NAMES | st.text(max_size=8), JSON, max_size=6)
BODIES = st.one_of(
    OBJECTS.map(lambda o: json.dumps(o).encode()),
    JSON.map(lambda o: json.dumps(o).encode()),
    st.binary(max_size=64),
)
SEGMENTS = st.text(
    alphabet=st.characters(blacklist_characters="/?#", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=20,
)
QUERIES = st.dictionaries(
    st.sampled_from(
        ["response_format", "id", "workspaceId", "projectId", "desktopId", "expires", "signature"]
    )
    | st.text(max_size=6),
    st.text(max_size=12),
    max_size=3,
)
METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"])


def _world() -> tuple[FakeOrgo, dict[str, str]]:
    fake = FakeOrgo(seed=11)
    answer = fake.dispatcher.handle
    headers = {"authorization": "Bearer k", "content-type": "application/json"}
    ws = json.loads(
        answer("POST", "/api/workspaces", headers=headers, body=b'{"name":"w"}').encode()
    )
    pc = json.loads(
        answer(
            "POST",
            "/api/computers",
            headers=headers,
            body=json.dumps({"workspace_id": ws["id"], "name": "p"}).encode(),
        ).encode()
    )
    return fake, {
        "workspace_id": ws["id"],
        "computer_id": pc["id"],
        "name": "w",
        "instance": pc["instance_id"],
    }


FAKE, IDS = _world()
TEMPLATES = [(route.method, route.template) for route in FAKE.dispatcher.api.routes]


def _fill(template: str, data: Any) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        use_real = data.draw(st.booleans())
        if use_real and name in IDS:
            return IDS[name]
        return data.draw(SEGMENTS)

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, template)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    route=st.sampled_from(TEMPLATES),
    body=BODIES,
    query=QUERIES,
    wrong_verb=st.booleans(),
)
def test_no_route_answers_5xx_or_non_json(
    data: Any, route: tuple[str, str], body: bytes, query: dict[str, str], wrong_verb: bool
) -> None:
    method, template = route
    if wrong_verb:
        method = data.draw(METHODS)
    path = "/api" + _fill(template, data)
    from urllib.parse import urlencode

    answer = FAKE.dispatcher.handle(
        method,
        path,
        query_string=urlencode(query),
        headers={
            "authorization": "Bearer k",
            "content-type": data.draw(
                st.sampled_from(
                    ["application/json", "multipart/form-data; boundary=x", "text/plain"]
                )
            ),
        },
        body=body,
    )
    assert answer.status < 500, (method, path, answer.body)
    if answer.status >= 400:
        assert answer.media_type == "application/json"
        decoded = json.loads(answer.encode())
        error = decoded["error"]
        if template == "/v1/chat/completions" and isinstance(error, dict):  # section 18's shape
            assert set(error) == {"type", "message", "code"} or "balance_cents" in error
            error = error["message"]
        assert isinstance(error, str) and error
    if (
        FAKE.state.find_computer(IDS["computer_id"]) is None
        or IDS["workspace_id"] not in FAKE.state.workspaces
    ):
        globals()["FAKE"], new_ids = _world()
        IDS.update(new_ids)


@settings(max_examples=150, deadline=None)
@given(segments=st.lists(SEGMENTS, min_size=1, max_size=5), method=METHODS, body=BODIES)
def test_arbitrary_paths_are_404_or_405_json(segments: list[str], method: str, body: bytes) -> None:
    fake = FakeOrgo()
    answer = fake.dispatcher.handle(
        method, "/api/" + "/".join(segments), headers={"authorization": "Bearer k"}, body=body
    )
    assert answer.status < 500
    if answer.status >= 400:
        assert isinstance(json.loads(answer.encode())["error"], str)


CHURN_OPS = st.lists(
    st.tuples(
        st.sampled_from(["create", "delete", "clone", "restart", "stop", "start", "action"]),
        st.integers(0, 7),  # which computer, live or deleted
        BODIES,
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=CHURN_OPS, mode=st.sampled_from(["immediate", "delay", "manual"]))
def test_churn_answers_below_500_and_leaves_nothing_behind(
    ops: list[tuple[str, int, bytes]], mode: str
) -> None:
    """Create/delete/clone/restart interleavings with fuzzed action bodies, on live and
    deleted ids: never a 5xx; once every computer is deleted, none of their desktops
    survives a collection and no timer is left on the clock."""
    fake = FakeOrgo(seed=4)
    fake.set_lifecycle(mode, delay=5.0)  # type: ignore[arg-type]
    headers = {"authorization": "Bearer k", "content-type": "application/json"}

    def call(method: str, path: str, body: bytes = b"") -> Any:
        answer = fake.dispatcher.handle(method, "/api" + path, headers=headers, body=body)
        assert answer.status < 500, (method, path, answer.body)
        return json.loads(answer.encode()) if answer.status < 300 else None

    workspace = call("POST", "/workspaces", b'{"name":"churn"}')["id"]
    ids: list[str] = []
    desktops: list[weakref.ref[Any]] = []
    for n, (op, pick, body) in enumerate(ops):
        target = ids[pick % len(ids)] if ids else "missing"
        if op == "create":
            made = call(
                "POST",
                "/computers",
                json.dumps({"workspace_id": workspace, "name": f"c{n}"}).encode(),
            )
        elif op == "clone":
            made = call("POST", f"/computers/{target}/clone", b"{}")
        else:
            made = None
            verb = {"delete": ("DELETE", ""), "action": ("POST", "/click")}.get(
                op, ("POST", f"/{op}")
            )
            call(verb[0], f"/computers/{target}{verb[1]}", body if op == "action" else b"")
        if made is not None:
            ids.append(made["id"])
            desktops.append(weakref.ref(fake.computer(made["id"]).desktop))
        fake.advance(1.0)  # settles some delayed transitions on the way
    for ident in ids:
        if fake.state.find_computer(ident) is not None:
            call("DELETE", f"/computers/{ident}")
    fake.advance(60)  # let settling timers of deleted computers fire (they find nothing)
    gc.collect()
    assert [ref for ref in desktops if ref() is not None] == []
    assert fake.clock.pending() == 0
    assert fake.counts()["computers"] == 0 and fake.event_connections() == []
