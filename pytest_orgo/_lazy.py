"""Module attributes loaded on first access (PEP 562), for the packages pytest imports on
every start: ``pytest_orgo`` itself and ``pytest_orgo.cassettes``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(
    package: str, names: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``: ``names`` maps a public name
    to the module defining it. Not cached in the package: each access asks ``sys.modules``
    (a dict lookup once imported), so a module imported afresh - pytester's in-process
    runs drop the modules a run imported - is never shadowed by a stale class."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted([*namespace, *names])

    return __getattr__, __dir__
