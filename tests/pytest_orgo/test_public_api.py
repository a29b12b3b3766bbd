"""The package's public face: ``__all__`` resolves, exceptions share one root, and
importing the package (pytest does it on every start) stays cheap."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

import pytest_orgo
from pytest_orgo import OrgoError

# Exceptions defined in modules whose owners will rebase them on OrgoError later.
NOT_YET_ORGO_ERRORS = {
    "ProvisioningError",
    "CassetteError",
    "CassetteMismatch",
    "InvalidCassetteConfig",
    "NetworkBlockedError",
    "SecretLeakError",
    "ScreenshotMismatch",
    "UnreadableBaseline",
}


def test_every_public_name_resolves() -> None:
    for name in pytest_orgo.__all__:
        assert getattr(pytest_orgo, name) is not None, name
    assert set(pytest_orgo.__all__) == {"__version__", *pytest_orgo._EXPORTS}
    assert set(pytest_orgo.__all__) <= set(dir(pytest_orgo))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = pytest_orgo.Nope  # type: ignore[attr-defined]


def test_the_exceptions_share_one_root() -> None:
    exceptions = {
        name: value
        for name in pytest_orgo.__all__
        if isinstance(value := getattr(pytest_orgo, name), type) and issubclass(value, Exception)
    }
    assert len(exceptions) >= 20
    rooted = {name for name, cls in exceptions.items() if issubclass(cls, OrgoError)}
    assert set(exceptions) - rooted == NOT_YET_ORGO_ERRORS
    # still what callers caught before
    assert issubclass(pytest_orgo.EventTimeout, AssertionError | TimeoutError)
    assert issubclass(pytest_orgo.TerminalError, ConnectionError)
    assert issubclass(pytest_orgo.InvalidSpec, ValueError)


def test_helper_exceptions_carry_their_public_path_and_pickle() -> None:
    error = pytest_orgo.EventTimeout("no clipboard event arrived")
    assert type(error).__module__ == "pytest_orgo.events"
    assert str(pickle.loads(pickle.dumps(error))) == "no clipboard event arrived"
    assert pytest_orgo.TerminalEOF.__module__ == "pytest_orgo.terminal"
    assert pytest_orgo.AudioTimeout.__module__ == "pytest_orgo.audio"


def test_importing_the_package_imports_nothing_heavy() -> None:
    code = (
        "import sys, pytest_orgo, pytest_orgo.errors; "
        "print(sorted(m for m in ('httpx', 'pydantic', 'numpy', 'websockets') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
