"""The simulated disk: path handling, errors like the C library's, and change notifications."""

from __future__ import annotations

import errno
import posixpath

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fake_server.desktop.filesystem import (
    DIRECTORY_NOT_EMPTY,
    FILE_EXISTS,
    HOME,
    INVALID_ARGUMENT,
    IS_A_DIRECTORY,
    NO_SUCH_FILE,
    NOT_A_DIRECTORY,
    FileSystem,
    FsError,
)

Events = list[tuple[str, str]]


@pytest.fixture
def events() -> Events:
    return []


@pytest.fixture
def fs(events: Events) -> FileSystem:
    return FileSystem(on_change=lambda path, action: events.append((path, action)))


def test_fresh_disk_has_the_standard_directories(fs: FileSystem) -> None:
    for path in (
        "/",
        "/home",
        HOME,
        f"{HOME}/Desktop",
        f"{HOME}/Downloads",
        f"{HOME}/Documents",
        "/tmp",
    ):
        assert fs.is_dir(path), path
    assert fs.listdir(HOME) == ["Desktop", "Documents", "Downloads"]
    assert list(fs.walk_files()) == []


@pytest.mark.parametrize(
    ("path", "cwd", "expected"),
    [
        ("~", HOME, HOME),
        ("~/", HOME, HOME),
        ("~/a/../b", "/tmp", f"{HOME}/b"),
        ("a//b/./c/", HOME, f"{HOME}/a/b/c"),
        ("//etc///passwd", HOME, "/etc/passwd"),
        ("/..", HOME, "/"),
        ("../../../..", HOME, "/"),
        ("x", "/tmp", "/tmp/x"),
        ("", "/tmp", "/tmp"),
        ("x", "Desktop", f"{HOME}/Desktop/x"),
        ("~user/x", "/tmp", "/tmp/~user/x"),
    ],
)
def test_resolve_examples(path: str, cwd: str, expected: str) -> None:
    assert FileSystem.resolve(path, cwd) == expected


_segments = st.sampled_from(["a", "b", "..", ".", "", "~", "dir.x", "..."])
_paths = st.builds(
    lambda lead, parts: lead + "/".join(parts),
    st.sampled_from(["", "/", "//", "~/", "./"]),
    st.lists(_segments, max_size=8),
)
_cwds = st.sampled_from(["/", HOME, "/tmp/x/y", "relative/dir"])


@given(path=_paths, cwd=_cwds)
def test_resolve_is_absolute_normalised_and_idempotent(path: str, cwd: str) -> None:
    resolved = FileSystem.resolve(path, cwd)
    assert resolved.startswith("/")
    assert "//" not in resolved
    assert resolved == "/" or not resolved.endswith("/")
    parts = resolved.split("/")[1:]
    assert ".." not in parts
    assert "." not in parts
    assert FileSystem.resolve(resolved, cwd) == resolved
    assert FileSystem.resolve(resolved, "/somewhere/else") == resolved


@given(path=_paths, cwd=_cwds)
def test_resolve_agrees_with_posixpath_when_no_tilde_is_involved(path: str, cwd: str) -> None:
    assume(not path.startswith("~"))
    absolute_cwd = cwd if cwd.startswith("/") else f"{HOME}/{cwd}"
    expected = posixpath.normpath("/" + posixpath.join(absolute_cwd, path).lstrip("/"))
    assert FileSystem.resolve(path, cwd) == expected


def test_write_then_append_notifies_created_then_modified(fs: FileSystem, events: Events) -> None:
    fs.write("~/Desktop/a.txt", b"one")
    fs.write(f"{HOME}/Desktop/a.txt", b"+two", append=True)
    assert fs.read("Desktop/a.txt") == b"one+two"
    fs.write("Desktop/a.txt", b"new")
    assert fs.read("Desktop/a.txt") == b"new"
    path = f"{HOME}/Desktop/a.txt"
    assert events == [(path, "created"), (path, "modified"), (path, "modified")]
    assert fs.stat_size(path) == 3
    assert fs.stat_size(HOME) == 4096


