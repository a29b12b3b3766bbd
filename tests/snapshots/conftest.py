"""Shared by the snapshot tests: pytester for whole runs, and a few image makers.

Inner pytester runs load only what they need (no cache, no hypothesis or benchmark
plugins: ~0.7 s a start otherwise) and must not think they are xdist workers of an outer
``-n`` run.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pytest_orgo.snapshots.compare import phash
from tests.inner_runs import FAST

# (pytester is enabled in tests/conftest.py)

# pytester's in-process runs unload the modules first imported inside them, and numpy's
# C extensions refuse a second load ("cannot load module more than once per process"):
# load what the plugin imports lazily (imagehash's scipy DCT) out here, once.
phash(Image.new("RGB", (8, 8)))

BASE_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
RED = (255, 0, 0)


@pytest.fixture(autouse=True)
def _clean_inner_runs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)
    if "pytester" in request.fixturenames:
        pytester: pytest.Pytester = request.getfixturevalue("pytester")
        pytester.makeini(BASE_INI)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """An in-process inner run (the fake needs no fresh interpreter)."""
    return pytester.runpytest(*FAST, *args)


def write_ini(pytester: pytest.Pytester, **options: str) -> None:
    lines = "".join(f"{name} = {value}\n" for name, value in options.items())
    pytester.makeini(BASE_INI + lines)


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pixels(source: bytes | Path | Image.Image) -> np.ndarray:
    """RGB pixels of an image, PNG bytes or a PNG file, for exact comparisons."""
    if isinstance(source, Path):
        source = source.read_bytes()
    image = Image.open(io.BytesIO(source)) if isinstance(source, bytes) else source
    return np.asarray(image.convert("RGB"))


def artifact(output: str, kind: str) -> Path:
    """The path of an artifact named in a failure message (``expected image: /...``)."""
    match = re.search(rf"{kind} image:\s+(\S+\.png)", output)
    assert match is not None, f"no {kind} image named in:\n{output}"
    return Path(match.group(1))


def box_of(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(x, y, w, h) around the true cells of a boolean image."""
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1
