"""--orgo-base-url / ini orgo_base_url: where a live run sends its requests."""

from __future__ import annotations

import re

import pytest
from orgo_helpers import StandaloneFake, closed_port, run, run_subprocess, write_ini

# the test records where its computer lives, so the outer test can compare
RECORD_URLS = """
    def test_where(orgo_computer, orgo_client):
        print("BASE", orgo_client.base_url)
        print("EVENTS", orgo_computer.events_url)
        print("ID", orgo_computer.id)
        assert orgo_computer.bash("echo ok") == "ok\\n"
"""


def _printed(result: pytest.RunResult, tag: str) -> str:
    found = re.search(rf"\b{tag} (\S+)", result.stdout.str())
    assert found is not None, f"{tag} not printed"
    return found.group(1)


def test_flag_points_a_live_run_at_the_standalone_fake(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(RECORD_URLS)
    result = run_subprocess(pytester, "-s", "--orgo", "--orgo-base-url", fake_api.url)
    result.assert_outcomes(passed=1)
    assert _printed(result, "BASE") == fake_api.url
    ws_origin = fake_api.origin.replace("http://", "ws://")
    assert _printed(result, "EVENTS").startswith(f"{ws_origin}/desktops/")
    computer_id = _printed(result, "ID")
    created = fake_api.requests("POST", "/computers")
    assert [r["status"] for r in created] == [201]
    assert fake_api.requests("DELETE", f"/computers/{computer_id}")[0]["status"] == 200
    result.stdout.fnmatch_lines([f"orgo: live mode against {fake_api.url}:*"])


def test_ini_points_a_live_run_at_the_standalone_fake(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    write_ini(pytester, orgo_base_url=fake_api.url)
    pytester.makepyfile(RECORD_URLS)
    result = run_subprocess(pytester, "-s", "--orgo")
    result.assert_outcomes(passed=1)
    assert _printed(result, "BASE") == fake_api.url
    assert len(fake_api.requests("POST", "/computers")) == 1


def test_flag_beats_ini(pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str) -> None:
    write_ini(pytester, orgo_base_url=f"http://127.0.0.1:{closed_port()}/api")
    pytester.makepyfile(RECORD_URLS)
    result = run_subprocess(pytester, "-s", "--orgo", "--orgo-base-url", fake_api.url)
    result.assert_outcomes(passed=1)
    assert _printed(result, "BASE") == fake_api.url


def test_unreachable_base_url_errors_the_test_instead_of_hanging(
    pytester: pytest.Pytester, live_env: str
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/api"
    pytester.makepyfile(RECORD_URLS)
    result = run_subprocess(pytester, "--orgo", "--orgo-base-url", url, timeout=30)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*Connection failed on POST /api/workspaces*"])


def test_default_is_the_real_orgo_api(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(["*--orgo-base-url*", "*default: https://www.orgo.ai/api*"])


def test_fake_mode_ignores_the_base_url(
    pytester: pytest.Pytester, fake_api: StandaloneFake
) -> None:
    """Without --orgo the run uses its own in-process fake, whatever the base URL says."""
    pytester.makepyfile(RECORD_URLS)
    result = run(pytester, "-s", "--orgo-base-url", fake_api.url)
    result.assert_outcomes(passed=1)
    assert _printed(result, "BASE") == "https://www.orgo.ai/api"
    result.stdout.fnmatch_lines(["orgo: fake mode*1 computers provisioned"])
    assert fake_api.requests() == []
