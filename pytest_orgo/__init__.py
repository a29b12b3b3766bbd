"""pytest-orgo: test code built on Orgo cloud desktops, against a faithful fake or the live API.

The public names are listed in ``__all__`` and load on first use (a module
``__getattr__``, as PEP 562 allows), so ``import pytest_orgo`` - which pytest does for
every run once the plugin is installed - imports neither httpx nor pydantic nor numpy.

Every exception the package raises on purpose derives from :class:`OrgoError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_orgo._lazy import exports

__version__ = "0.1.0"

# public name -> the module that defines it (imported on first access)
_EXPORTS: dict[str, str] = {
    # the root exception and the API client's
    "OrgoError": "pytest_orgo.errors",
    "OrgoAPIError": "pytest_orgo.errors",
    "OrgoConnectionError": "pytest_orgo.errors",
    # the cores the fixtures wrap: a run, its computers, a cassette
    "OrgoRun": "pytest_orgo.run",
    "RunSettings": "pytest_orgo.options",
    "use_cassette": "pytest_orgo.cassettes.use",
    "CassetteConfig": "pytest_orgo.cassettes.config",
    "CassetteSession": "pytest_orgo.cassettes.session",
    # the client and the computer a test gets
    "OrgoClient": "pytest_orgo.client",
    "AsyncOrgoClient": "pytest_orgo.client",
    "OrgoComputer": "pytest_orgo.computer",
    "ComputerSpec": "pytest_orgo.settings",
    "InvalidSpec": "pytest_orgo.settings",
    "ProvisioningError": "pytest_orgo.provisioning.provisioner",
    "BudgetExceeded": "pytest_orgo.provisioning.budget",
    # the socket helpers
    "Backoff": "pytest_orgo.events",
    "Event": "pytest_orgo.events",
    "EventSpec": "pytest_orgo.events",
    "EventStream": "pytest_orgo.events",
    "AsyncEventStream": "pytest_orgo.events",
    "EventTimeout": "pytest_orgo.events",
    "UnexpectedEvent": "pytest_orgo.events",
    "EventStreamError": "pytest_orgo.events",
    "AudioClip": "pytest_orgo.audio",
    "AudioStream": "pytest_orgo.audio",
    "AsyncAudioStream": "pytest_orgo.audio",
    "AudioFormatError": "pytest_orgo.audio",
    "AudioMismatch": "pytest_orgo.audio",
    "AudioStreamError": "pytest_orgo.audio",
    "AudioTimeout": "pytest_orgo.audio",
    "Terminal": "pytest_orgo.terminal",
    "AsyncTerminal": "pytest_orgo.terminal",
    "TerminalEOF": "pytest_orgo.terminal",
    "TerminalError": "pytest_orgo.terminal",
    "TerminalTimeout": "pytest_orgo.terminal",
    # cassettes and snapshots
    "CassetteError": "pytest_orgo.cassettes.format",
    "CassetteMismatch": "pytest_orgo.cassettes.player",
    "InvalidCassetteConfig": "pytest_orgo.cassettes.config",
    "NetworkBlockedError": "pytest_orgo.cassettes.seams",
    "SecretLeakError": "pytest_orgo.cassettes.store",
    "ScreenshotMismatch": "pytest_orgo.snapshots.messages",
    "UnreadableBaseline": "pytest_orgo.snapshots.capture",
    "SizeMismatch": "pytest_orgo.snapshots.compare",
    "ReportMergeError": "pytest_orgo.report.merge",
}

__all__ = [
    "AsyncAudioStream",
    "AsyncEventStream",
    "AsyncOrgoClient",
    "AsyncTerminal",
    "AudioClip",
    "AudioFormatError",
    "AudioMismatch",
    "AudioStream",
    "AudioStreamError",
    "AudioTimeout",
    "Backoff",
    "BudgetExceeded",
    "CassetteConfig",
    "CassetteError",
    "CassetteMismatch",
    "CassetteSession",
    "ComputerSpec",
    "Event",
    "EventSpec",
    "EventStream",
    "EventStreamError",
    "EventTimeout",
    "InvalidCassetteConfig",
    "InvalidSpec",
    "NetworkBlockedError",
    "OrgoAPIError",
    "OrgoClient",
    "OrgoComputer",
    "OrgoConnectionError",
    "OrgoError",
    "OrgoRun",
    "ProvisioningError",
    "ReportMergeError",
    "RunSettings",
    "ScreenshotMismatch",
    "SecretLeakError",
    "SizeMismatch",
    "Terminal",
    "TerminalEOF",
    "TerminalError",
    "TerminalTimeout",
    "UnexpectedEvent",
    "UnreadableBaseline",
    "__version__",
    "use_cassette",
]

if TYPE_CHECKING:
    from pytest_orgo.audio import (
        AsyncAudioStream,
        AudioClip,
        AudioFormatError,
        AudioMismatch,
        AudioStream,
        AudioStreamError,
        AudioTimeout,
    )
    from pytest_orgo.cassettes.config import CassetteConfig, InvalidCassetteConfig
    from pytest_orgo.cassettes.format import CassetteError
    from pytest_orgo.cassettes.player import CassetteMismatch
    from pytest_orgo.cassettes.seams import NetworkBlockedError
    from pytest_orgo.cassettes.session import CassetteSession
    from pytest_orgo.cassettes.store import SecretLeakError
    from pytest_orgo.cassettes.use import use_cassette
    from pytest_orgo.client import AsyncOrgoClient, OrgoClient
    from pytest_orgo.computer import OrgoComputer
    from pytest_orgo.errors import OrgoAPIError, OrgoConnectionError, OrgoError
    from pytest_orgo.events import (
        AsyncEventStream,
        Backoff,
        Event,
        EventSpec,
        EventStream,
        EventStreamError,
        EventTimeout,
        UnexpectedEvent,
    )
    from pytest_orgo.options import RunSettings
    from pytest_orgo.provisioning.budget import BudgetExceeded
    from pytest_orgo.provisioning.provisioner import ProvisioningError
    from pytest_orgo.report.merge import ReportMergeError
    from pytest_orgo.run import OrgoRun
    from pytest_orgo.settings import ComputerSpec, InvalidSpec
    from pytest_orgo.snapshots.capture import UnreadableBaseline
    from pytest_orgo.snapshots.compare import SizeMismatch
    from pytest_orgo.snapshots.messages import ScreenshotMismatch
    from pytest_orgo.terminal import (
        AsyncTerminal,
        Terminal,
        TerminalEOF,
        TerminalError,
        TerminalTimeout,
    )


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
