"""--orgo / ini orgo_live: the bundled fake by default, the live API (ORGO_API_KEY) on request."""

from __future__ import annotations

import pytest
from orgo_helpers import StandaloneFake, live_args, run, run_subprocess, write_ini

from fake_server.request_log import redact

USES_COMPUTER = """
    def test_one(orgo_computer):
        assert orgo_computer.bash("echo ok") == "ok\\n"
"""


def test_fake_mode_is_the_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(USES_COMPUTER)
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["orgo: fake mode (bundled fake): 1 computers provisioned"])
    result.stdout.no_fnmatch_line("*live mode*")


def test_flag_without_api_key_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORGO_API_KEY", raising=False)
    pytester.makepyfile(USES_COMPUTER)
    result = run(pytester, "--orgo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR == 4
    result.stderr.fnmatch_lines(["*--orgo*needs an API key: set ORGO_API_KEY*"])
    result.stdout.no_fnmatch_line("*passed*")


def test_ini_orgo_live_without_api_key_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORGO_API_KEY", raising=False)
    write_ini(pytester, orgo_live="true")
    pytester.makepyfile(USES_COMPUTER)
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ORGO_API_KEY*"])


def test_empty_api_key_counts_as_missing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORGO_API_KEY", "")
    pytester.makepyfile(USES_COMPUTER)
    result = run(pytester, "--orgo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ORGO_API_KEY*"])


def test_flag_with_api_key_runs_live(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    pytester.makepyfile(USES_COMPUTER)
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [f"orgo: live mode against {fake_api.url}: 1 computers provisioned*"]
    )
    # the computer really was made on the (standalone) "live" server, with our key
    created = fake_api.requests("POST", "/computers")
    assert len(created) == 1 and created[0]["key"] == redact(live_env)  # never in clear
    assert fake_api.state()["computers"] == 0


def test_ini_orgo_live_true_runs_live(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    write_ini(pytester, orgo_live="true", orgo_base_url=fake_api.url)
    pytester.makepyfile(USES_COMPUTER)
    result = run_subprocess(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["orgo: live mode against*1 computers provisioned*"])
    assert len(fake_api.requests("POST", "/computers")) == 1


def test_flag_beats_ini_orgo_live_false(
    pytester: pytest.Pytester, fake_api: StandaloneFake, live_env: str
) -> None:
    write_ini(pytester, orgo_live="false")
    pytester.makepyfile(USES_COMPUTER)
    result = run_subprocess(pytester, *live_args(fake_api))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["orgo: live mode*"])


def test_ini_orgo_live_false_is_fake_mode(pytester: pytest.Pytester) -> None:
    write_ini(pytester, orgo_live="false")
    pytester.makepyfile(USES_COMPUTER)
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["orgo: fake mode*"])


def test_help_lists_the_flag_and_its_ini_twin(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(["*--orgo *live Orgo API*ORGO_API_KEY*", "*orgo_live*"])
