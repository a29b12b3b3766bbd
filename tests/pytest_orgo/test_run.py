"""``OrgoRun`` and ``run.computer(...)`` used directly, without the fixtures: the core
``orgo_computer`` wraps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_orgo import ComputerSpec, OrgoAPIError, OrgoRun, ProvisioningError


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[OrgoRun]:
    monkeypatch.delenv("ORGO_API_KEY", raising=False)
    with OrgoRun() as run:
        yield run


def _exists(run: OrgoRun, computer_id: str) -> bool:
    try:
        run.client.get_computer(computer_id)
    except OrgoAPIError as exc:
        assert exc.status == 404
        return False
    return True


def test_a_computer_lives_for_the_block(run: OrgoRun) -> None:
    with run.computer(ComputerSpec(ram=8), name="direct") as computer:
        assert computer.bash("echo hi") == "hi\n"
        assert computer.name == "direct"
        assert computer.info.ram == 8
        assert _exists(run, computer.id)
    assert not _exists(run, computer.id)
    assert run.registry.provisioned == 1


def test_an_error_in_the_block_keeps_it_only_when_asked(run: OrgoRun) -> None:
    with pytest.raises(RuntimeError), run.computer() as deleted:
        raise RuntimeError("boom")
    assert not _exists(run, deleted.id)
    with pytest.raises(RuntimeError), run.computer(keep_on_failure=True) as kept:
        raise RuntimeError("boom")
    assert _exists(run, kept.id)
    with run.computer() as marked:
        marked.keep = True
    assert _exists(run, marked.id)
    summary = run.finish()
    kept_commands = summary["kept"]
    assert isinstance(kept_commands, list)
    assert any(kept.id in command for command in kept_commands)
    assert any(marked.id in command for command in kept_commands)


def test_an_impossible_computer_raises_a_provisioning_error(run: OrgoRun) -> None:
    run.fake.set_plan(allow_windows=False)
    with pytest.raises(ProvisioningError), run.computer(ComputerSpec(os="windows"), timeout=1):
        pytest.fail("the block must not run")


def test_finish_restores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delenv("ORGO_API_KEY", raising=False)
    with OrgoRun() as run:
        assert os.environ["ORGO_API_KEY"] == run.api_key
        assert run.router is None  # routing is the plugin's choice, not the run's
    assert "ORGO_API_KEY" not in os.environ
