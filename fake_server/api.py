"""The fake's own request/response types and router, independent of any web framework.

The REST API is plain functions from :class:`ApiRequest` to :class:`ApiResponse`. The
ASGI app and the in-memory httpx transport both translate into these, so the two ways
of reaching the fake cannot drift apart, and the in-memory path costs no ASGI machinery.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError
from starlette.routing import compile_path

from fake_server.errors import ApiError, bad_request

if TYPE_CHECKING:
    from fake_server.state import ApiKey, State

M = TypeVar("M", bound=BaseModel)
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
            if not self.body.strip():
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
        return parse_model(model, self.json())

    def query_model(self, model: type[M]) -> M:
        return parse_model(model, self.query)


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

    def encode(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return _ENCODER.encode(self.body).encode()


def ok(body: Any, status: int = 200) -> ApiResponse:
    return ApiResponse(status=status, body=body)


def dump(model: BaseModel, status: int = 200) -> ApiResponse:
    return ApiResponse(status=status, body=model.model_dump(mode="json", exclude_none=False))


Handler = Callable[["State", ApiRequest], ApiResponse]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool


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

    def add(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        if ":path}" in template or template.startswith("/{"):
            raise ValueError(
                f"a route template needs a literal first segment, no path convertor: {template}"
            )
        regex, _, _ = compile_path(template)
        route = Route(method.upper(), template, regex, handler, auth)
        self.routes.append(route)
        self._index.setdefault(self._shape(template, template=True), []).append(route)

    def route(
        self, method: str, template: str, *, auth: bool = True
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.add(method, template, handler, auth=auth)
            return handler

        return register

    def get(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self.route("GET", template, auth=auth)

    def post(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self.route("POST", template, auth=auth)

    def patch(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self.route("PATCH", template, auth=auth)

    def put(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self.route("PUT", template, auth=auth)

    def delete(self, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        return self.route("DELETE", template, auth=auth)

    def include(self, other: Router) -> None:
        for route in other.routes:
            self.add(route.method, route.template, route.handler, auth=route.auth)

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
