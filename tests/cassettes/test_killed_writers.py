"""Cassette writers killed at random points (SIGKILL, 24 times) never leave a cassette that
does not load, nor a temp file that ``git add -A`` would commit; the next run removes
every temp file they left."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from pytest_orgo.cassettes import store
from pytest_orgo.cassettes.temps import IGNORE_ALL, TEMP_DIR, TEMP_MARK

ROOT = Path(__file__).resolve().parents[2]
KILLS = 24

WRITER = """
import itertools, os, sys, time
from pathlib import Path
from pytest_orgo.cassettes import store
from pytest_orgo.cassettes.format import CassetteData, Connection, Frame, Interaction

folder = Path(sys.argv[1])
print("started", flush=True)
for n in itertools.count():
    body = os.urandom(600_000) if n % 2 else (b"x" * 700_000)  # binary: a sidecar too
    url = f"https://www.orgo.ai/api/x/{n}"
    items = [Interaction("GET", url, {}, b"", 200, "OK", {}, body, seq=1)]
    frames = [Frame("recv", "binary", seq=3, data=os.urandom(50_000 + n))]
    socket = Connection("wss://www.orgo.ai/a", 2, 0, frames)
    data = CassetteData(interactions=items, connections=[socket])
    store.write_cassette(folder / f"c{n % 3}.yaml", data, on_chunk=lambda _: time.sleep(0.003))
"""

SESSION_START = """
import sys
from pathlib import Path
from pytest_orgo.cassettes import store
store.read_cassette(Path(sys.argv[1]) / "c0.yaml")
"""


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if TEMP_MARK in p.name]


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=folder, check=True, capture_output=True, text=True
    ).stdout


def test_killed_writers_leave_loadable_cassettes_and_no_committable_temp(tmp_path: Path) -> None:
    folder = tmp_path / "cassettes"
    folder.mkdir()
    _git(tmp_path, "init", "-q")
    chance = random.Random(20261205)
    left_behind = 0
    for _ in range(KILLS):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None and writer.stdout.readline().strip() == "started"
        time.sleep(chance.uniform(0.0, 0.25))
        writer.send_signal(signal.SIGKILL)
        assert writer.wait(timeout=10) == -signal.SIGKILL
        writer.stdout.close()
        for n in range(3):  # every cassette loads (sidecar checked) or is absent
            path = folder / f"c{n}.yaml"
            loaded = store.read_cassette(path)
            assert (loaded is None) == (not path.exists())
        temps = _temps(folder)
        left_behind += bool(temps)
        assert all(t.parent.name == TEMP_DIR for t in temps)  # never beside the cassettes
        staged = _git(tmp_path, "add", "-A", "--dry-run")
        assert TEMP_MARK not in staged and TEMP_DIR not in staged
    assert left_behind >= 3  # the kills did land mid-write
    assert (folder / TEMP_DIR / ".gitignore").read_text() == IGNORE_ALL

    subprocess.run([sys.executable, "-c", SESSION_START, str(folder)], cwd=ROOT, check=True)
    assert _temps(folder) == []  # the next session swept them
    assert sorted(p.name for p in (folder / TEMP_DIR).iterdir()) == [".gitignore"]


def test_leftovers_of_older_versions_beside_the_cassettes_are_swept(tmp_path: Path) -> None:
    old = tmp_path / f".c.yaml{TEMP_MARK}abc123"
    old.write_bytes(b"half a cassette")
    fresh = tmp_path / f".d.yaml{TEMP_MARK}def456"
    fresh.write_bytes(b"maybe still being written")
    stale = time.time() - 3600
    os.utime(old, (stale, stale))
    store.write_cassette(tmp_path / "c.yaml", store.fmt.CassetteData())
    assert not old.exists() and fresh.exists()
