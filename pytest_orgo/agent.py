"""The ``orgo_agent`` fixture and ``@pytest.mark.orgo_agent``: scripting the fake's agent
for this test's computer.

The fixture is a thin view of ``FakeOrgo.agent`` bound to ``orgo_computer``: what it
queues applies to runs on that computer only (the SDK's ``computer.prompt()``, chat
completions with its ``computer_id``), and its ``runs`` are that computer's. The marker
sets the same things declaratively before the test body runs:

    @pytest.mark.orgo_agent(script=[...], default=..., credits=...)

``script`` is a list of steps (or a policy callable) queued for the next run; a list of
such scripts goes in ``scripts=[...]``, one per run. Fake mode only: live runs skip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pytest

from pytest_orgo.computer import OrgoComputer
from pytest_orgo.fixtures import orgo_run

if TYPE_CHECKING:
    from fake_server import FakeOrgo
    from fake_server.agent import AgentRun
    from fake_server.agent.service import Script

MARKER = "orgo_agent"
MARKER_HELP = (
    "orgo_agent(script=[...] | policy, scripts=[[...], ...], default=[...] | policy, "
    "credits=cents): what the fake's agent does on this test's orgo_computer"
)
_ARGUMENTS = ("script", "scripts", "default", "credits")


class OrgoAgent:
    """The fake's agent as one test's computer sees it."""

    def __init__(self, fake: FakeOrgo, computer: OrgoComputer) -> None:
        self.fake = fake
        self.computer = computer

    def script(self, script: Script) -> None:
        """Queue what the next run on this computer does: steps or a policy."""
        self.fake.agent.add_script(script, computer_id=self.computer.id)

    def set_default(self, script: Script | None) -> None:
        """What runs on this computer do once the queue is empty (None: built-in)."""
        self.fake.agent.set_default(script, computer_id=self.computer.id)

    def set_credits(self, cents: int | None) -> None:
        """The account's credit balance for chat completions (None: unlimited)."""
        self.fake.agent.set_credits(cents)

    @property
    def pending(self) -> int:
        return self.fake.agent.pending(self.computer.id)

    @property
    def runs(self) -> list[AgentRun]:
        """This computer's runs, oldest first."""
        return self.fake.agent.runs(self.computer.id)

    @property
    def last_run(self) -> AgentRun:
        runs = self.runs
        if not runs:
            raise AssertionError(
                f"the fake's agent has not run on computer {self.computer.id} in this test"
            )
        return runs[-1]


def _apply_marker(request: pytest.FixtureRequest, agent: OrgoAgent) -> None:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return
    where = f"{request.node.nodeid}: @pytest.mark.{MARKER}"
    unknown = sorted(set(marker.kwargs) - set(_ARGUMENTS))
    if marker.args or unknown:
        given = ", ".join(unknown) or repr(marker.args)
        raise pytest.UsageError(
            f"{where} takes keyword arguments {', '.join(_ARGUMENTS)}; got {given}"
        )
    from fake_server.agent import InvalidScript

    values = marker.kwargs
    scripts: list[Any] = list(values.get("scripts", ()))
    if "script" in values:
        scripts.insert(0, values["script"])
    try:
        for script in scripts:
            _check_script(script, where)
            agent.script(script)
        if "default" in values:
            agent.set_default(values["default"])
        if "credits" in values:
            agent.set_credits(values["credits"])
    except (InvalidScript, ValueError) as exc:
        raise pytest.UsageError(f"{where}: {exc}") from None


def _check_script(script: Any, where: str) -> None:
    if not callable(script) and not (
        isinstance(script, Sequence) and not isinstance(script, str | bytes)
    ):
        raise pytest.UsageError(
            f"{where}: a script is a list of steps or a policy callable, not {script!r}"
        )


@pytest.fixture
def orgo_agent(request: pytest.FixtureRequest, orgo_computer: OrgoComputer) -> OrgoAgent:
    """The fake's scripted agent, bound to this test's ``orgo_computer``."""
    run = orgo_run(request.config)
    if run.live:
        pytest.skip("orgo_agent scripts the bundled fake's agent; this run is live (--orgo)")
    fake = run.fake
    agent = OrgoAgent(fake, orgo_computer)
    _apply_marker(request, agent)
    return agent


@pytest.fixture(autouse=True)
def _orgo_agent_marker(request: pytest.FixtureRequest) -> None:
    """A test with ``@pytest.mark.orgo_agent`` gets its scripts even when it does not
    ask for ``orgo_agent`` itself (only for ``orgo_sdk_computer``, say)."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("orgo_agent")
