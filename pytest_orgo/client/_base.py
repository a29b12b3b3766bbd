"""The I/O-free core shared by :class:`OrgoClient` and :class:`AsyncOrgoClient`.

Why this shape: the client has some forty endpoints and two flavours (sync and async),
and writing each endpoint twice would let the two drift apart. So an endpoint is
written once, as a *flow*: a generator that yields :class:`Call` descriptions (method,
path, query, body, accepted statuses) and is sent back the :class:`httpx.Response`
for each, then returns the parsed result. It does no I/O itself. Each client has a
small runner (``_run``) that drives a flow with ``httpx.Client`` or
``httpx.AsyncClient``; the :class:`Endpoint` descriptor turns a flow into a method of
either client, typed ``(...) -> T`` on the sync one and ``(...) -> Coroutine[..., T]``
on the async one.

Multi-step endpoints (a screenshot stored as a link, a file download, a lookup by name)
are flows that yield more than once. Retrying a 429 is a flow too (:meth:`ClientCore.
_exchange`): it yields the same call again with a ``delay`` the runner sleeps first, so
the policy lives here once and the runners only send and sleep.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    ParamSpec,
    Self,
    TypeVar,
    cast,
    overload,
)
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from ..errors import OrgoAPIError
from ._retry import retry_delay

if TYPE_CHECKING:
    from ._async import AsyncOrgoClient
    from ._sync import OrgoClient

__all__ = ["DEFAULT_BASE_URL", "Call", "ClientCore", "Endpoint", "Flow", "endpoint"]

DEFAULT_BASE_URL = "https://www.orgo.ai/api"
API_KEY_ENV = "ORGO_API_KEY"

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
P = ParamSpec("P")

FileField = tuple[str, bytes, str]  # (filename, content, content type)


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP exchange, described and not done.

    ``path`` is joined onto the client's ``base_url`` (``"/computers/x/click"``), except
    an absolute URL, which is used as is (downloads). ``json`` of ``None`` sends no
    body. ``read_timeout`` raises the client's timeout for answers the server may
    legitimately hold back (``wait``, ``bash``). ``delay`` is the wait before sending,
    set on retries (``0`` still goes through the client's ``sleep``).
    """

    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = None
    data: Mapping[str, str] | None = None
    files: Mapping[str, FileField] | None = None
    expect: frozenset[int] = frozenset({200})
    accept: str = "application/json"
    follow_redirects: bool = False
    read_timeout: float | None = None
    delay: float | None = field(default=None, compare=False)


Flow = Generator[Call, httpx.Response, T]
"""A generator yielding the calls to make, sent each answer, returning the result."""


def path(*segments: str) -> str:
    """``path("computers", id, "click")`` -> ``"/computers/<id>/click"``, ids escaped."""
    return "".join("/" + quote(segment, safe="") for segment in segments)


def parse(response: httpx.Response, model: type[M]) -> M:
    """The answer's JSON as ``model``; an unreadable answer is an :class:`OrgoAPIError`."""
    try:
        body = response.json() if response.content else {}
        return model.model_validate(body)
    except ValueError as exc:  # JSONDecodeError and pydantic's ValidationError
        kind = "shape" if isinstance(exc, ValidationError) else "JSON"
        message = f"Unexpected response {kind} for {model.__name__}: {exc}"
        raise OrgoAPIError.from_response(response, message) from exc


class Endpoint(Generic[P, T]):
    """A flow made into a method of both clients; see the module docstring."""

    def __init__(self, flow: Callable[Concatenate[Any, P], Flow[T]]) -> None:
        self.flow = flow
        functools.update_wrapper(cast(Any, self), flow)  # help() shows the flow's doc
        signature = inspect.signature(flow)
        self._signature = signature.replace(
            parameters=list(signature.parameters.values())[1:],
            return_annotation=inspect.Signature.empty,
        )

    def __repr__(self) -> str:
        return f"<endpoint {self.flow.__qualname__}>"

    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, client: OrgoClient, owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, client: AsyncOrgoClient, owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, client: Any, owner: type[Any]) -> Any:
        if client is None:
            return self
        flow, run = self.flow, client._run

        @functools.wraps(flow)
        def method(*args: Any, **kwargs: Any) -> Any:
            return run(flow(client, *args, **kwargs))

        method.__signature__ = self._signature  # type: ignore[attr-defined]
        return method


def endpoint(flow: Callable[Concatenate[Any, P], Flow[T]]) -> Endpoint[P, T]:
    """Decorator: define an endpoint once, as a flow, for both clients."""
    return Endpoint(flow)


@functools.cache
def _user_agent() -> str:
    try:
        ours = version("pytest-orgo")
    except PackageNotFoundError:
        ours = "dev"
    return f"pytest-orgo/{ours} python-httpx/{httpx.__version__}"


class ClientCore:
    """Configuration and request building, common to both clients."""

    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str,
        timeout: float,
        max_retries: int,
        headers: Mapping[str, str] | None,
    ) -> None:
        key = (api_key if api_key is not None else os.environ.get(API_KEY_ENV, "")).strip()
        if not key:
            raise ValueError(
                f"No Orgo API key: pass api_key=... or set the {API_KEY_ENV} environment variable."
            )
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
        self._api_key = key
        self._base_url = base_url.rstrip("/")
        self._origin = _origin(httpx.URL(self._base_url))
        self._timeout = timeout
        self._max_retries = max_retries
        self._headers = dict(headers or {})

    @property
    def base_url(self) -> str:
        """The API root every path is joined onto (``https://www.orgo.ai/api``)."""
        return self._base_url

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self._base_url!r}>"

    def _build_request(self, call: Call) -> httpx.Request:
        """The request for ``call``. The key goes to the API's own origin and nowhere else."""
        absolute = call.path.startswith(("http://", "https://"))
        url = httpx.URL(call.path if absolute else self._base_url + call.path)
        headers = {"Accept": call.accept, "User-Agent": _user_agent()}
        if _origin(url) == self._origin:
            headers.update(self._headers)
            headers["Authorization"] = f"Bearer {self._api_key}"
        read = max(self._timeout, call.read_timeout or 0.0)
        timeout = httpx.Timeout(self._timeout, read=read)
        return httpx.Request(
            call.method,
            url,
            params=call.params,
            json=call.json,
            data=call.data,
            files=call.files,
            headers=headers,
            extensions={"timeout": timeout.as_dict()},
        )

    # --- flow building blocks, used by the endpoint definitions -------------------

    def _exchange(self, call: Call) -> Flow[httpx.Response]:
        """Send ``call``, retrying 429 up to ``max_retries`` times; raise unless expected."""
        response = yield call
        for retries_done in range(self._max_retries):
            if response.status_code != 429:
                break
            response = yield replace(call, delay=retry_delay(response, retries_done))
        if response.status_code not in call.expect:
            raise OrgoAPIError.from_response(response)
        return response

    def _model(self, model: type[M], call: Call) -> Flow[M]:
        """Send ``call`` and parse its answer as ``model``."""
        response = yield from self._exchange(call)
        return parse(response, model)

    def _download(self, link: str) -> Flow[bytes]:
        """GET a stored file: a link relative to the API origin, or absolute."""
        url = str(httpx.URL(self._base_url).join(link))
        call = Call("GET", url, accept="*/*", follow_redirects=True)
        response = yield from self._exchange(call)
        return response.content


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)
