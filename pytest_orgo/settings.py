"""Every knob of the plugin, where it comes from, and the computer a test asks for.

Each run setting has a command-line flag and an ini twin; each computer setting comes
from ``@pytest.mark.orgo(...)``. Precedence, as pytest-recording does it: flag >
marker > the overridable ``orgo_config`` fixture > ini > default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from pytest_orgo.errors import OrgoError

DEFAULT_BASE_URL = "https://www.orgo.ai/api"
DEFAULT_MAX_COMPUTERS = 2  # the free plan's limit
DEFAULT_PROVISION_TIMEOUT = 300.0
RAM = (4, 8, 16, 32, 64)
CPU = (0.5, 1, 2, 4, 8, 16)


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


class ComputerSpec(BaseModel):
    """The computer a test gets; ``@pytest.mark.orgo(...)`` keyword arguments."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ram: StrictInt | None = None
    cpu: float | None = None
    os: Literal["linux", "windows"] | None = None
    gpu: Literal["none", "a10", "l40s", "a100-40gb", "a100-80gb"] | None = None
    resolution: StrictStr | None = Field(
        default=None, pattern=r"^[1-9][0-9]{2,3}x[1-9][0-9]{2,3}x(8|16|24|32)$"
    )
    template: StrictStr | None = Field(default=None, pattern=r"^[\w.-]+/[\w.-]+@[\w.-]+$")
    disk_size_gb: StrictInt | None = Field(default=None, ge=8)
    auto_stop_minutes: StrictInt | None = Field(default=None, ge=0)
    name: StrictStr | None = Field(default=None, min_length=1)

    @field_validator("ram")
    @classmethod
    def _ram(cls, value: int | None) -> int | None:
        if value is not None and value not in RAM:
            raise ValueError(f"must be one of {', '.join(map(str, RAM))}")
        return value

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, value: float | None) -> float | None:
        if value is not None and value not in CPU:
            raise ValueError(f"must be one of {', '.join(f'{c:g}' for c in CPU)}")
        return value

    def merged(self, other: ComputerSpec) -> ComputerSpec:
        """This spec with ``other``'s given fields taking precedence."""
        return self.model_copy(update=other.model_dump(exclude_none=True))

    def create_kwargs(self) -> dict[str, Any]:
        fields = self.model_dump(exclude_none=True, exclude={"template", "name"})
        if self.template is not None:
            fields["template_ref"] = self.template
        return fields


class InvalidSpec(ValueError, OrgoError):
    pass


def parse_spec(values: dict[str, Any], *, where: str) -> ComputerSpec:
    """A ComputerSpec, or an InvalidSpec naming each bad key and value."""
    try:
        return ComputerSpec.model_validate(values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            key = ".".join(str(p) for p in error["loc"]) or "marker"
            if error["type"] == "extra_forbidden":
                allowed = ", ".join(ComputerSpec.model_fields)
                problems.append(f"unknown argument {key}={error['input']!r} (allowed: {allowed})")
            else:
                problems.append(f"{key}={error['input']!r}: {_reason(error)}")
        raise InvalidSpec(f"{where}: invalid orgo settings: " + "; ".join(problems)) from None


def _reason(error: Any) -> str:
    """pydantic's message without its ``"Value error, "`` prefix: a validator's own text
    (``must be one of 4, 8, ...``) is what the user needs."""
    cause = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and isinstance(cause, ValueError):
        return str(cause)
    return str(error["msg"])


@dataclass(frozen=True)
class RunSettings:
    live: bool
    base_url: str
    max_computers: int
    keep_on_failure: bool
    provision_timeout: float
    scope: str = "function"
    pool: int = 0
    max_computer_minutes: float = 0.0
