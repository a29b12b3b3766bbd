"""The moments ``date -d`` understands, on the fake's clock and in UTC (the desktop's zone):
``@SECONDS``, ISO dates and times (``2024-01-02``, ``2024-01-02 03:04[:05]``, with ``T`` and
``Z``), ``now``/``today``/``yesterday``/``tomorrow``, and relative amounts (``2 hours ago``,
``+3 days``, ``-1 week``) after any of them. GNU's full grammar (weekday names, "next
month", time zones) is refused as an invalid date, as GNU refuses what it cannot read."""

from __future__ import annotations

import datetime as dt
import re

_ABSOLUTE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<z>Z)?)?"
)
_RELATIVE = re.compile(
    r"(?P<amount>[+-]?\s*\d+)?\s*(?P<unit>sec(?:ond)?|min(?:ute)?|hour|day|week|fortnight)s?"
    r"(?P<ago>\s+ago)?",
    re.IGNORECASE,
)
_UNITS = {"sec": 1, "second": 1, "min": 60, "minute": 60, "hour": 3600, "day": 86400,
          "week": 604800, "fortnight": 1209600}  # fmt: skip
_WORDS = {"now": 0, "today": 0, "yesterday": -86400, "tomorrow": 86400}


def parse_date(text: str, now: float) -> float | None:
    """The moment ``text`` names, in seconds since the epoch; None when it names none."""
    rest = text.strip()
    if rest.startswith("@"):
        try:
            return float(rest[1:])
        except ValueError:
            return None
    moment = now
    absolute = _ABSOLUTE.match(rest)
    if absolute:
        day = dt.datetime.fromisoformat(absolute.group("date")).replace(tzinfo=dt.UTC)
        if absolute.group("time"):
            hours, _, minutes = absolute.group("time").partition(":")
            clock = dt.time.fromisoformat(f"{int(hours):02d}:{minutes}")
            day = day.replace(hour=clock.hour, minute=clock.minute, second=clock.second,
                              microsecond=clock.microsecond)  # fmt: skip
        moment = day.timestamp()
        rest = rest[absolute.end() :].strip()
    while rest:
        word = re.match(r"(now|today|yesterday|tomorrow)\b", rest, re.IGNORECASE)
        if word:
            moment += _WORDS[word.group(1).lower()]
            rest = rest[word.end() :].strip()
            continue
        relative = _RELATIVE.match(rest)
        if relative is None or not relative.group(0).strip():
            return None
        amount = int(re.sub(r"\s", "", relative.group("amount") or "1"))
        seconds = amount * _UNITS[relative.group("unit").lower()]
        moment += -seconds if relative.group("ago") else seconds
        rest = rest[relative.end() :].strip()
    return moment
