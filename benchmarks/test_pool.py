"""The warm pool and shared computers against a slow-to-provision API.

The standalone fake, with creating a computer taking 0.5 s (``create_latency``), and
40 tests in 4 modules that each spend 0.5 s acting on their computer, run in live mode
(``--orgo --orgo-base-url``) with ``-n 2``:

* without the pool (the baseline): each test waits 0.5 s for its computer, then works;
* with ``--orgo-pool 4``: the next computers are created while tests work, so the
  provisioning hides behind the work. Target: at most 60% of the baseline's wall time
  (50% would be provisioning fully hidden and no other cost);
* with ``--orgo-scope module`` (``--dist loadfile``): at most one computer per module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the standalone fake's starter, shared with the tests
from standalone_fake import start_standalone_fake  # noqa: E402

MODULES = 4
TESTS_PER_MODULE = 10
CREATE_LATENCY = 0.5
WORK = 0.5
TARGET = 0.60
ROUNDS = 3  # medians of three: one run on a shared machine is at the mercy of its load
# plugins this suite does not use, whose imports cost seconds per interpreter (x3 with -n 2)
UNUSED = ("cacheprovider", "benchmark", "randomly", "hypothesispytest", "schemathesis")
FAST = ("-q", *(arg for name in UNUSED for arg in ("-p", f"no:{name}")))

SUITE = """
import time
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_works(orgo_computer, n):
    done = time.monotonic() + {work}
    assert orgo_computer.bash("echo hi") == "hi\\n"
    orgo_computer.client.click(orgo_computer.id, 10, 10)
    time.sleep(max(0.0, done - time.monotonic()))
"""


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[str, httpx.Client]]:
    process, url = start_standalone_fake()
    control = httpx.Client(base_url=url.rsplit("/api", 1)[0], timeout=30, trust_env=False)
    try:
        yield url, control
    finally:
        control.close()
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _suite(pytester: pytest.Pytester) -> None:
    for module in range(MODULES):
        pytester.makepyfile(**{f"test_m{module}": SUITE.format(tests=TESTS_PER_MODULE, work=WORK)})


def _run(
    pytester: pytest.Pytester, fake: tuple[str, httpx.Client], *extra: str
) -> list[dict[str, Any]]:
    url, control = fake
    control.post("/_fake/reset").raise_for_status()
    control.put("/_fake/lifecycle", json={"create_latency": CREATE_LATENCY}).raise_for_status()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *FAST,
            "-n",
            "2",
            "--orgo",
            "--orgo-base-url",
            url,
            "--orgo-max-computers",
            "8",
            *extra,
        ],
        cwd=pytester.path,
        env={**os.environ, "ORGO_API_KEY": "sk_bench_pool"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{MODULES * TESTS_PER_MODULE} passed" in result.stdout, result.stdout
    creates = control.get("/_fake/requests", params={"method": "POST", "path": "/computers"})
    return [r for r in creates.json()["requests"] if r["status"] == 201]


@pytest.mark.benchmark(group="pool")
def test_forty_tests_without_pool(
    benchmark: Any, pytester: pytest.Pytester, fake: tuple[str, httpx.Client]
) -> None:
    _suite(pytester)
    benchmark.pedantic(_run, args=(pytester, fake), rounds=ROUNDS, iterations=1)


@pytest.mark.benchmark(group="pool")
def test_forty_tests_with_pool_of_4(
    benchmark: Any, pytester: pytest.Pytester, fake: tuple[str, httpx.Client]
) -> None:
    benchmark.extra_info["baseline"] = "test_forty_tests_without_pool"
    benchmark.extra_info["target"] = TARGET
    _suite(pytester)
    created = benchmark.pedantic(
        _run, args=(pytester, fake, "--orgo-pool", "4"), rounds=ROUNDS, iterations=1
    )
    benchmark.extra_info["computers"] = len(created)


@pytest.mark.benchmark(group="pool")
def test_forty_tests_module_scope(
    benchmark: Any, pytester: pytest.Pytester, fake: tuple[str, httpx.Client]
) -> None:
    benchmark.extra_info["baseline"] = "test_forty_tests_without_pool"
    _suite(pytester)
    created = benchmark.pedantic(
        _run,
        args=(pytester, fake, "--orgo-scope", "module", "--dist", "loadfile"),
        rounds=1,
        iterations=1,
    )
    benchmark.extra_info["computers"] = len(created)
    assert len(created) <= MODULES, f"{len(created)} computers for {MODULES} modules"
