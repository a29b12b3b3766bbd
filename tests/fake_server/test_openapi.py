"""The fake publishes an OpenAPI document of its REST API, and schemathesis fuzzes it.

Why: the document is generated from the route table, so these tests pin three things at
once: the document is valid OpenAPI (schemathesis loads every operation), it covers
every route with the models the handlers really parse, and the fake keeps its promises
under schema-driven fuzzing: no 5xx, every error ``{"error": str, "request_id": uuid}``,
every answer of the documented status, media type and schema.

The fuzzing reaches the fake through its in-memory transport (no socket, no ASGI), with
``max_examples=25`` per operation, positive and negative cases (a negative one must be
refused: schemathesis's ``negative_data_rejection``). Half the cases carry real ids in
their path, and positive ones sometimes in their id fields, so the handlers behind the
404s get fuzzed too.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from fake_server import FakeOrgo
from fake_server.agent.openapi import agent_routes
from fake_server.framework import ApiResponse, Route, Router
from fake_server.openapi import build_document
from fake_server.openapi import document as served_document
from fake_server.routes import api_router
from fake_server.vm_api.dispatch import vm_router

API = "https://www.orgo.ai/api"
KEY = {"Authorization": "Bearer sk_fuzz"}
EXAMPLES = 25
ID_FIELDS = {  # body and query fields that name something, and the world's id for them
    "workspace_id": "workspace_id",
    "project_id": "workspace_id",
    "targetProjectId": "workspace_id",
    "workspaceId": "workspace_id",
    "projectId": "workspace_id",
    "desktopId": "computer_id",
    "id": "file_id",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _document(fake: FakeOrgo) -> dict[str, Any]:
    with httpx.Client(transport=fake.transport(), base_url=API) as client:
        response = client.get("/openapi.json")  # no key: the description is public
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    return document


Operation = APIOperation[Any, Any, Any, Any]
FuzzCase = Case[Operation]


def _load_operations() -> list[Operation]:
    """Every operation of the document as served over ASGI; an invalid one (a dangling
    ref, a bad parameter) fails collection with schemathesis's explanation."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", FakeOrgo().app)
    operations: list[Operation] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    return operations


ALL_OPERATIONS = _load_operations()
VM_ROUTES = {f"{r.method} {r.template}" for r in vm_router(api_router()).routes}
AGENT_ROUTES = {f"{r.method} {r.template}" for r in agent_routes().routes}
CHAT = "POST /v1/chat/completions"  # fails in its own shape: {"error": {"code", ...}}
# the VM API's operations live on another server (publicHost:apiPort), with another token:
# tests/fake_server/vm_api drives them; the fuzzing below is the platform's
OPERATIONS = [op for op in ALL_OPERATIONS if f"{op.method.upper()} {op.path}" not in VM_ROUTES]


# -- the document ----------------------------------------------------------------------


def test_the_document_is_served_without_a_key_and_is_openapi_3_1(fake: FakeOrgo) -> None:
    document = _document(fake)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api"}]
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Authorization: Bearer <ORGO_API_KEY>",
    }
    assert document["security"] == [{"bearer": []}]
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "request_id"]
    assert set(error["properties"]) >= {"error", "request_id", "code"}


def test_schemathesis_loads_every_operation_of_the_served_document() -> None:
    """Loading through the ASGI app proves the HTTP face serves the same document; every
    operation resolves (refs, parameters, bodies) or get_all_operations would error."""
    labels = {f"{op.method.upper()} {op.path}" for op in ALL_OPERATIONS}
    routes = {f"{r.method} {r.template}" for r in api_router().routes} | VM_ROUTES
    routes |= AGENT_ROUTES
    assert labels == routes - {"GET /openapi.json"}  # schemathesis skips the document itself


def test_the_vm_api_is_documented_on_its_own_server_and_token(fake: FakeOrgo) -> None:
    document = _document(fake)
    actions = ("click", "type", "key", "scroll", "drag", "wait", "bash", "exec")
    expected = {"GET /screenshot", *(f"POST /{a}" for a in actions)}
    assert expected == VM_ROUTES
    for label in VM_ROUTES:
        method, path = label.split()
        item = document["paths"][path]
        assert item["servers"][0]["url"] == "http://{publicHost}:{apiPort}"
        assert item[method.lower()]["security"] == [{"vmToken": []}]
    click = document["paths"]["/click"]["post"]["requestBody"]["content"]["application/json"]
    assert click["schema"] == {"$ref": "#/components/schemas/ClickRequest"}
    schemas = document["components"]["schemas"]
    assert set(schemas["VmScreenshotOut"]["required"]) == {"image", "width", "height"}
    assert "desktop_api_token" in schemas["VncPasswordOut"]["properties"]  # newer images
    assert schemas["InstanceDetails"]["properties"]["apiPort"]["type"] == "integer"


