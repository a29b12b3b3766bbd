"""The simulated computer's disk, held in memory.

Everything that changes a file on the fake computer (the shell, the Python
evaluator, uploads, the host-shell sync) goes through :class:`FileSystem`, so a
single listener sees every change. That is what lets file watchers, recordings
and assertions such as "the agent created ~/Desktop/report.txt" work without
each caller remembering to announce what it did.
"""

from __future__ import annotations

import errno
import posixpath
from collections.abc import Callable, Iterator
from typing import Final

HOME: Final = "/home/user"

#: Directories every fresh computer starts with, parents before children.
DEFAULT_DIRS: Final = (
    "/",
    "/home",
    HOME,
    f"{HOME}/Desktop",
    f"{HOME}/Downloads",
    f"{HOME}/Documents",
    "/tmp",
)

NO_SUCH_FILE: Final = "No such file or directory"
IS_A_DIRECTORY: Final = "Is a directory"
NOT_A_DIRECTORY: Final = "Not a directory"
FILE_EXISTS: Final = "File exists"
DIRECTORY_NOT_EMPTY: Final = "Directory not empty"
INVALID_ARGUMENT: Final = "Invalid argument"
RESOURCE_BUSY: Final = "Device or resource busy"
NO_SPACE: Final = "No space left on device"
GIB: Final = 1 << 30

_ERRNO_BY_REASON: Final[dict[str, int]] = {
    NO_SUCH_FILE: errno.ENOENT,
    IS_A_DIRECTORY: errno.EISDIR,
    NOT_A_DIRECTORY: errno.ENOTDIR,
    FILE_EXISTS: errno.EEXIST,
    DIRECTORY_NOT_EMPTY: errno.ENOTEMPTY,
    INVALID_ARGUMENT: errno.EINVAL,
    RESOURCE_BUSY: errno.EBUSY,
    NO_SPACE: errno.ENOSPC,
}

#: ``(absolute path, action)``, action being "created", "modified" or "deleted".
ChangeListener = Callable[[str, str], None]