@pytest.mark.parametrize(
    ("setup", "target", "reason"),
    [
        ([], "~/missing/a.txt", NO_SUCH_FILE),
        (["~/file"], "~/file/a.txt", NOT_A_DIRECTORY),
        ([], "~/Desktop", IS_A_DIRECTORY),
    ],
)
def test_write_errors(fs: FileSystem, setup: list[str], target: str, reason: str) -> None:
    for path in setup:
        fs.write(path, b"")
    with pytest.raises(FsError) as info:
        fs.write(target, b"x")
    assert info.value.reason == reason
    assert info.value.path == FileSystem.resolve(target)


def test_read_errors_name_the_path_and_reason(fs: FileSystem) -> None:
    with pytest.raises(FsError) as missing:
        fs.read("nope.txt")
    assert str(missing.value) == f"{HOME}/nope.txt: {NO_SUCH_FILE}"
    assert isinstance(missing.value.to_os_error("nope.txt"), FileNotFoundError)
    assert missing.value.errno == errno.ENOENT
    with pytest.raises(FsError) as directory:
        fs.read("~")
    assert directory.value.reason == IS_A_DIRECTORY
    assert isinstance(directory.value.to_os_error(), IsADirectoryError)
    fs.write("f", b"")
    with pytest.raises(FsError) as through_file:
        fs.read("f/g")
    assert through_file.value.reason == NOT_A_DIRECTORY


def test_mkdir_parents_announces_each_new_directory_top_down(
    fs: FileSystem, events: Events
) -> None:
    fs.mkdir("~/a/b/c", parents=True)
    assert events == [
        (f"{HOME}/a", "created"),
        (f"{HOME}/a/b", "created"),
        (f"{HOME}/a/b/c", "created"),
    ]
    fs.mkdir("~/a/b", parents=True)  # -p tolerates existing directories
    fs.mkdir("~/a", exist_ok=True)
    assert len(events) == 3


def test_mkdir_errors(fs: FileSystem) -> None:
    with pytest.raises(FsError) as exists:
        fs.mkdir("~/Desktop")
    assert exists.value.reason == FILE_EXISTS
    with pytest.raises(FsError) as missing_parent:
        fs.mkdir("~/x/y")
    assert missing_parent.value.reason == NO_SUCH_FILE
    fs.write("~/file", b"")
    with pytest.raises(FsError) as over_file:
        fs.mkdir("~/file", parents=True)
    assert over_file.value.reason == FILE_EXISTS
    with pytest.raises(FsError) as under_file:
        fs.mkdir("~/file/sub", parents=True)
    assert under_file.value.reason == NOT_A_DIRECTORY


def test_recursive_remove_announces_children_before_parents(fs: FileSystem, events: Events) -> None:
    fs.mkdir("~/d/sub", parents=True)
    fs.write("~/d/b.txt", b"b")
    fs.write("~/d/sub/a.txt", b"a")
    events.clear()
    with pytest.raises(FsError) as not_empty:
        fs.remove("~/d")
    assert not_empty.value.reason == DIRECTORY_NOT_EMPTY
    assert events == []
    fs.remove("~/d", recursive=True)
    assert events == [
        (f"{HOME}/d/b.txt", "deleted"),
        (f"{HOME}/d/sub/a.txt", "deleted"),
        (f"{HOME}/d/sub", "deleted"),
        (f"{HOME}/d", "deleted"),
    ]
    assert not fs.exists("~/d")
    assert fs.listdir("~") == ["Desktop", "Documents", "Downloads"]


def test_remove_edge_cases(fs: FileSystem) -> None:
    fs.mkdir("~/empty")
    fs.remove("~/empty")  # an empty directory goes without recursive, like rmdir
    assert not fs.exists("~/empty")
    with pytest.raises(FsError):
        fs.remove("~/empty")
    with pytest.raises(FsError):
        fs.remove("/", recursive=True)
    assert fs.is_dir("/")


