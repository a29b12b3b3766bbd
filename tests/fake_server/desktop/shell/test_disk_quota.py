"""The simulated disk is bounded by the computer's ``disk_size_gb`` (issue 12): writes past
it fail as on a full disk: "No space left on device" in the shell, ``OSError`` with ENOSPC
in exec, a 400 on uploads. ``State.disk_bytes_cap`` lowers the quota so tests reach it
cheaply; growing the disk through resize raises it."""

from __future__ import annotations

import errno
from collections.abc import Iterator

import pytest

from fake_server.desktop.filesystem import GIB, NO_SPACE, FileSystem, FsError
from tests.fake_server.desktop.shell.conftest import Computer

CAP = 4096


@pytest.fixture
def small_disk(computer: Computer) -> Iterator[Computer]:
    state = computer.fake.state
    state.disk_bytes_cap = CAP
    state.apply_disk_quota(state.computers[computer.id])
    yield computer
    state.disk_bytes_cap = None


def test_a_computer_s_disk_holds_its_disk_size_gb(computer: Computer) -> None:
    disk = computer.fake.state.computers[computer.id].desktop.disk
    assert disk.capacity == 8 * GIB


def test_the_issue_s_doubling_stops_at_the_quota_in_bash(small_disk: Computer) -> None:
    script = (
        "printf x > f; for i in $(seq 1 16); do cat f f > g && mv g f || break; done; wc -c < f"
    )
    body = small_disk.bash(script.replace("$(seq 1 16)", "{1..16}")).json()
    assert "No space left on device" in body["output"]
    size = int(body["output"].strip().splitlines()[-1])
    assert size <= CAP


def test_a_redirection_past_the_quota_fails_and_changes_nothing(small_disk: Computer) -> None:
    body = small_disk.bash(f"printf '%0{CAP + 1}d' 0 > big; echo status=$?; ls big").json()
    assert body["output"] == (
        "bash: /home/user/big: No space left on device\nstatus=1\n"
        "ls: cannot access 'big': No such file or directory\n"
    )


def test_exec_gets_oserror_enospc(small_disk: Computer) -> None:
    code = (
        "try:\n    open('/home/user/big', 'w').write('x' * 10000)\n"
        "except OSError as exc:\n    print(exc.errno, exc.strerror)"
    )
    body = small_disk.rest.post(f"/computers/{small_disk.id}/exec", json={"code": code}).json()
    assert body["output"] == f"{errno.ENOSPC} No space left on device\n"


def test_an_upload_that_does_not_fit_is_a_400(small_disk: Computer) -> None:
    workspace = small_disk.fake.state.computers[small_disk.id].workspace_id
    response = small_disk.rest.post(
        "/files/upload",
        data={"workspaceId": workspace, "desktopId": small_disk.id},
        files={"file": ("big.bin", b"x" * (CAP + 1), "application/octet-stream")},
    )
    assert response.status_code == 400
    assert "No space left on device" in response.json()["error"]


def test_deleting_frees_space() -> None:
    fs = FileSystem(capacity=100)
    fs.write("/tmp/a", b"x" * 100)
    with pytest.raises(FsError) as caught:
        fs.write("/tmp/b", b"y")
    assert caught.value.reason == NO_SPACE and caught.value.errno == errno.ENOSPC
    fs.remove("/tmp/a")
    fs.write("/tmp/b", b"y" * 100)
    assert fs.used == 100


def test_moves_and_overwrites_are_accounted_exactly() -> None:
    fs = FileSystem(capacity=10)
    fs.write("/tmp/a", b"x" * 10)
    fs.move("/tmp/a", "/tmp/b")
    fs.write("/tmp/b", b"z" * 10)  # overwriting in place needs no extra room
    assert fs.used == 10
    assert fs.clone().used == 10


def test_growing_the_disk_through_resize_raises_the_quota(computer: Computer) -> None:
    response = computer.rest.patch(f"/computers/{computer.id}/resize", json={"disk_size_gb": 16})
    assert response.status_code in (200, 207), response.text
    assert computer.fake.state.computers[computer.id].desktop.disk.capacity == 16 * GIB
