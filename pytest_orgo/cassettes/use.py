"""``use_cassette``: a cassette around any block of code, the core the ``orgo_cassette``
fixture wraps (as vcrpy's and pytest-recording's ``use_cassette``)::

    from pytest_orgo import use_cassette

    with use_cassette("cassettes/login.yaml", record_mode="once") as cassette:
        run_my_agent()          # its Orgo HTTP and WebSocket traffic recorded, or replayed
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pytest_orgo.cassettes.config import CassetteConfig
from pytest_orgo.cassettes.player import CassetteMismatch
from pytest_orgo.cassettes.session import CassetteSession


@contextmanager
def use_cassette(
    path: str | os.PathLike[str],
    *,
    config: CassetteConfig | None = None,
    api_keys: Iterable[str] = (),
    known: dict[str, str] | None = None,
    shown: str | None = None,
    strict: bool = True,
    **options: Any,
) -> Iterator[CassetteSession]:
    """Record or replay the block's traffic in the cassette at ``path``.

    ``options`` are the marker's (``record_mode="once"``, ``match_on=...``, ``pace=...``:
    see :class:`~.config.CassetteConfig`), or pass a whole ``config``. ``ORGO_API_KEY`` and
    ``api_keys`` are scrubbed; ``known`` binds values to fixed placeholders (the fixture
    binds its computer's ids). A request the cassette cannot answer raises in the block;
    with ``strict`` (the default) one the client swallowed raises
    :class:`~.player.CassetteMismatch` when the block ends without another error (the
    fixture passes False and fails the test itself, only when the test passed). The
    cassette is saved on leaving the block when it recorded."""
    if config is None:
        config = CassetteConfig.build(options, where=f"use_cassette({os.fspath(path)!r})")
    elif options:
        raise TypeError("use_cassette takes either config= or options, not both")
    keys = [os.environ.get("ORGO_API_KEY", ""), *api_keys]
    session = CassetteSession(Path(path), config, api_keys=keys, known=known, shown=shown)
    with session:
        yield session
    if strict and session.errors:
        raise CassetteMismatch(
            f"cassette {session.shown} did not match (the client swallowed the error):\n"
            + "\n".join(session.errors)
        )
