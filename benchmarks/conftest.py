"""Benchmarks compare against a named baseline measured in the same run.

Each benchmark declares ``benchmark.extra_info["baseline"]`` (the name of another
benchmark in its group) and ``["target"]`` (the highest acceptable ratio of medians).
At the end, a table of ratios is printed and a missed target fails the run: absolute
times drift from machine to machine, ratios to a floor measured alongside do not. A
benchmark that does a different amount of work than its baseline declares
``["per"]`` (its units of work: frames, requests); the ratio is then of cost per unit.
"""

from __future__ import annotations

from typing import Any

import pytest

# numpy (under the fake) refuses a second import in one process, and pytester's in-process
# runs forget the modules they imported: import the fake once, before any of them
import fake_server  # noqa: F401

pytest_plugins = ["pytester"]  # the plugin-overhead benchmark runs pytest in pytest

_RESULTS: dict[str, dict[str, Any]] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    fixture = getattr(item, "funcargs", {}).get("benchmark")
    stats = getattr(fixture, "stats", None)
    if call.when == "call" and stats is not None and getattr(stats.stats, "data", None):
        _RESULTS[item.name] = {"median": fixture.stats.stats.median, **fixture.extra_info}
    return outcome


def ratios() -> list[tuple[str, str, float, float | None]]:
    rows = []
    for name, result in _RESULTS.items():
        baseline = result.get("baseline")
        if baseline is None or baseline not in _RESULTS:
            continue
        base = _RESULTS[baseline]
        ratio = (result["median"] / result.get("per", 1)) / (base["median"] / base.get("per", 1))
        rows.append((name, baseline, ratio, result.get("target")))
    return rows


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    rows = ratios()
    if not rows:
        return
    terminalreporter.section("ratios to same-run baselines")
    for name, baseline, ratio, target in rows:
        verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
        limit = "" if target is None else f" (target <= {target}x) {verdict}"
        terminalreporter.write_line(f"{name}: {ratio:.2f}x {baseline}{limit}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if any(target is not None and ratio > target for _, _, ratio, target in ratios()):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
