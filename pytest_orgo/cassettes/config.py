"""A cassette's settings: marker keyword arguments, the ``orgo_cassette_config`` fixture,
``--orgo-record-mode`` and its ini twin, validated in one place so a typo fails loudly.

Precedence is the plugin's (and pytest-recording's): flag > marker > fixture > ini >
default. The names follow vcrpy where vcrpy has one (``record_mode``, ``match_on``,
``filter_headers``, ``before_record_request``, ``before_record_response``), so a vcrpy
configuration mostly carries over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from pytest_orgo.errors import OrgoError

if TYPE_CHECKING:
    from pytest_orgo.cassettes.scrub import HeaderFilter

# what a request is matched on (pytest_orgo.cassettes.matching builds the keys); here, so
# reading the options at every pytest start imports no matcher nor scrubber
MATCHERS = ("method", "scheme", "host", "port", "path", "query", "body")
DEFAULT_MATCH_ON = MATCHERS

RECORD_MODES = ("none", "once", "new_episodes", "all")
PACES = ("fast", "recorded")
SERIALIZERS = ("json", "yaml")


class InvalidCassetteConfig(ValueError, OrgoError):
    pass


@dataclass(frozen=True)
class CassetteConfig:
    """Everything one test's cassette needs to know."""

    record_mode: str = "none"
    match_on: tuple[str, ...] = DEFAULT_MATCH_ON
    filter_headers: tuple[HeaderFilter, ...] = ()
    before_record_request: Callable[[Any], Any] | None = None
    before_record_response: Callable[[Any], Any] | None = None
    pace: str = "fast"
    normalize_ids: bool = False
    scrub_fields: tuple[str, ...] = ()
    scrub_env: tuple[str, ...] = ()
    scrub_values: tuple[str, ...] = ()
    scrub_defaults: bool = True
    serializer: str = "json"
    path: str | None = None
    name: str | None = None
    block_network: bool = True

    @classmethod
    def build(cls, values: Mapping[str, Any], *, where: str) -> CassetteConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidCassetteConfig(
                f"{where}: unknown orgo_cassette option(s) {', '.join(unknown)} "
                f"(allowed: {', '.join(sorted(known))})"
            )
        clean: dict[str, Any] = dict(values)
        for name in ("match_on", "filter_headers", "scrub_fields", "scrub_env", "scrub_values"):
            if name in clean:
                value = clean[name]
                clean[name] = (value,) if isinstance(value, str) else tuple(value)
        config = cls(**clean)
        config.check(where)
        return config

    def check(self, where: str) -> None:
        problems = []
        if self.record_mode not in RECORD_MODES:
            problems.append(f"record_mode={self.record_mode!r} (one of {', '.join(RECORD_MODES)})")
        if self.pace not in PACES:
            problems.append(f"pace={self.pace!r} (one of {', '.join(PACES)})")
        if self.serializer not in SERIALIZERS:
            problems.append(f"serializer={self.serializer!r} (one of {', '.join(SERIALIZERS)})")
        bad = [m for m in self.match_on if m not in MATCHERS]
        if bad:
            problems.append(f"match_on={bad!r} (choose from {', '.join(MATCHERS)})")
        for hook in ("before_record_request", "before_record_response"):
            value = getattr(self, hook)
            if value is not None and not callable(value):
                problems.append(f"{hook}={value!r} is not callable")
        if problems:
            raise InvalidCassetteConfig(
                f"{where}: invalid orgo_cassette settings: " + "; ".join(problems)
            )


def merge(
    *,
    ini_mode: str | None,
    fixture: Mapping[str, Any],
    marker: Mapping[str, Any],
    flag_mode: str | None,
    where: str,
) -> CassetteConfig:
    """flag > marker > fixture > ini > default."""
    values: dict[str, Any] = {}
    if ini_mode:
        values["record_mode"] = ini_mode
    values.update(fixture)
    values.update(marker)
    if flag_mode:
        values["record_mode"] = flag_mode
    return CassetteConfig.build(values, where=where)