class FsError(Exception):
    """A failed disk operation, described the way the C library would.

    The shell turns it into ``cat: x: No such file or directory`` and the Python
    evaluator into ``FileNotFoundError``; keeping only the reason and the path
    here lets each of them phrase it in its own idiom.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    @property
    def errno(self) -> int:
        """The errno value matching :attr:`reason` (EIO for an unknown reason)."""
        return _ERRNO_BY_REASON.get(self.reason, errno.EIO)

    def to_os_error(self, filename: str | None = None) -> OSError:
        """The exception Python's ``open``/``os`` functions would have raised.

        ``OSError(errno, ...)`` picks the matching subclass itself
        (FileNotFoundError, IsADirectoryError, ...).
        """
        return OSError(self.errno, self.reason, filename if filename is not None else self.path)


class FileSystem:
    """Absolute POSIX paths mapped to bytes, with explicit directories.

    Files live in a dict and directories in a dict of child-name sets, so a
    lookup costs O(depth) and listing or removing a directory costs only the
    size of that directory, however big the rest of the disk is.
    Not thread-safe: the computer that owns it serialises access.

    ``capacity`` (bytes, None for unbounded) is a quota on the total size of the
    files: a write that would pass it fails with "No space left on device"
    (ENOSPC) and changes nothing, as on a full disk. The fake sets it from the
    computer's ``disk_size_gb`` (see :meth:`~fake_server.state.State.apply_disk_quota`).
    """

    def __init__(
        self, on_change: ChangeListener | None = None, *, capacity: int | None = None
    ) -> None:
        self.on_change: ChangeListener | None = on_change
        self.capacity = capacity
        self.used = 0  # bytes held by files
        self._files: dict[str, bytes] = {}
        self._dirs: dict[str, set[str]] = {}
        for path in DEFAULT_DIRS:
            self._dirs[path] = set()
            if path != "/":
                parent, name = _split(path)
                self._dirs[parent].add(name)

    # -- paths -------------------------------------------------------------

    @staticmethod
    def resolve(path: str, cwd: str = HOME) -> str:
        """Turn what a user typed into the one canonical absolute path.

        Works on strings only (there are no symlinks to follow), so ``..`` at
        the root stays at the root, exactly as the kernel does.
        """
        if path == "~" or path.startswith("~/"):
            path = HOME + path[1:]
        if not path.startswith("/"):
            base = cwd if cwd.startswith("/") else FileSystem.resolve(cwd)
            path = f"{base}/{path}"
        parts: list[str] = []
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(part)
        return "/" + "/".join(parts)

    # -- queries -----------------------------------------------------------

    def exists(self, path: str) -> bool:
        p = self.resolve(path)
        return p in self._files or p in self._dirs

    def is_file(self, path: str) -> bool:
        return self.resolve(path) in self._files

    def is_dir(self, path: str) -> bool:
        return self.resolve(path) in self._dirs

    def read(self, path: str) -> bytes:
        p = self.resolve(path)
        data = self._files.get(p)
        if data is not None:
            return data
        if p in self._dirs:
            raise FsError(p, IS_A_DIRECTORY)
        raise self._missing(p)

    def listdir(self, path: str) -> list[str]:
        p = self.resolve(path)
        children = self._dirs.get(p)
        if children is not None:
            return sorted(children)
        if p in self._files:
            raise FsError(p, NOT_A_DIRECTORY)
        raise self._missing(p)

    def stat_size(self, path: str) -> int:
        """Bytes in a file; 4096 for a directory, as ``ls -l`` shows on ext4."""
        p = self.resolve(path)
        data = self._files.get(p)
        if data is not None:
            return len(data)
        if p in self._dirs:
            return 4096
        raise self._missing(p)

    def walk_files(self) -> Iterator[tuple[str, bytes]]:
        """Every file on the disk, sorted by path (a snapshot: safe to mutate while iterating)."""
        yield from sorted(self._files.items())

    def walk_dirs(self) -> Iterator[str]:
        """Every directory, sorted by path, so parents come before children."""
        yield from sorted(self._dirs)

    # -- changes -----------------------------------------------------------

    def write(self, path: str, data: bytes, *, append: bool = False) -> None:
        p = self.resolve(path)
        if p in self._dirs:
            raise FsError(p, IS_A_DIRECTORY)
        parent, name = _split(p)
        self._require_dir(parent, p)
        old = self._files.get(p)
        grows = len(data) if append or old is None else len(data) - len(old)
        if not self.fits(grows):
            raise FsError(p, NO_SPACE)
        self.used += grows
        if old is None:
            self._files[p] = bytes(data)
            self._dirs[parent].add(name)
            self._emit(p, "created")
        else:
            self._files[p] = old + bytes(data) if append else bytes(data)
            self._emit(p, "modified")

    def fits(self, extra: int) -> bool:
        """Whether ``extra`` more bytes fit under the quota."""
        return self.capacity is None or extra <= 0 or self.used + extra <= self.capacity

    def mkdir(self, path: str, *, parents: bool = False, exist_ok: bool = False) -> None:
        p = self.resolve(path)
        if p in self._dirs:
            if exist_ok or parents:
                return
            raise FsError(p, FILE_EXISTS)
        if p in self._files:
            raise FsError(p, FILE_EXISTS)
        parent, _ = _split(p)
        if parents:
            missing: list[str] = []
            cursor = p
            while cursor not in self._dirs:
                if cursor in self._files:
                    raise FsError(p, NOT_A_DIRECTORY)
                missing.append(cursor)
                cursor, _ = _split(cursor)
            for new_dir in reversed(missing):
                self._add_dir(new_dir)
            return
        self._require_dir(parent, p)
        self._add_dir(p)

    def remove(self, path: str, *, recursive: bool = False) -> None:
        """Delete a file, an empty directory, or (``recursive``) a whole tree.

        A non-empty directory without ``recursive`` fails like ``rmdir`` does;
        the shell's ``rm`` refuses directories before it ever gets here.
        """
        p = self.resolve(path)
        if p in self._files:
            self._unlink(p)
            return
        children = self._dirs.get(p)
        if children is None:
            raise self._missing(p)
        if p == "/":
            raise FsError(p, RESOURCE_BUSY)
        if children and not recursive:
            raise FsError(p, DIRECTORY_NOT_EMPTY)
        for entry in list(self._subtree_postorder(p)):
            if entry in self._files:
                self._unlink(entry)
            else:
                self._rmdir(entry)

    def copy(self, src: str, dst: str, *, recursive: bool = False) -> None:
        """``cp`` semantics: into ``dst`` when it is a directory, else onto it.

        Copying a directory needs ``recursive`` and merges into an existing
        target directory, as ``cp -r`` does.
        """
        s = self.resolve(src)
        target = self._target_for(s, self.resolve(dst))
        if s in self._files:
            if target == s:
                raise FsError(s, INVALID_ARGUMENT)
            if target in self._dirs:
                raise FsError(target, IS_A_DIRECTORY)
            self.write(target, self._files[s])
            return
        if not recursive:
            raise FsError(s, IS_A_DIRECTORY)
        if target == s or target.startswith(s + "/"):
            raise FsError(target, INVALID_ARGUMENT)
        if target in self._files:
            raise FsError(target, NOT_A_DIRECTORY)
        self._require_dir(_split(target)[0], target)
        for entry in self._subtree_preorder(s):
            new = target + entry[len(s) :]
            if entry in self._dirs:
                if new not in self._dirs:
                    if new in self._files:
                        raise FsError(new, NOT_A_DIRECTORY)
                    self._add_dir(new)
            else:
                self.write(new, self._files[entry])

    def move(self, src: str, dst: str) -> None:
        """``mv`` semantics: deletions of the source are announced, then creations.

        A file that already existed at the destination is announced as
        "modified" (it was overwritten); an empty directory being replaced
        makes no announcement since it still exists afterwards.
        """
        s = self.resolve(src)
        target = self._target_for(s, self.resolve(dst))
        if target == s:
            return
        if s == "/":
            raise FsError(s, RESOURCE_BUSY)
        if s in self._dirs and target.startswith(s + "/"):
            raise FsError(target, INVALID_ARGUMENT)
        self._require_dir(_split(target)[0], target)
        if s in self._files:
            if target in self._dirs:
                raise FsError(target, IS_A_DIRECTORY)
            data = self._files[s]
            self._unlink(s)
            self.write(target, data)
            return
        if target in self._files:
            raise FsError(target, NOT_A_DIRECTORY)
        if self._dirs.get(target):
            raise FsError(target, DIRECTORY_NOT_EMPTY)
        entries = list(self._subtree_preorder(s))
        files = {entry: self._files[entry] for entry in entries if entry in self._files}
        for entry in list(self._subtree_postorder(s)):
            if entry in files:
                self._unlink(entry)
            else:
                self._rmdir(entry)
        for entry in entries:
            new = target + entry[len(s) :]
            if entry in files:
                self.write(new, files[entry])
            elif new not in self._dirs:
                self._add_dir(new)

    def clone(self) -> FileSystem:
        """An independent copy of the contents, with no listener attached.

        Bytes are immutable, so copying the dict is a deep copy in effect.
        """
        twin = FileSystem()
        twin._files = dict(self._files)
        twin._dirs = {path: set(children) for path, children in self._dirs.items()}
        twin.used = self.used
        return twin

    # -- internals ---------------------------------------------------------

    def _emit(self, path: str, action: str) -> None:
        listener = self.on_change
        if listener is not None:
            listener(path, action)

    def _missing(self, path: str) -> FsError:
        """ENOENT, or ENOTDIR when some ancestor turns out to be a file."""
        cursor = _split(path)[0]
        while cursor != "/":
            if cursor in self._files:
                return FsError(path, NOT_A_DIRECTORY)
            cursor = _split(cursor)[0]
        return FsError(path, NO_SUCH_FILE)

    def _require_dir(self, parent: str, path: str) -> None:
        if parent not in self._dirs:
            if parent in self._files:
                raise FsError(path, NOT_A_DIRECTORY)
            raise self._missing(path)

    def _target_for(self, src: str, dst: str) -> str:
        if src not in self._files and src not in self._dirs:
            raise self._missing(src)
        if dst in self._dirs and dst != src:
            return posixpath.join(dst, _split(src)[1]) if src != "/" else dst
        return dst

    def _add_dir(self, path: str) -> None:
        parent, name = _split(path)
        self._dirs[path] = set()
        self._dirs[parent].add(name)
        self._emit(path, "created")

    def _unlink(self, path: str) -> None:
        parent, name = _split(path)
        self.used -= len(self._files.pop(path))
        self._dirs[parent].discard(name)
        self._emit(path, "deleted")

    def _rmdir(self, path: str) -> None:
        parent, name = _split(path)
        del self._dirs[path]
        self._dirs[parent].discard(name)
        self._emit(path, "deleted")

    def _subtree_preorder(self, root: str) -> Iterator[str]:
        """``root`` then its descendants, parents first, siblings sorted."""
        yield root
        children = self._dirs.get(root)
        if children is None:
            return
        for name in sorted(children):
            yield from self._subtree_preorder(_join(root, name))

    def _subtree_postorder(self, root: str) -> Iterator[str]:
        """Descendants before their parent, so deletions never orphan anything."""
        children = self._dirs.get(root)
        if children is not None:
            for name in sorted(children):
                yield from self._subtree_postorder(_join(root, name))
        yield root


def _split(path: str) -> tuple[str, str]:
    """(parent, name) of a canonical absolute path; the root is its own parent."""
    if path == "/":
        return "/", ""
    head, _, tail = path.rpartition("/")
    return head or "/", tail


def _join(parent: str, name: str) -> str:
    return f"/{name}" if parent == "/" else f"{parent}/{name}"
