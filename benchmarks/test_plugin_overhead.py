"""What a computer per test costs: 1,000 tests each with its own fake ``orgo_computer``
beside 1,000 tests with a trivial fixture, in the same run. Target: at most 1.5 s extra
in total (1.5 ms a test); moto's ``mock_aws`` costs about 64 ms a test on this machine."""

from __future__ import annotations

from typing import Any

import pytest

TESTS = 1000
TARGET_EXTRA_PER_TEST = 0.0015
_MEDIANS: dict[str, float] = {}

TRIVIAL = """
import pytest

@pytest.fixture
def thing():
    return object()

@pytest.mark.parametrize("n", range({n}))
def test_it(thing, n):
    assert thing is not None
"""

WITH_COMPUTER = """
import pytest

@pytest.mark.parametrize("n", range({n}))
def test_it(orgo_computer, n):
    assert orgo_computer.instance_id
"""


def _run(pytester: pytest.Pytester, source: str) -> None:
    pytester.makepyfile(test_suite=source.format(n=TESTS))
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "no:benchmark")
    result.assert_outcomes(passed=TESTS)


@pytest.mark.benchmark(group="plugin-overhead")
def test_thousand_tests_trivial_fixture(benchmark: Any, pytester: pytest.Pytester) -> None:
    benchmark.pedantic(_run, args=(pytester, TRIVIAL), rounds=3, iterations=1)
    _MEDIANS["trivial"] = benchmark.stats.stats.median


@pytest.mark.benchmark(group="plugin-overhead")
def test_thousand_tests_each_with_a_fake_computer(
    benchmark: Any, pytester: pytest.Pytester
) -> None:
    benchmark.extra_info["baseline"] = "test_thousand_tests_trivial_fixture"
    benchmark.pedantic(_run, args=(pytester, WITH_COMPUTER), rounds=3, iterations=1)
    extra = benchmark.stats.stats.median - _MEDIANS["trivial"]
    benchmark.extra_info["extra_seconds_total"] = round(extra, 3)
    benchmark.extra_info["extra_ms_per_test"] = round(extra / TESTS * 1000, 3)
    assert extra / TESTS <= TARGET_EXTRA_PER_TEST, f"{extra / TESTS * 1000:.2f} ms extra per test"