def test_listdir_is_sorted_and_rejects_files(fs: FileSystem) -> None:
    for name in ("b", "a", "C", ".hidden"):
        fs.write(f"/tmp/{name}", b"")
    assert fs.listdir("/tmp") == [".hidden", "C", "a", "b"]
    with pytest.raises(FsError) as info:
        fs.listdir("/tmp/a")
    assert info.value.reason == NOT_A_DIRECTORY
    with pytest.raises(FsError):
        fs.listdir("/nope")


def test_copy_file_into_directory_and_over_file(fs: FileSystem, events: Events) -> None:
    fs.write("~/a.txt", b"A")
    fs.write("~/b.txt", b"B")
    events.clear()
    fs.copy("~/a.txt", "~/Desktop")
    fs.copy("~/a.txt", "~/b.txt")
    assert fs.read("~/Desktop/a.txt") == b"A"
    assert fs.read("~/b.txt") == b"A"
    assert fs.read("~/a.txt") == b"A"
    assert events == [(f"{HOME}/Desktop/a.txt", "created"), (f"{HOME}/b.txt", "modified")]


def test_copy_directory_needs_recursive_and_merges(fs: FileSystem, events: Events) -> None:
    fs.mkdir("~/src/inner", parents=True)
    fs.write("~/src/inner/f", b"f")
    with pytest.raises(FsError) as info:
        fs.copy("~/src", "~/dst")
    assert info.value.reason == IS_A_DIRECTORY
    events.clear()
    fs.copy("~/src", "~/dst", recursive=True)
    assert events == [
        (f"{HOME}/dst", "created"),
        (f"{HOME}/dst/inner", "created"),
        (f"{HOME}/dst/inner/f", "created"),
    ]
    fs.copy("~/src", "~/dst", recursive=True)  # dst exists now: copied inside it
    assert fs.read("~/dst/src/inner/f") == b"f"
    with pytest.raises(FsError) as into_itself:
        fs.copy("~/src", "~/src/inner", recursive=True)
    assert into_itself.value.reason == INVALID_ARGUMENT


def test_move_file_and_directory_announces_deletions_then_creations(
    fs: FileSystem, events: Events
) -> None:
    fs.mkdir("~/d")
    fs.write("~/d/x", b"x")
    fs.write("~/f", b"f")
    events.clear()
    fs.move("~/f", "~/g")
    assert events == [(f"{HOME}/f", "deleted"), (f"{HOME}/g", "created")]
    events.clear()
    fs.move("~/d", "~/Desktop")
    assert events == [
        (f"{HOME}/d/x", "deleted"),
        (f"{HOME}/d", "deleted"),
        (f"{HOME}/Desktop/d", "created"),
        (f"{HOME}/Desktop/d/x", "created"),
    ]
    assert fs.read("~/Desktop/d/x") == b"x"
    assert not fs.exists("~/d")


def test_move_overwrites_files_and_refuses_impossible_moves(fs: FileSystem, events: Events) -> None:
    fs.write("~/a", b"A")
    fs.write("~/b", b"B")
    events.clear()
    fs.move("~/a", "~/b")
    assert fs.read("~/b") == b"A"
    assert events == [(f"{HOME}/a", "deleted"), (f"{HOME}/b", "modified")]
    fs.mkdir("~/d/sub", parents=True)
    with pytest.raises(FsError) as into_itself:
        fs.move("~/d", "~/d/sub")
    assert into_itself.value.reason == INVALID_ARGUMENT
    with pytest.raises(FsError) as missing:
        fs.move("~/nope", "~/x")
    assert missing.value.reason == NO_SUCH_FILE
    fs.move("~/b", "~/b")  # same path: nothing happens
    assert fs.read("~/b") == b"A"


