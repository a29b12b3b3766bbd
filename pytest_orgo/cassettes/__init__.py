"""Record and replay a test's Orgo traffic: HTTP (via vcrpy) and WebSocket frames, on one
clock, in one cassette per test, scrubbed of secrets, replayed offline in O(1) per request.

How ``orgo_computer`` behaves under a cassette (a deliberate choice): **provisioning is not
part of the recording.** The cassette starts *after* the test's computer fixture, and the
fixture's values - computer id, instance id, workspace id, name, workspace name and VNC
password - are bound to fixed placeholders (``<COMPUTER_ID_1>``, ``<VNC_PASSWORD_1>``...)
both when recording and when replaying. Replay runs in the default fake mode: the plugin
provisions in-process (no network, ~1 ms), the test's own HTTP and WebSocket traffic is
answered from the cassette, and a recorded ``<COMPUTER_ID_1>`` reads back as this run's id.
So a cassette recorded live (or against the standalone fake) replays with no server and
no network, and provisioning, polling and cleanup never have to be replayed.

Modules: :mod:`.format` (on-disk model, sidecar), :mod:`.loading` (reading, load errors),
:mod:`.scrub` (placeholders), :mod:`.credentials` (what a secret looks like, any
service), :mod:`.forms` (a secret's encodings), :mod:`.store` (atomic, locked writes),
:mod:`.temps` (temp files), :mod:`.matching` (canonical keys), :mod:`.recorder`,
:mod:`.streams` (httpx bodies chunk by chunk), :mod:`.player`, :mod:`.wsfakes`,
:mod:`.seams`, :mod:`.session`, :mod:`.use` (``use_cassette``, the core the fixture
wraps), :mod:`.unused`, :mod:`.plugin` (pytest hooks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_orgo._lazy import exports

# Loaded on first access (PEP 562): the plugin imports this package on every pytest start,
# and vcrpy, yaml and the matchers are only needed by a test under a cassette.
_EXPORTS = {
    "CassetteConfig": "pytest_orgo.cassettes.config",
    "CassetteMismatch": "pytest_orgo.cassettes.player",
    "NetworkBlockedError": "pytest_orgo.cassettes.seams",
    "CassetteSession": "pytest_orgo.cassettes.session",
    "SecretLeakError": "pytest_orgo.cassettes.store",
    "use_cassette": "pytest_orgo.cassettes.use",
}

__all__ = [
    "CassetteConfig",
    "CassetteMismatch",
    "CassetteSession",
    "NetworkBlockedError",
    "SecretLeakError",
    "use_cassette",
]

if TYPE_CHECKING:
    from pytest_orgo.cassettes.config import CassetteConfig
    from pytest_orgo.cassettes.player import CassetteMismatch
    from pytest_orgo.cassettes.seams import NetworkBlockedError
    from pytest_orgo.cassettes.session import CassetteSession
    from pytest_orgo.cassettes.store import SecretLeakError
    from pytest_orgo.cassettes.use import use_cassette


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