def test_the_document_covers_every_route_of_the_router() -> None:
    router = api_router()
    document = build_document(router)
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert documented == {(route.method, route.template) for route in router.routes}
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)), "operation ids must be unique"


def _operation(document: dict[str, Any], route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][route.template][route.method.lower()]
    return operation


@pytest.mark.parametrize("route", api_router().routes, ids=lambda r: f"{r.method} {r.template}")
def test_each_operation_documents_what_its_handler_declares(route: Route) -> None:
    document = served_document()  # what GET /api/openapi.json serves, built once
    operation = _operation(document, route)
    path_names = [p["name"] for p in operation["parameters"] if p["in"] == "path"]
    assert path_names == [name for name in route.regex.groupindex]
    query_names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    expected_query = set(route.query.model_fields) if route.query is not None else set()
    assert query_names == expected_query
    body = operation.get("requestBody")
    if route.body is not None:
        ref = body["content"]["application/json"]["schema"]["$ref"] if body else None
        assert ref == f"#/components/schemas/{route.body.__name__}"
        assert route.body.__name__ in document["components"]["schemas"]
    elif route.form is not None:
        assert body is not None and "multipart/form-data" in body["content"]
    else:
        assert body is None
    assert str(route.status) in operation["responses"]
    assert operation["responses"]["4XX"] == {"$ref": "#/components/responses/Error"}
    assert ("security" in operation) is (not route.auth)


def test_declared_success_statuses_are_what_the_fake_answers(api: httpx.Client) -> None:
    """The 201s moved from the handlers to the route declarations: still answered."""
    workspace = api.post("/workspaces", json={"name": "w"})
    project = api.post("/projects", json={"name": "p"})
    computer = api.post("/computers", json={"workspace_id": workspace.json()["id"], "name": "c"})
    clone = api.post(f"/computers/{computer.json()['id']}/clone")
    listing = api.get("/computers")
    assert [r.status_code for r in (workspace, project, computer, clone, listing)] == [
        201,
        201,
        201,
        201,
        405,
    ]


def test_bodies_are_parsed_where_the_handler_asks_not_before(
    api: httpx.Client, computer: dict[str, object]
) -> None:
    """Declaring the model in the signature changed no order of checks: an unknown
    computer is 404 and a stopped one 400 "not available" before a bad body is 400."""
    bad = {"x": "not a number"}
    assert api.post("/computers/nope/click", json=bad).status_code == 404
    assert api.post(f"/computers/{computer['id']}/stop").status_code == 200
    stopped = api.post(f"/computers/{computer['id']}/click", json=bad)
    assert stopped.json()["error"] == "Desktop instance not available"
    assert api.post(f"/computers/{computer['id']}/start").status_code == 200
    running = api.post(f"/computers/{computer['id']}/click", json=bad)
    assert running.status_code == 400 and running.json()["error"].startswith("Invalid request: x")


def test_a_handler_parameter_must_declare_a_body_or_a_query() -> None:
    def handler(state: object, request: object, extra: int) -> ApiResponse:
        raise AssertionError("never called")

    with pytest.raises(TypeError, match="Body\\[Model\\] or Query\\[Model\\]"):
        Router().add("GET", "/x", handler)


# -- fuzzing ---------------------------------------------------------------------------


