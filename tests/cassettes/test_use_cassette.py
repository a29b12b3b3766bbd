"""``use_cassette`` and ``CassetteSession`` used directly, without the fixture; and the
cassette paths messages name (relative to the working directory)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_orgo import (
    CassetteConfig,
    CassetteError,
    CassetteMismatch,
    CassetteSession,
    OrgoComputer,
    OrgoRun,
    SecretLeakError,
    use_cassette,
)
from pytest_orgo.cassettes.format import CassetteData, Interaction
from pytest_orgo.cassettes.store import write_cassette

CASSETTE = "cassettes/bash.yaml"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OrgoRun]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORGO_API_KEY", raising=False)
    with OrgoRun() as run:
        yield run


@pytest.fixture
def computer(run: OrgoRun) -> Iterator[OrgoComputer]:
    with run.computer() as computer:
        yield computer


def _known(computer: OrgoComputer) -> dict[str, str]:
    return {computer.id: "<COMPUTER_ID_1>"}


def _bash_calls(run: OrgoRun) -> int:
    return len(run.fake.requests("POST", "/computers/*/bash"))


def test_records_then_replays_without_the_server(
    run: OrgoRun, computer: OrgoComputer, tmp_path: Path
) -> None:
    with use_cassette(CASSETTE, record_mode="once", known=_known(computer)) as cassette:
        assert computer.bash("echo hi") == "hi\n"
        assert cassette.recording
    assert (tmp_path / CASSETTE).is_file()
    calls = _bash_calls(run)
    with use_cassette(CASSETTE, known=_known(computer)) as cassette:
        assert computer.bash("echo hi") == "hi\n"
        assert cassette.replaying
    assert _bash_calls(run) == calls  # answered from the cassette


def test_an_unrecorded_request_raises_in_the_block_and_when_swallowed(
    computer: OrgoComputer,
) -> None:
    with use_cassette(CASSETTE, record_mode="once", known=_known(computer)):
        computer.bash("echo hi")
    with (
        pytest.raises(CassetteMismatch, match="no recorded response"),
        use_cassette(CASSETTE, known=_known(computer), strict=False),
    ):
        computer.bash("echo other")
    with (
        pytest.raises(CassetteMismatch) as swallowed,
        use_cassette(CASSETTE, known=_known(computer)),
        contextlib.suppress(CassetteMismatch),  # the code under test hides it
    ):
        computer.bash("echo other")
    assert str(swallowed.value).startswith(
        f"cassette {CASSETTE} did not match (the client swallowed the error)"
    )
    with (
        use_cassette(CASSETTE, known=_known(computer), strict=False) as lenient,
        contextlib.suppress(CassetteMismatch),
    ):
        computer.bash("echo other")
    assert lenient.errors  # strict=False: left to the caller (the fixture)


def test_the_session_is_a_context_manager_too(computer: OrgoComputer) -> None:
    config = CassetteConfig(record_mode="all")
    with CassetteSession(Path(CASSETTE), config, known=_known(computer)) as session:
        computer.bash("echo hi")
    assert session.saved


def test_options_are_checked(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match="unknown orgo_cassette option"),
        use_cassette(tmp_path / "x.yaml", colour="blue"),
    ):
        pytest.fail("the block must not run")


def test_messages_name_the_cassette_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "cassettes" / "broken.yaml"
    broken.parent.mkdir()
    broken.write_text("{not: [valid")
    with pytest.raises(CassetteError) as error, use_cassette(broken):
        pytest.fail("the block must not run")
    assert "cassette cassettes/broken.yaml " in str(error.value)
    assert str(tmp_path) not in str(error.value)
    secret = "sk_live_abcdefghijklmnop"
    leaky = Interaction("GET", "https://www.orgo.ai/api/x", {}, b"", 200, "OK", {}, secret.encode())
    with pytest.raises(SecretLeakError) as leak:
        write_cassette(
            tmp_path / "cassettes" / "leak.yaml",
            CassetteData(interactions=[leaky]),
            secrets={secret: "<KEY>"},
        )
    assert str(leak.value).startswith("refusing to save cassette cassettes/leak.yaml:")
