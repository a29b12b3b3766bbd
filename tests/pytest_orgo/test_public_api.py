"""The package's public face: ``__all__`` resolves, exceptions share one root, and
importing the package (pytest does it on every start) stays cheap."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

import pytest_orgo
from pytest_orgo import OrgoError


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
    assert len(exceptions) >= 25
    assert {
        "ProvisioningError",
        "BudgetExceeded",
        "CassetteError",
        "CassetteMismatch",
        "InvalidCassetteConfig",
        "NetworkBlockedError",
        "SecretLeakError",
        "ScreenshotMismatch",
        "UnreadableBaseline",
        "AudioMismatch",
    } <= set(exceptions)
    not_rooted = sorted(name for name, cls in exceptions.items() if not issubclass(cls, OrgoError))
    assert not_rooted == []
    # still what callers caught before
    assert issubclass(pytest_orgo.EventTimeout, AssertionError | TimeoutError)
    assert issubclass(pytest_orgo.TerminalError, ConnectionError)
    assert issubclass(pytest_orgo.InvalidSpec, ValueError)
    assert issubclass(pytest_orgo.ScreenshotMismatch, AssertionError)
    assert issubclass(pytest_orgo.AudioMismatch, AssertionError)
    assert issubclass(pytest_orgo.InvalidCassetteConfig, ValueError)
    assert issubclass(pytest_orgo.NetworkBlockedError, RuntimeError)
    assert issubclass(pytest_orgo.SizeMismatch, ValueError)


def test_every_exception_class_in_the_package_is_public_and_rooted() -> None:
    """An exception class defined anywhere in pytest_orgo (private helpers aside) is
    exported under its own name: a new one cannot be added and forgotten."""
    import importlib
    import pkgutil

    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(pytest_orgo.__path__, "pytest_orgo."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__.startswith("pytest_orgo")
                and not name.startswith("_")
            ):
                found[value.__name__] = value
    assert found, "no exception classes found"
    missing = sorted(name for name in found if name not in pytest_orgo.__all__)
    assert missing == []
    assert all(issubclass(cls, OrgoError) for cls in found.values())


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


def test_the_old_router_name_still_imports_but_warns() -> None:
    """``Router`` was renamed ``HostRouter`` (the fake's route table is also a Router)."""
    from pytest_orgo import routing

    with pytest.warns(DeprecationWarning, match="now HostRouter"):
        old = routing.Router  # type: ignore[attr-defined]
    assert old is routing.HostRouter
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        routing.Nope  # type: ignore[attr-defined]  # noqa: B018
