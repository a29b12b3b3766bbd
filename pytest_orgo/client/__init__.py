"""A typed client of the Orgo cloud-desktop REST API, sync and async.

Why our own client rather than the official SDK: the fixtures need one that takes an
injectable transport (to talk to the in-process fake), returns typed models, retries
rate limits without really sleeping in tests, and reports failures with their status
and Orgo's error ``code``; the SDK (``requests``, dicts, bare ``Exception``) does none
of these. The same client runs against the fake and the live API.

- :class:`OrgoClient` (``httpx.Client``) and :class:`AsyncOrgoClient`
  (``httpx.AsyncClient``) have the same methods, one per endpoint, defined once
  (see :mod:`._base` for how).
- Answers are pydantic models from :mod:`pytest_orgo.models`.
- Failures raise :class:`~pytest_orgo.errors.OrgoAPIError`; transport failures its
  subclass :class:`~pytest_orgo.errors.OrgoConnectionError` (``status`` 0).
- Only 429 is retried: up to ``max_retries`` times, waiting ``Retry-After`` (seconds or
  an HTTP date) or else 1, 2, 4, ... s, never more than 60 s. 5xx and connection
  errors are not retried.
"""

from ..errors import OrgoAPIError, OrgoConnectionError
from ._async import AsyncOrgoClient
from ._base import DEFAULT_BASE_URL, Call, Endpoint
from ._sync import OrgoClient

__all__ = [
    "DEFAULT_BASE_URL",
    "AsyncOrgoClient",
    "Call",
    "Endpoint",
    "OrgoAPIError",
    "OrgoClient",
    "OrgoConnectionError",
]
