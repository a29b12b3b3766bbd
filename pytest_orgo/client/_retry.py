"""How long to wait before sending a rate-limited (429) request again.

Orgo's guidance is exponential backoff from 1 s, doubling, at most 60 s; it publishes
no headers, but the fake (and perhaps one day the live API) sends ``Retry-After``, and a
server that says how long to wait knows better than a formula. So: ``Retry-After`` when
present and readable (delta-seconds or an HTTP date), else the backoff; both capped at
60 s. Pure functions, so the sync and async clients share them and tests need no clock.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["FIRST_DELAY", "MAX_DELAY", "backoff_delay", "parse_retry_after", "retry_delay"]

FIRST_DELAY = 1.0
MAX_DELAY = 60.0


def backoff_delay(retries_done: int) -> float:
    """1, 2, 4, 8, ... seconds for the 1st, 2nd, 3rd, 4th ... retry, capped at 60."""
    return min(FIRST_DELAY * 2.0 ** min(retries_done, 32), MAX_DELAY)


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or ``None`` when it is unreadable.

    A date in the past means "now" (0). ``now`` is for tests; it defaults to the clock.
    """
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000" in the header: UTC with no zone given
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds):
        return None
    return max(seconds, 0.0)


def retry_delay(response: httpx.Response, retries_done: int) -> float:
    """The wait before retry number ``retries_done + 1`` after this 429 answer."""
    header = response.headers.get("retry-after")
    delay = parse_retry_after(header) if header is not None else None
    if delay is None:
        delay = backoff_delay(retries_done)
    return min(delay, MAX_DELAY)