class World:
    """One fake with a workspace and a running computer whose ids the fuzzer may use;
    rebuilt when a fuzzed DELETE (or stop) takes them away."""

    def __init__(self) -> None:
        self.fake = FakeOrgo(seed=5)
        self.client = httpx.Client(transport=self.fake.transport(), base_url=API, timeout=30)
        self.ids: dict[str, str] = {}
        self.rebuild()

    def rebuild(self) -> None:
        self.fake.reset()  # seeded: the same calls hand out the same ids every time
        previous = dict(self.ids)
        post = functools.partial(self.client.post, headers=KEY)
        workspace = post("/workspaces", json={"name": "fuzz"}).json()
        computer = post("/computers", json={"workspace_id": workspace["id"], "name": "pc"}).json()
        upload = post(
            "/files/upload",
            data={"workspaceId": workspace["id"]},
            files={"file": ("a.txt", b"hello", "text/plain")},
        ).json()
        shot = self.client.get(f"/computers/{computer['id']}/screenshot", headers=KEY).json()
        self.ids = {
            "workspace_id": workspace["id"],
            "computer_id": computer["id"],
            "name": "fuzz",
            "file_id": upload["file"]["id"],
            "shot_id": shot["metadata"]["id"],
        }
        if previous:
            assert self.ids == previous, "a rebuilt world must have the same ids"

    def healthy(self) -> bool:
        state = self.fake.state
        computer = state.find_computer(self.ids["computer_id"])
        return (
            computer is not None
            and state.status(computer) == "running"
            and self.ids["workspace_id"] in state.workspaces
            and self.ids["file_id"] in state.storage.files
        )

    def send(self, kwargs: dict[str, Any]) -> httpx.Response:
        """Send a schemathesis case, serialized for ``requests``, through httpx."""
        body: dict[str, Any] = {}
        if kwargs.get("json") is not None or "json" in kwargs:
            body["content"] = json.dumps(kwargs["json"]).encode()
        if kwargs.get("files"):
            body["files"] = [
                (name, (filename, _as_bytes(content)))
                for name, (filename, content, *_) in kwargs["files"]
            ]
        data = kwargs.get("data")
        if isinstance(data, (bytes, str)):
            body["content"] = data
        elif data:
            body["data"] = data
        started = time.perf_counter()
        response = self.client.request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params") or None,
            headers=kwargs.get("headers"),
            **body,
        )
        # An in-memory answer is never streamed, so httpx leaves .elapsed unset (as with
        # httpx.MockTransport); schemathesis reads it.
        response.elapsed = timedelta(seconds=time.perf_counter() - started)
        return response


def _as_bytes(value: object) -> bytes:
    """A multipart part's content: negative cases may put any JSON value there."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    world = World()
    yield world
    world.client.close()


def _strategies(operation: Operation, ids: dict[str, str]) -> st.SearchStrategy[FuzzCase]:
    """Positive and negative cases, each with free path parameters (the 404 paths) and
    with the world's real ids fixed in them (so bodies and queries reach the handlers;
    a negative case then breaks something else than the path)."""
    names = [p.name for p in operation.path_parameters]
    real = {name: ids[name] for name in names if name in ids}
    options = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for fixed in ({}, real) if real else ({},):
            try:
                options.append(operation.as_strategy(mode, path_parameters=fixed or None))
            except Exception:  # nothing left to negate once the path is fixed
                continue
    return st.one_of(options)


def _blank(body: object) -> bool:
    """No body at all: the fake takes it as ``{}`` on purpose (clients send bodiless
    POSTs to clone, start, stop). Whitespace alone is not JSON and gets a 400."""
    return isinstance(body, bytes | str) and not body


def _use_real_ids(case: FuzzCase, ids: dict[str, str], data: st.DataObject) -> None:
    """In a positive case, sometimes put real ids in the id-valued body/query fields."""
    for container in (case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name in list(container):
            if name in ID_FIELDS and data.draw(st.booleans(), label=f"real {name}"):
                container[name] = ids[ID_FIELDS[name]]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_schemathesis_finds_no_5xx_and_only_documented_answers(
    operation: Operation, world: World
) -> None:
    statuses: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategies(operation, world.ids), data=st.data())
    def fuzz(case: FuzzCase, data: st.DataObject) -> None:
        negative = case.meta is not None and case.meta.generation.mode.is_negative
        if not negative:
            _use_real_ids(case, world.ids, data)
        if case.headers and "Authorization" in case.headers:
            case.headers.update(KEY)  # any key works; a fixed one keeps to one account
        response = world.send(case.as_transport_kwargs(base_url=API))
        statuses.append(response.status_code)
        checks = CHECKS
        if negative and not _blank(case.body):
            checks = [*CHECKS, negative_data_rejection]
        case.validate_response(response, checks=checks)
        if response.status_code >= 400:
            error = response.json()["error"]
            if operation.label == CHAT:
                assert isinstance(error["code"], str) and error["message"], error
            else:
                assert isinstance(error, str) and error, error
        if not world.healthy():
            world.rebuild()  # same seed, same calls: the same ids again

    fuzz()
    assert statuses and max(statuses) < 500
