"""The fake's agent: what it will do next, what it did, and what it costs.

``FakeOrgo.agent`` is one :class:`AgentService`. A test queues scripts or policies
(``add_script``: consumed one per run, a computer's own queue before the fake-wide one,
the way ``responses`` and moto queue answers), or sets a standing default
(``set_default``), or leaves both alone and gets :func:`default_policy`. Every run is
recorded (``runs()``). Credits are unlimited until a test sets a balance.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fake_server.agent.policy import Policy, ScriptPolicy, default_policy
from fake_server.agent.runs import AgentRun, Front, RunConfig
from fake_server.agent.script import StepLike, parse_steps
from fake_server.agent.threads import ThreadStore

if TYPE_CHECKING:
    from fake_server.backend import Backend
    from fake_server.dispatch import Handle

Script = Sequence[StepLike] | Policy
ANY = "*"  # the queue of the whole fake


def as_policy(script: Script) -> tuple[Policy, str]:
    """A script (validated now, so a bad one fails where it is set) or a policy."""
    if callable(script):
        return script, "policy"
    return ScriptPolicy(parse_steps(script)), "script"


class AgentService:
    """``act`` is the platform dispatcher's entrance: the agent's tool uses go through it
    as REST calls, so they fire events and are logged like any client's."""

    def __init__(self, backend: Backend, act: Handle) -> None:
        self.backend = backend
        self.act = act
        self._lock = threading.Lock()
        self._queues: dict[str, deque[tuple[Policy, str]]] = {}
        self._defaults: dict[str, tuple[Policy, str]] = {}
        self._runs: list[AgentRun] = []
        self.threads = ThreadStore()
        self.credits_cents: int | None = None  # None: unlimited

    # -- what the agent will do -------------------------------------------------------

    def _key(self, computer_id: str | None) -> str:
        return ANY if computer_id is None else self.backend.computer(computer_id).id

    def add_script(self, script: Script, *, computer_id: str | None = None) -> None:
        """Queue what the next run does (on ``computer_id``, or on any computer): a list
        of steps or a policy. Each run takes one from the queue."""
        entry = as_policy(script)
        with self._lock:
            self._queues.setdefault(self._key(computer_id), deque()).append(entry)

    def set_default(self, script: Script | None, *, computer_id: str | None = None) -> None:
        """What runs do when their queues are empty; ``None`` restores the built-in
        default (think, one screenshot, answer ``Done: <instruction>``)."""
        key = self._key(computer_id)
        with self._lock:
            if script is None:
                self._defaults.pop(key, None)
            else:
                self._defaults[key] = as_policy(script)

    def pending(self, computer_id: str | None = None) -> int:
        """How many queued scripts are left (for ``computer_id``, or fake-wide)."""
        with self._lock:
            return len(self._queues.get(self._key(computer_id), ()))

    def next_policy(self, computer_uuid: str) -> tuple[Policy, str]:
        """The policy for a run starting now on this computer (consumes a queued one)."""
        with self._lock:
            for key in (computer_uuid, ANY):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
            for key in (computer_uuid, ANY):
                if key in self._defaults:
                    return self._defaults[key]
        return default_policy, "default"

    # -- what it did ------------------------------------------------------------------

    def start_run(
        self, front: Front, config: RunConfig, *, account_id: str, computer_uuid: str, source: str
    ) -> AgentRun:
        run = AgentRun(
            id=self.backend.ids.uuid(),
            front=front,
            config=config,
            account_id=account_id,
            computer_id=computer_uuid,
            source=source,
        )
        with self._lock:
            self._runs.append(run)
        return run

    def runs(self, computer_id: str | None = None) -> list[AgentRun]:
        """Every run so far, oldest first (on one computer, by UUID or instance id)."""
        with self._lock:
            runs = list(self._runs)
        if computer_id is None:
            return runs
        uuid = self.backend.computer(computer_id).id
        return [run for run in runs if run.computer_id == uuid]

    @property
    def last_run(self) -> AgentRun:
        runs = self.runs()
        if not runs:
            raise LookupError("the fake's agent has not run yet")
        return runs[-1]

    # -- credits ----------------------------------------------------------------------

    def set_credits(self, cents: int | None) -> None:
        """The account's credit balance in cents; ``None`` is unlimited (the default).
        At 0 or below, chat completions answer 402 ``credits_exhausted``."""
        if cents is not None and cents < 0:
            raise ValueError("credits cannot be negative")
        with self._lock:
            self.credits_cents = cents

    def charge(self, cents: int) -> int | None:
        """Take ``cents`` from the balance; the balance after (None when unlimited)."""
        with self._lock:
            if self.credits_cents is None:
                return None
            self.credits_cents = max(0, self.credits_cents - cents)
            return self.credits_cents

    def reset(self) -> None:
        with self._lock:
            self._queues.clear()
            self._defaults.clear()
            self._runs.clear()
            self.credits_cents = None
        self.threads.clear()
