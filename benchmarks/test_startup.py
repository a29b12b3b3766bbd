"""What installing the plugin costs a pytest run that uses none of it: a one-test run with
the plugin loaded against the same run with ``-p no:orgo``, in the same run, median of 10
wall times each. Target: at most 1.1x.

Both runs also pass ``-p no:schemathesis`` (the test extra installs it and its plugin
would dominate both) and ``-p no:benchmark``, so the only difference is pytest-orgo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TARGET = 1.1
COMMON = ("-q", "-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:schemathesis")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n")
    return tmp_path


def _start(project: Path, *extra: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *COMMON, *extra, "test_one.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.benchmark(group="startup")
def test_start_without_the_plugin(benchmark: Any, project: Path) -> None:
    benchmark.pedantic(_start, args=(project, "-p", "no:orgo"), rounds=10, iterations=1)


@pytest.mark.benchmark(group="startup")
def test_start_with_the_plugin_and_no_orgo_fixture(benchmark: Any, project: Path) -> None:
    benchmark.extra_info["baseline"] = "test_start_without_the_plugin"
    benchmark.extra_info["target"] = TARGET
    benchmark.pedantic(_start, args=(project,), rounds=10, iterations=1)
