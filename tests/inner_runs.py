"""The flags every pytest run inside the project's tests (pytester, subprocesses) starts
with: no cache, and none of the installed plugins those runs do not use, whose imports
(hypothesis's above all, then pytest-html's) cost up to a second per interpreter start,
and a few hundred inner runs make up most of the suite's time. Blocking an absent
plugin is harmless; a test that needs one names it again (``-p metadata -p html``)."""

from __future__ import annotations

UNUSED_PLUGINS = (
    "cacheprovider",
    "hypothesispytest",
    "benchmark",
    "schemathesis",
    "html",
    "metadata",
)
FAST = tuple(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}"))