def test_walk_files_is_sorted_by_path(fs: FileSystem) -> None:
    fs.write("/tmp/z", b"1")
    fs.write("~/Desktop/a", b"2")
    fs.write("/tmp/a", b"3")
    assert [path for path, _ in fs.walk_files()] == [f"{HOME}/Desktop/a", "/tmp/a", "/tmp/z"]


def test_clone_is_independent_and_silent(fs: FileSystem, events: Events) -> None:
    fs.write("~/a", b"A")
    twin = fs.clone()
    assert twin.on_change is None
    twin.write("~/a", b"changed")
    twin.write("~/b", b"B")
    assert fs.read("~/a") == b"A"
    assert not fs.exists("~/b")
    assert events == [(f"{HOME}/a", "created")]
    assert dict(twin.walk_files()) == {f"{HOME}/a": b"changed", f"{HOME}/b": b"B"}


def test_listener_can_be_replaced(fs: FileSystem, events: Events) -> None:
    seen: Events = []
    fs.on_change = lambda path, action: seen.append((path, action))
    fs.write("/tmp/x", b"")
    fs.on_change = None
    fs.write("/tmp/y", b"")
    assert seen == [("/tmp/x", "created")]
    assert events == []


_names = st.sampled_from(["a", "b", "c"])
_tree_paths = st.lists(_names, min_size=1, max_size=3).map(lambda p: "/tmp/" + "/".join(p))


class DiskMatchesDictModel(RuleBasedStateMachine):
    """Random writes, mkdirs and removes keep the disk equal to a plain dict of files,
    and replaying the change notifications reproduces exactly what exists."""

    def __init__(self) -> None:
        super().__init__()
        self.announced: set[str] = set()
        self.fs = FileSystem(on_change=self.record)
        self.files: dict[str, bytes] = {}
        self.dirs: set[str] = {"/tmp"}

    def record(self, path: str, action: str) -> None:
        if action == "created":
            assert path not in self.announced
            self.announced.add(path)
        elif action == "modified":
            assert path in self.announced
        else:
            self.announced.remove(path)

    def parent_ok(self, path: str) -> bool:
        return posixpath.dirname(path) in self.dirs

    @rule(path=_tree_paths, data=st.binary(max_size=8), append=st.booleans())
    def write(self, path: str, data: bytes, append: bool) -> None:
        if path in self.dirs or not self.parent_ok(path):
            with pytest.raises(FsError):
                self.fs.write(path, data, append=append)
            return
        self.fs.write(path, data, append=append)
        self.files[path] = self.files.get(path, b"") + data if append else data

    @rule(path=_tree_paths)
    def mkdir(self, path: str) -> None:
        if path in self.dirs or path in self.files or not self.parent_ok(path):
            with pytest.raises(FsError):
                self.fs.mkdir(path)
            return
        self.fs.mkdir(path)
        self.dirs.add(path)

    @rule(path=_tree_paths, recursive=st.booleans())
    def remove(self, path: str, recursive: bool) -> None:
        below = [p for p in [*self.files, *self.dirs] if p.startswith(path + "/")]
        exists = path in self.files or path in self.dirs
        if not exists or (below and not recursive):
            with pytest.raises(FsError):
                self.fs.remove(path, recursive=recursive)
            return
        self.fs.remove(path, recursive=recursive)
        for gone in [path, *below]:
            self.files.pop(gone, None)
            self.dirs.discard(gone)

    @precondition(lambda self: bool(self.files))
    @rule(data=st.data())
    def read_back(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(self.files)))
        assert self.fs.read(path) == self.files[path]

    @invariant()
    def walk_files_matches_model(self) -> None:
        tmp_files = [(p, d) for p, d in self.fs.walk_files() if p.startswith("/tmp/")]
        assert tmp_files == sorted(self.files.items())
        assert self.announced == set(self.files) | (self.dirs - {"/tmp"})


TestDiskMatchesDictModel = DiskMatchesDictModel.TestCase
TestDiskMatchesDictModel.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
