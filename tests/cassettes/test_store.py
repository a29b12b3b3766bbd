"""Writes are atomic (a SIGKILL mid-write leaves the old cassette) and one at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cassette_helpers import frame, interaction, write

from pytest_orgo.cassettes import format as fmt
from pytest_orgo.cassettes import store
from pytest_orgo.cassettes.format import CassetteData, Connection
from pytest_orgo.cassettes.temps import TEMP_DIR, TEMP_MARK

ROOT = Path(__file__).resolve().parents[2]

KILLED_WRITER = """
import sys, time
from pathlib import Path
from pytest_orgo.cassettes import format as fmt
from pytest_orgo.cassettes import store
from pytest_orgo.cassettes.format import CassetteData, Connection, Interaction

def pause(n):
    if n == 2:  # the temp file holds 2 MiB of the new cassette: stop here, be killed
        print("paused", flush=True)
        time.sleep(60)

body = b"y" * 4096
big = [Interaction("GET", f"https://www.orgo.ai/api/x/{i}", {}, b"", 200, "OK", {}, body, seq=i)
       for i in range(2000)]
store.write_cassette(Path(sys.argv[1]), CassetteData(interactions=big), on_chunk=pause)
print("finished", flush=True)
"""


def test_sigkill_while_writing_leaves_the_previous_cassette_intact(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", [interaction(response={"old": True})])
    before = path.read_bytes()
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "paused"
    temps = [p for p in (tmp_path / TEMP_DIR).iterdir() if TEMP_MARK in p.name]
    assert len(temps) == 1 and temps[0].stat().st_size >= 2 * store.CHUNK  # half a file exists...
    writer.send_signal(signal.SIGKILL)
    assert writer.wait(timeout=10) == -signal.SIGKILL
    writer.stdout.close()
    assert path.read_bytes() == before  # ...but not where the cassette is
    loaded = store.read_cassette(path)
    assert loaded is not None and loaded.interactions[0].response_body == b'{"old": true}'
    write(path, [interaction(response={"new": True})])  # the next write sweeps the leftover
    assert sorted(p.name for p in tmp_path.iterdir()) == [TEMP_DIR, "c.yaml"]
    assert [p.name for p in (tmp_path / TEMP_DIR).iterdir()] == [".gitignore"]


def test_a_new_sidecar_never_replaces_the_one_the_old_cassette_uses(tmp_path: Path) -> None:

    path = tmp_path / "c.yaml"
    old = CassetteData(
        connections=[
            Connection("wss://www.orgo.ai/a", 1, 0, [frame("recv", data=b"old" * 100, seq=2)])
        ]
    )
    store.write_cassette(path, old)
    old_sidecar = next(tmp_path.glob("*.bin")).name
    new = CassetteData(
        connections=[
            Connection("wss://www.orgo.ai/a", 1, 0, [frame("recv", data=b"new" * 100, seq=2)])
        ]
    )
    _, blob = fmt.to_document(new)
    assert blob and fmt.sidecar_name("c", blob) != old_sidecar  # named by content
    store.write_cassette(path, new)
    assert [p.name for p in tmp_path.glob("*.bin")] == [fmt.sidecar_name("c", blob)]
    loaded = store.read_cassette(path)
    assert loaded is not None and loaded.connections[0].frames[0].data == b"new" * 100


def test_files_are_readable_like_any_other(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", [interaction()])
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_writers_of_one_cassette_take_turns(tmp_path: Path) -> None:
    """A second writer (another xdist worker) waits for the lock held by the first."""
    path = tmp_path / "c.yaml"
    lock = store.lock_for(path)
    done = threading.Event()
    with lock:

        def writer() -> None:
            write(path, [interaction()])
            done.set()

        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(0.3)
        assert not done.is_set() and not path.exists()
    thread.join(timeout=10)
    assert done.is_set() and store.read_cassette(path) is not None


def test_concurrent_processes_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    script = (
        "import sys; from pathlib import Path\n"
        "from pytest_orgo.cassettes import store\n"
        "from pytest_orgo.cassettes.format import CassetteData, Connection, Interaction\n"
        "n = int(sys.argv[2])\n"
        "body = b'x' * 2000\n"
        "url = f'https://www.orgo.ai/api/{n}/'\n"
        "items = [Interaction('GET', url + str(i), {}, b'', 200, 'OK', {}, body, seq=i)"
        " for i in range(300)]\n"
        "for _ in range(5):\n"
        "    store.write_cassette(Path(sys.argv[1]), CassetteData(interactions=items))\n"
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(path), str(n)], cwd=ROOT)
        for n in range(3)
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0, 0]
    loaded = store.read_cassette(path)
    assert loaded is not None and len(loaded.interactions) == 300
    assert len({i.uri.split("/")[-2] for i in loaded.interactions}) == 1  # one writer's, whole
