"""--orgo-provision-timeout / ini orgo_provision_timeout / marker provision_timeout:
provisioning waits for ``running`` with a timeout and a clear error naming the test; a
computer that cannot be created is a clear error too; nothing half-made is left behind.

The fake's computers are ``running`` as soon as they are created, so to make one that
never gets there the live-mode runs go through :class:`StartingProxy`, which forwards to
the standalone fake and reports every computer as ``starting``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess, write_ini

ONE_TEST = """
    def test_needs_a_computer(orgo_computer):
        pass
"""

HOP_BY_HOP = {
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "content-encoding",
    "keep-alive",
}


class StartingProxy(ThreadingHTTPServer):
    """Forwards to the standalone fake; every computer it returns says ``starting``."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = upstream  # http://127.0.0.1:PORT
        self.http = httpx.Client(timeout=10, trust_env=False)
        self.rewritten = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: StartingProxy

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = self.server.http.request(
            self.command, self.server.upstream + self.path, content=body, headers=headers
        )
        content = upstream.content
        if self.path.startswith("/api/computers") and "json" in upstream.headers.get(
            "content-type", ""
        ):
            data = json.loads(content)
            if isinstance(data, dict) and data.get("status") == "running":
                data["status"] = "starting"
                self.server.rewritten += 1
                content = json.dumps(data).encode()
        self.send_response(upstream.status_code)
        for key, value in upstream.headers.items():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def starting_proxy(fake_api: StandaloneFake) -> Iterator[StartingProxy]:
    proxy = StartingProxy(fake_api.origin)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()
    proxy.http.close()


def _assert_nothing_left(fake: StandaloneFake) -> None:
    state = fake.state()
    assert (state["workspaces"], state["computers"]) == (0, 0)


# -- a computer that never gets to "running" -------------------------------------------


def test_flag_timeout_is_a_clear_error_naming_the_test(
    pytester: pytest.Pytester,
    fake_api: StandaloneFake,
    starting_proxy: StartingProxy,
    live_env: str,
) -> None:
    pytester.makepyfile(ONE_TEST)
    result = run_subprocess(
        pytester, "--orgo", "--orgo-base-url", starting_proxy.url, "--orgo-provision-timeout", "1"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*orgo_computer for test_flag_timeout_is_a_clear_error_naming_the_test.py"
            "::test_needs_a_computer: "
            "computer * was not running after 1 s (statuses seen: starting); "
            "raise --orgo-provision-timeout to wait longer*",
        ]
    )
    assert starting_proxy.rewritten >= 2  # created "starting", polled at least once
    # the computer that never started was deleted, and so was the workspace
    created = fake_api.requests("POST", "/computers")
    assert len(created) == 1
    assert len(fake_api.requests("DELETE", "/computers/*")) == 1
    _assert_nothing_left(fake_api)


def test_ini_and_marker_timeouts(
    pytester: pytest.Pytester,
    fake_api: StandaloneFake,
    starting_proxy: StartingProxy,
    live_env: str,
) -> None:
    """ini sets the default (0.5 s); a marker overrides it for its test (0.2 s)."""
    write_ini(pytester, orgo_provision_timeout="0.5")
    pytester.makepyfile(
        """
        import pytest

        def test_ini(orgo_computer):
            pass

        @pytest.mark.orgo(provision_timeout=0.2)
        def test_marker(orgo_computer):
            pass
        """
    )
    result = run_subprocess(pytester, "--orgo", "--orgo-base-url", starting_proxy.url)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*orgo_computer for *.py::test_ini: * not running after 0.5 s*",
            "*orgo_computer for *.py::test_marker: * not running after 0.2 s*",
        ]
    )
    _assert_nothing_left(fake_api)


def test_flag_beats_marker(
    pytester: pytest.Pytester,
    fake_api: StandaloneFake,
    starting_proxy: StartingProxy,
    live_env: str,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.orgo(provision_timeout=60)
        def test_marker(orgo_computer):
            pass
        """
    )
    result = run_subprocess(
        pytester, "--orgo", "--orgo-base-url", starting_proxy.url, "--orgo-provision-timeout", "0.5"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*not running after 0.5 s*"])
    _assert_nothing_left(fake_api)


# -- a computer that cannot be created ---------------------------------------------------


def test_creation_failure_live_is_a_clear_error_naming_the_test(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    fake_api.fault(status=503, path="/computers", method="POST", message="capacity exhausted")
    pytester.makepyfile(ONE_TEST)
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*orgo_computer for test_creation_failure_live_is_a_clear_error_naming_the_test.py"
            "::test_needs_a_computer: could not create computer 'test-needs-a-computer-*'*503*",
        ]
    )
    result.stdout.fnmatch_lines(["*capacity exhausted*"])
    assert [r["status"] for r in fake_api.requests("POST", "/computers")] == [503]
    _assert_nothing_left(fake_api)  # the run's workspace went too


def test_creation_failure_in_fake_mode(pytester: pytest.Pytester) -> None:
    """(Fake-mode provisioning goes straight to the fake's state, not through HTTP, so
    the plan limit, not an injected HTTP fault, is what refuses the computer here.)"""
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def small_plan(orgo_server):
            orgo_server.set_plan(max_ram_gb=8)

        @pytest.mark.orgo(ram=16)
        def test_unlucky(small_plan, orgo_computer):
            pass

        @pytest.mark.orgo(ram=16)
        def test_next_one_is_fine(orgo_server, orgo_computer):
            assert orgo_server.computer(orgo_computer.id).ram == 16
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*orgo_computer for test_creation_failure_in_fake_mode.py::test_unlucky: "
            "could not create computer 'test-unlucky-*' ({'ram': 16})*"
        ]
    )


def test_fake_mode_creation_error_says_which_request(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def small_plan(orgo_server):
            orgo_server.set_plan(max_ram_gb=8)

        @pytest.mark.orgo(ram=16)
        def test_unlucky(small_plan, orgo_computer):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*could not create computer*403 Forbidden on POST /api/computers: Plan limit*"]
    )
    result.stdout.no_fnmatch_line("*on  ?*")


# -- bad values --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1"])
def test_flag_not_positive_is_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile(ONE_TEST)
    result = run(pytester, f"--orgo-provision-timeout={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orgo-provision-timeout must be positive*"])


def test_ini_not_a_number_is_a_usage_error(pytester: pytest.Pytester) -> None:
    write_ini(pytester, orgo_provision_timeout="soon")
    pytester.makepyfile(ONE_TEST)
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*orgo_provision_timeout = 'soon' is not a valid float*"])


@pytest.mark.parametrize("value", ["0", "-5", "'soon'"])
def test_marker_not_positive_is_a_collection_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.orgo(provision_timeout={value})
        def test_bad(orgo_computer):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"*::test_bad: invalid orgo settings: provision_timeout={value} "
            "must be a positive number*"
        ]
    )
