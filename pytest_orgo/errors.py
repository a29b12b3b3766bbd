"""The exceptions of :mod:`pytest_orgo.client`: one type, so callers catch one thing.

Tests run the same code against the fake and against the live Orgo API, and both must
fail the same way. So every failed request raises :class:`OrgoAPIError`, whatever its
status, with what the server said taken apart into attributes: ``status``, ``message``
(the body's ``error``, or ``"Request failed with status N"`` as the official SDK says),
``code`` (Orgo's machine-readable reason, e.g. ``workspace_scope_mismatch``),
``request_id`` (for Orgo's support), the decoded ``body``, ``method`` and ``url``.

Transport failures (connection refused, a connection dropped mid-answer, a timeout)
raise :class:`OrgoConnectionError`, a subclass with ``status == 0``, chained to the
httpx exception (``__cause__``). The choice: a caller that only wants "did the call
work" catches :class:`OrgoAPIError` and is done, while one that cares can catch the
subclass or look at ``status``. They are never retried: a request that may have
reached the server is not sent twice behind the caller's back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["OrgoAPIError", "OrgoConnectionError", "OrgoError"]


class OrgoError(Exception):
    """The root of every exception pytest-orgo raises on purpose: ``except OrgoError``
    catches an API failure, a helper's timeout and a cassette mismatch alike.

    Defined here, in a module that imports nothing heavy (httpx is imported only where a
    response is taken apart), so every other module can derive from it cheaply."""


class OrgoAPIError(OrgoError):
    """A request to the Orgo API failed: an unexpected status, or an unreadable answer."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        method: str = "",
        url: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.request_id = request_id
        self.body = body
        self.method = method
        self.url = url

    @classmethod
    def from_response(cls, response: httpx.Response, message: str | None = None) -> OrgoAPIError:
        """Build the error from a received answer; ``message`` overrides the body's."""
        body = _decode(response)
        found, code = _message_and_code(body)
        request_id = _request_id(body) or response.headers.get("x-request-id")
        return cls(
            response.status_code,
            message or found or f"Request failed with status {response.status_code}",
            code=code,
            request_id=request_id,
            body=body,
            method=response.request.method,
            url=str(response.request.url),
        )

    @property
    def reason(self) -> str:
        """The HTTP reason phrase of ``status`` (``"Forbidden"``), empty when unknown."""
        import httpx

        return httpx.codes.get_reason_phrase(self.status)

    def __str__(self) -> str:
        where = f"{self.method} {_path(self.url)}"
        head = f"{self.status} {self.reason}".rstrip() if self.status else "Connection failed"
        text = f"{head} on {where}: {self.message}"
        return f"{text} (code {self.code})" if self.code else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, message={self.message!r}, "
            f"code={self.code!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only attributes do not survive the default Exception pickling,
        # and pytest-xdist or multiprocessing may need to ship the error.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class OrgoConnectionError(OrgoAPIError):
    """No answer came back: the transport failed (``status`` is 0; see ``__cause__``)."""

    @classmethod
    def from_transport(
        cls, request: httpx.Request, exc: httpx.TransportError
    ) -> OrgoConnectionError:
        detail = str(exc) or "no detail"
        return cls(
            0,
            f"{type(exc).__name__}: {detail}",
            method=request.method,
            url=str(request.url),
        )


def _rebuild(cls: type[OrgoAPIError], args: tuple[Any, ...], state: dict[str, Any]) -> OrgoAPIError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _message_and_code(body: Any) -> tuple[str | None, str | None]:
    """Orgo's ``{"error": "...", "code": ...}``, or the chat endpoints' nested form."""
    if not isinstance(body, dict):
        return None, None
    error = body.get("error")
    if isinstance(error, dict):  # {"error": {"type", "message", "code"}}
        return _str(error.get("message")), _str(error.get("code"))
    return _str(error) or _str(body.get("message")), _str(body.get("code"))


def _request_id(body: Any) -> str | None:
    return _str(body.get("request_id")) if isinstance(body, dict) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _path(url: str) -> str:
    if not url:
        return "?"
    import httpx

    return httpx.URL(url).raw_path.decode("ascii", errors="replace")
