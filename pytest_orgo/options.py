"""Every run setting of the plugin: its flag, its ini twin, its default.

Each has a command-line flag and an ini option (flag > ini > default; markers and the
``orgo_config`` fixture act per test, in the fixtures). Plain dataclasses: the plugin
reads these on every pytest start, so nothing here imports pydantic or httpx.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DEFAULT_BASE_URL = "https://www.orgo.ai/api"
DEFAULT_MAX_COMPUTERS = 2  # the free plan's limit
DEFAULT_PROVISION_TIMEOUT = 300.0


@dataclass(frozen=True)
class Option:
    """One run setting: its flag, its ini name, how to parse it, its default."""

    name: str  # the attribute on RunSettings and the key in orgo_config
    flag: str
    ini: str
    kind: Literal["bool", "string", "int", "float"]
    default: Any
    help: str


OPTIONS: tuple[Option, ...] = (
    Option(
        "live",
        "--orgo",
        "orgo_live",
        "bool",
        False,
        "run against the live Orgo API (needs ORGO_API_KEY) instead of the bundled fake",
    ),
    Option(
        "base_url",
        "--orgo-base-url",
        "orgo_base_url",
        "string",
        DEFAULT_BASE_URL,
        "the Orgo API root for live runs (a standalone fake works too)",
    ),
    Option(
        "max_computers",
        "--orgo-max-computers",
        "orgo_max_computers",
        "int",
        DEFAULT_MAX_COMPUTERS,
        "live runs: at most this many computers at once, across xdist workers",
    ),
    Option(
        "keep_on_failure",
        "--orgo-keep-on-failure",
        "orgo_keep_on_failure",
        "bool",
        False,
        "leave a failed test's computer running and print how to delete it",
    ),
    Option(
        "provision_timeout",
        "--orgo-provision-timeout",
        "orgo_provision_timeout",
        "float",
        DEFAULT_PROVISION_TIMEOUT,
        "seconds to wait for a computer to be running",
    ),
    Option(
        "scope",
        "--orgo-scope",
        "orgo_scope",
        "string",
        "function",
        "who shares one computer: function (each test its own), class, module or session",
    ),
    Option(
        "pool",
        "--orgo-pool",
        "orgo_pool",
        "int",
        0,
        "keep N computers provisioning ahead of the tests that will take them (0: off)",
    ),
    Option(
        "max_computer_minutes",
        "--orgo-max-computer-minutes",
        "orgo_max_computer_minutes",
        "float",
        0.0,
        "stop provisioning once this many computer-minutes are used or committed, "
        "across xdist workers (0: no limit)",
    ),
)
SCOPES = ("function", "class", "module", "session")


@dataclass(frozen=True)
class RunSettings:
    """The resolved run settings; the defaults are the plugin's (fake mode)."""

    live: bool = False
    base_url: str = DEFAULT_BASE_URL
    max_computers: int = DEFAULT_MAX_COMPUTERS
    keep_on_failure: bool = False
    provision_timeout: float = DEFAULT_PROVISION_TIMEOUT
    scope: str = "function"
    pool: int = 0
    max_computer_minutes: float = 0.0
