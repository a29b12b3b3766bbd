"""``tar``: create (``-c``, ``-z``), list (``-t``), extract (``-x``, ``-C``), old-style
bundled flags (``tar czf``), real archive bytes both ways, and GNU's error wording."""

from __future__ import annotations

import io
import tarfile

import pytest

from tests.fake_server.desktop.shell.shell_rig import Sim


@pytest.fixture
def sim() -> Sim:
    sim = Sim()
    sim.out("mkdir -p proj/src && echo one > proj/a.txt && echo two > proj/src/b.py")
    return sim


@pytest.mark.parametrize(
    "create", ["tar -cf p.tar proj", "tar cf p.tar proj", "tar -c -f p.tar proj"]
)
def test_create_then_list(sim: Sim, create: str) -> None:
    sim.out(create)
    assert sim.out("tar -tf p.tar") == "proj/\nproj/a.txt\nproj/src/\nproj/src/b.py\n"


def test_gzip_round_trip_with_extraction_elsewhere(sim: Sim) -> None:
    sim.out("tar czf p.tgz proj && mkdir out && tar -xzf p.tgz -C out")
    assert sim.out("cat out/proj/a.txt out/proj/src/b.py") == "one\ntwo\n"


def test_extracting_over_the_original_restores_it(sim: Sim) -> None:
    sim.out("tar -cf p.tar proj && rm -r proj && tar -xf p.tar")
    assert sim.out("cat proj/src/b.py") == "two\n"


def test_verbose_create_names_each_member(sim: Sim) -> None:
    assert sim.out("tar -cvf p.tar proj/src") == "proj/src/\nproj/src/b.py\n"


def test_the_archive_is_a_real_tar_file(sim: Sim) -> None:
    sim.out("tar -czf p.tgz proj")
    with tarfile.open(fileobj=io.BytesIO(sim.fs.read("/home/user/p.tgz")), mode="r:gz") as tar:
        member = tar.extractfile("proj/a.txt")
        assert member is not None and member.read() == b"one\n"


def test_a_host_made_archive_extracts_on_the_desktop() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("pkg/readme.md")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"hi\n"))
    sim = Sim()
    sim.fs.write("/home/user/pkg.tar", buffer.getvalue())
    assert sim.out("tar xf pkg.tar && cat pkg/readme.md") == "hi\n"


def test_listing_selected_members(sim: Sim) -> None:
    sim.out("tar -cf p.tar proj")
    assert sim.out("tar -tf p.tar proj/src") == "proj/src/\nproj/src/b.py\n"


@pytest.mark.parametrize(
    ("command", "message", "status"),
    [
        ("tar -cf x.tar", "tar: Cowardly refusing to create an empty archive\n", 2),
        ("tar -tf nope.tar", "tar: nope.tar: Cannot open: No such file or directory\n", 2),
        ("tar -f x.tar", "tar: You must specify one of the '-Acdtrux' options\n", 2),
        ("echo junk > j.tar; tar -tf j.tar", "tar: This does not look like a tar archive\n", 2),
        ("tar -cf x.tar missing", "tar: missing: Cannot stat: No such file or directory\n", 2),
    ],
)
def test_errors(sim: Sim, command: str, message: str, status: int) -> None:
    result = sim.run(command)
    assert result.output.startswith(message)
    assert result.exit_code == status
