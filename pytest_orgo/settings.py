"""The computer a test asks for: ``@pytest.mark.orgo(...)`` keyword arguments, checked.

Precedence, as pytest-recording does it: flag > marker > the overridable ``orgo_config``
fixture > ini > default. The run settings (flags and ini) are in :mod:`pytest_orgo.options`,
which imports no pydantic: the plugin reads them on every start, this model only when a
test carries a marker or asks for a computer.
"""

from __future__ import annotations

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

RAM = (4, 8, 16, 32, 64)
CPU = (0.5, 1, 2, 4, 8, 16)


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
