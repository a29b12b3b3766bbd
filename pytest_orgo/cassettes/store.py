"""Where cassettes live and how they are written: atomically, one writer per file.

* **Atomic**: bytes go to a temp file beside the cassettes (in their git-ignored
  ``.orgo-tmp/``, so ``os.replace`` is a rename on one filesystem), are fsynced, then
  renamed over the target, and the directory is fsynced. A reader - or a process killed
  mid-write - sees the old file or the new one, never half of either. Leftover temp files
  of a killed writer are never committed and are swept by the next write or session
  (:mod:`.temps`).
* **Sidecar first**: the sidecar is named after its own hash, written before the cassette
  that points at it, and older sidecars are deleted only after the new cassette is in
  place. Killed anywhere in between, the old cassette still has its old sidecar.
* **One writer**: xdist workers (or two runs) recording the same test take a
  :class:`filelock.FileLock` per cassette path, kept in the temp directory so no lock
  files litter the repository.
* **Refused if leaking**: :func:`write_cassette` runs the final secret scan on the exact
  bytes it is about to write and raises :class:`SecretLeakError` instead of writing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from filelock import FileLock

from pytest_orgo._paths import display
from pytest_orgo.cassettes import format as fmt
from pytest_orgo.cassettes.credentials import provider_keys
from pytest_orgo.cassettes.loading import RESTORE, document_of
from pytest_orgo.cassettes.scrub import find_leak
from pytest_orgo.cassettes.temps import make_temp, sweep, sweep_once
from pytest_orgo.errors import OrgoError

EXTENSIONS = (".yaml", ".yml", ".json")
CHUNK = 1 << 20


class SecretLeakError(OrgoError):
    """A cassette still held a known secret after scrubbing: it was not written."""


def lock_for(path: Path) -> FileLock:
    """A lock shared by every process on this machine that writes ``path``."""
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:20]
    directory = Path(tempfile.gettempdir()) / "pytest-orgo-cassette-locks"
    directory.mkdir(parents=True, exist_ok=True)
    return FileLock(str(directory / f"{digest}.lock"), timeout=120)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be fsynced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(
    path: Path, chunks: Iterable[bytes], *, on_chunk: Callable[[int], None] | None = None
) -> None:
    """Write ``chunks`` to ``path`` so that no reader ever sees a partial file.

    ``on_chunk(n)`` runs after the n-th chunk reached the temp file (a test seam: a
    writer can be paused there and killed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = make_temp(path)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would make cassettes private
        with os.fdopen(fd, "wb") as out:
            for n, chunk in enumerate(chunks, start=1):
                out.write(chunk)
                if on_chunk is not None:
                    out.flush()
                    on_chunk(n)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(path.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _chunks(data: bytes) -> Iterable[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def _remove_stale(path: Path, keep_sidecar: str | None) -> None:
    """Temp files killed writers left, and sidecars no longer referenced."""
    sweep(path.parent)
    stem = path.stem
    for other in path.parent.iterdir():
        name = other.name
        stale_sidecar = (
            name.startswith(f"{stem}.") and name.endswith(".bin") and name != keep_sidecar
        )
        if stale_sidecar and name.count(".") != stem.count(".") + 2:
            stale_sidecar = False  # another test's "<stem>.<more>.<sha>.bin"
        if stale_sidecar:
            with contextlib.suppress(OSError):
                other.unlink()


def write_cassette(
    path: Path,
    data: fmt.CassetteData,
    *,
    serializer: str = "json",
    secrets: dict[str, str] | None = None,
    key_shapes: bool = False,
    on_chunk: Callable[[int], None] | None = None,
    shown: str | None = None,
) -> None:
    """Serialize, check for secrets, and write sidecar then cassette, under the path's lock.
    ``key_shapes``: also refuse text still holding a value shaped like a provider's key
    (one a ``before_record_*`` hook put back, say). ``shown``: the path in messages
    (default: relative to the working directory)."""
    document, blob = fmt.to_document(data)
    sidecar = fmt.sidecar_name(path.stem, blob) if blob else None
    if sidecar is not None:
        document["orgo"]["sidecar"] = {
            "file": sidecar,
            "sha256": fmt.sha256(blob),
            "size": len(blob),
        }
    text = fmt.dumps(document, serializer).encode("utf-8")
    leak = find_leak(data, text, blob, secrets or {})
    if leak is None and key_shapes:
        shaped = next(provider_keys(text.decode("utf-8")), None)
        if shaped is not None:
            leak = (
                f"the serialized cassette (a value shaped like a {shaped[0]}: {shaped[1][:8]}...)"
            )
    if leak is not None:
        raise SecretLeakError(
            f"refusing to save cassette {shown or display(path)}: a known secret is still in {leak}"
        )
    with lock_for(path):
        if sidecar is not None:
            target = path.parent / sidecar
            if not target.exists():
                atomic_write(target, _chunks(blob))
        atomic_write(path, _chunks(text), on_chunk=on_chunk)
        _remove_stale(path, sidecar)


def read_cassette(path: Path, shown: str | None = None) -> fmt.CassetteData | None:
    """The cassette at ``path`` (with its sidecar checked), or None if there is none.
    Anything else raises :class:`~.format.CassetteError` naming ``shown`` (the path as
    the user knows it), what is wrong and what to do."""
    shown = shown or display(path)
    sweep_once(path.parent)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    document = document_of(raw, shown)
    meta = (document.get("orgo") or {}).get("sidecar")
    blob = None
    if meta:
        sidecar = path.parent / str(meta["file"])
        try:
            blob = sidecar.read_bytes()
        except FileNotFoundError:
            raise fmt.CassetteError(
                f"cassette {shown} needs its sidecar {sidecar.name}, which is missing: {RESTORE}"
            ) from None
        try:
            fmt.check_sidecar(meta, blob, sidecar.name)
        except fmt.CassetteError as exc:
            raise fmt.CassetteError(f"cassette {shown}: {exc}") from None
    try:
        return fmt.from_document(document, blob)
    except fmt.CassetteError as exc:
        raise fmt.CassetteError(f"cassette {shown}: {exc}; {RESTORE}") from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise fmt.CassetteError(
            f"cassette {shown} is malformed ({type(exc).__name__}: {exc}); {RESTORE}"
        ) from None


def sidecar_of(path: Path) -> str | None:
    """The sidecar file name a cassette refers to (for the unused-cassette report)."""
    try:
        document = fmt.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    meta = (document.get("orgo") or {}).get("sidecar") if isinstance(document, dict) else None
    return str(meta["file"]) if meta else None


def safe_name(name: str) -> str:
    """pytest-recording's file-name sanitising of a test name."""
    for char in "<>?%*:|\"'/\\":
        name = name.replace(char, "-")
    return name
