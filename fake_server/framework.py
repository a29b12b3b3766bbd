"""The fake's own request/response types and router, independent of any web framework.

The REST API is plain functions from :class:`ApiRequest` to :class:`ApiResponse`. The
ASGI app and the in-memory httpx transport both translate into these, so the two ways
of reaching the fake cannot drift apart, and the in-memory path costs no ASGI machinery.

A route declares what it takes and answers where it is registered: its body and query
models as ``Body[Model]`` / ``Query[Model]`` parameters of the handler, its success status
and answer model on the decorator. :mod:`fake_server.openapi` builds the published
OpenAPI document from those declarations, so the document cannot drift from the code.
"""

from __future__ import annotations

import inspect
import json
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError
from starlette.routing import compile_path

from fake_server.errors import ApiError, bad_request

if TYPE_CHECKING:
    from fake_server.state import ApiKey, State

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", bound=Callable[..., "ApiResponse"])
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


@dataclass
class ApiRequest:
    method: str
    path: str  # below the API root, e.g. "/computers/abc/click"
    query_string: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    origin: str = "https://www.orgo.ai"  # scheme://host[:port] the client called
    path_params: dict[str, str] = field(default_factory=dict)
    key: ApiKey | None = None
    trusted: bool = True  # in-process, or with the control token (see control_access)
    _json: Any = field(default=None, repr=False)
    _query: dict[str, str] | None = field(default=None, repr=False)

    @property
    def query(self) -> dict[str, str]:
        if self._query is None:
            self._query = dict(parse_qsl(self.query_string, keep_blank_values=True))
        return self._query

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; an empty body counts as ``{}``."""
        if self._json is None:
            if not self.body:  # no body at all is {}; whitespace is not JSON
                self._json = {}
            else:
                try:
                    self._json = json.loads(self.body)
                except (ValueError, UnicodeDecodeError):
                    raise bad_request("Invalid JSON body") from None
            if not isinstance(self._json, dict):
                raise bad_request("Request body must be a JSON object")
        result: dict[str, Any] = self._json
        return result

    def model(self, model: type[M]) -> M:
        if self._json is not None:
            return parse_model(model, self._json)
        return parse_json_model(model, self.body)

    def query_model(self, model: type[M]) -> M:
        return parse_model(model, self.query)


def parse_json_model(model: type[M], raw: bytes) -> M:
    """Validate raw JSON in one pass (pydantic's Rust parser): the hot path of every action.
    The errors read as :meth:`ApiRequest.json` and :func:`parse_model` would word them."""
    if not raw:
        return parse_model(model, {})
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(error["type"] == "json_invalid" for error in errors):
            raise bad_request("Invalid JSON body") from None
        if any(error["type"] == "model_type" and not error["loc"] for error in errors):
            raise bad_request("Request body must be a JSON object") from None
        raise bad_request(describe_validation_error(exc)) from None


def parse_model(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise bad_request(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One readable line per problem: ``ram: Input should be 4, 8, 16, 32 or 64 (got 3)``."""
    parts = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"]) or "body"
        message = error["msg"]
        if error["type"] == "missing":
            parts.append(f"{loc} is required")
            continue
        got = error.get("input")
        shown = json.dumps(got) if isinstance(got, str | int | float | bool | None) else None
        parts.append(f"{loc}: {message}" + (f" (got {shown})" if shown is not None else ""))
    return "Invalid request: " + "; ".join(parts)


@dataclass
class ApiResponse:
    status: int = 200
    body: Any = None  # JSON-able, or bytes with media_type
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # real seconds the transport waits before answering
    drop: bool = False  # the transport drops the connection instead of answering
    stream: Iterable[bytes] | None = None  # a body produced while it is read (SSE)

    def encode(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return _ENCODER.encode(self.body).encode()


def ok(body: Any, status: int = 200) -> ApiResponse:
    return ApiResponse(status=status, body=body)


def dump(model: BaseModel, status: int = 200) -> ApiResponse:
    return ApiResponse(status=status, body=model.__pydantic_serializer__.to_json(model))


Handler = Callable[["State", ApiRequest], ApiResponse]


class Body(Generic[M]):
    """A route's JSON body as its model, parsed when the handler asks for it.

    The model is declared once, in the handler's signature (``body: Body[ClickRequest]``):
    the router reads it from there for the OpenAPI document, and the handler gets the
    parsed value typed. Parsing waits for :meth:`parse` so that a handler still checks
    what it checks first (the computer exists, it runs) before a bad body becomes a 400.
    """

    __slots__ = ("_model", "_request", "_value")

    def __init__(self, request: ApiRequest, model: type[M]) -> None:
        self._request = request
        self._model = model
        self._value: M | None = None

    def parse(self) -> M:
        """The validated model; a 400 naming each bad field otherwise."""
        if self._value is None:
            self._value = self._validate()
        return self._value

    def _validate(self) -> M:
        return self._request.model(self._model)


class Query(Body[M]):
    """The query string as its model (``query: Query[ScreenshotQuery]``), parsed on ask."""

    __slots__ = ()

    def _validate(self) -> M:
        return parse_model(self._model, self._request.query)


class RouteOptions(TypedDict, total=False):
    """What a route declares besides its models (which are its handler's parameters)."""

    auth: bool  # default True: needs a Bearer key
    status: int  # the success status, default 200
    answer: type[BaseModel]  # the success answer's model, for the document
    form: type[BaseModel]  # a multipart body the handler parses itself, for the document
    media_type: str  # of the success answer, default application/json
    also: tuple[int, ...]  # other statuses answered in the success shape (resize: 207, 422)


@dataclass(frozen=True)
class Route:
    """One route and what the OpenAPI document says about it.

    ``handler`` is what the dispatcher calls, ``(state, request)``; ``endpoint`` is the
    function as written (its ``Body``/``Query`` parameters filled in by ``handler``).
    ``status`` is the success status: a handler answering 200 on a route declared 201
    answers 201, so the status too is written down once.
    """

    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool
    endpoint: Callable[..., ApiResponse] | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    answer: type[BaseModel] | None = None
    form: type[BaseModel] | None = None
    media_type: str = "application/json"
    also: tuple[int, ...] = ()


def _declared(endpoint: Callable[..., ApiResponse]) -> list[tuple[type[Body[Any]], type[Any]]]:
    """The ``Body[Model]`` / ``Query[Model]`` parameters after ``(state, request)``."""
    parameters = list(inspect.signature(endpoint).parameters.values())[2:]
    if not parameters:
        return []  # nothing to resolve (control routes name some types only for mypy)
    hints = typing.get_type_hints(endpoint)
    declared: list[tuple[type[Body[Any]], type[Any]]] = []
    for parameter in parameters:
        hint = hints.get(parameter.name)
        kind = typing.get_origin(hint)
        if kind not in (Body, Query):
            raise TypeError(
                f"{endpoint.__qualname__}: parameter {parameter.name!r} must be annotated "
                "Body[Model] or Query[Model]"
            )
        declared.append((kind, typing.get_args(hint)[0]))
    return declared


def _bind(
    endpoint: Callable[..., ApiResponse],
    declared: list[tuple[type[Body[Any]], type[Any]]],
    status: int,
) -> Handler:
    """The ``(state, request)`` handler for an endpoint: fills its Body/Query parameters
    and applies the route's declared success status."""
    if not declared and status == 200:
        return endpoint

    def handler(state: State, request: ApiRequest) -> ApiResponse:
        response = endpoint(state, request, *(kind(request, model) for kind, model in declared))
        if response.status == 200 and status != 200:
            response.status = status
        return response

    return handler


class Router:
    """Routes by method and path template (Starlette's path syntax)."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._index: dict[tuple[int, str, str], list[Route]] = {}

    @staticmethod
    def _shape(path: str, *, template: bool) -> tuple[int, str, str]:
        """(segment count, first segment, last segment or "*"): narrows the candidates
        for a path to a handful, so matching does not scan every route."""
        segments = path.strip("/").split("/")
        last = segments[-1]
        if template and "{" in last:
            last = "*"
        return len(segments), segments[0], last

    def add(
        self,
        method: str,
        template: str,
        endpoint: Callable[..., ApiResponse],
        **options: Unpack[RouteOptions],
    ) -> None:
        """Register ``endpoint``: ``(state, request)`` plus any ``Body[M]``/``Query[M]``
        parameters, which declare the route's body and query models."""
        if ":path}" in template or template.startswith("/{"):
            raise ValueError(
                f"a route template needs a literal first segment, no path convertor: {template}"
            )
        declared = _declared(endpoint)
        models = dict(declared)
        status = options.get("status", 200)
        regex, _, _ = compile_path(template)
        route = Route(
            method.upper(),
            template,
            regex,
            _bind(endpoint, declared, status),
            options.get("auth", True),
            endpoint=endpoint,
            body=models.get(Body),
            query=models.get(Query),
            status=status,
            answer=options.get("answer"),
            form=options.get("form"),
            media_type=options.get("media_type", "application/json"),
            also=options.get("also", ()),
        )
        self._register(route)

    def _register(self, route: Route) -> None:
        self.routes.append(route)
        self._index.setdefault(self._shape(route.template, template=True), []).append(route)

    def route(
        self, method: str, template: str, **options: Unpack[RouteOptions]
    ) -> Callable[[E], E]:
        def register(endpoint: E) -> E:
            self.add(method, template, endpoint, **options)
            return endpoint

        return register

    def get(self, template: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        return self.route("GET", template, **options)

    def post(self, template: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        return self.route("POST", template, **options)

    def patch(self, template: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        return self.route("PATCH", template, **options)

    def put(self, template: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        return self.route("PUT", template, **options)

    def delete(self, template: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        return self.route("DELETE", template, **options)

    def include(self, other: Router) -> None:
        for route in other.routes:
            self._register(route)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route for ``method path``; 404 for an unknown path, 405 for a wrong verb."""
        allowed: list[str] = []
        count, first, last = self._shape(path, template=False)
        candidates = self._index.get((count, first, last), []) + self._index.get(
            (count, first, "*"), []
        )
        for route in candidates:
            found = route.regex.match(path)
            if found is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, found.groupdict()
            allowed.append(route.method)
        if allowed:
            raise ApiError(
                405, "Method not allowed", headers={"Allow": ", ".join(sorted(set(allowed)))}
            )
        raise ApiError(404, "Not found")
