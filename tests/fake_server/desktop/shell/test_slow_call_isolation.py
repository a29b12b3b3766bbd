"""One slow call never stalls the fake (issue 12): while a 10-second ``exec`` computes,
another account's client makes 200 requests, and their p99 latency stays within 2x of the
same 200 requests with no exec running, measured in this same run; the exec itself ends at
its timeout. (The issue asks for this comparison as a test; it compares two measurements
taken moments apart on the same machine, never an absolute time. The VM API's own
``/exec``, ``/bash`` and terminal are checked the same way in
``tests/fake_server/vm_api/test_vm_slow_call_isolation.py``.)
"""

from __future__ import annotations

import pytest

from tests.fake_server.desktop.shell.conftest import Computer
from tests.fake_server.isolation_support import bystander, compare, measure

# run by ./dev.sh test after the parallel run, in one process (see the marker's help)
pytestmark = pytest.mark.alone

EXEC_SECONDS = 10


def test_a_ten_second_exec_does_not_slow_other_clients(computer: Computer) -> None:
    shell = computer.fake.state.computers[computer.id].desktop.shell
    shell.python_max_steps = 10**12  # type: ignore[attr-defined]  # only the timeout ends it

    def slow_exec() -> object:
        return computer.rest.post(
            f"/computers/{computer.id}/exec",
            json={"code": "n = 0\nwhile True:\n    n += 1", "timeout": EXEC_SECONDS},
        ).json()

    with bystander(computer.server.base_url, "sk_shell_isolation_other") as (other, path):
        rounds = compare(lambda: measure(other, path, slow_exec))
    for measured in rounds:
        assert measured.answer["timeout"] is True and measured.answer["success"] is False
        assert EXEC_SECONDS <= measured.elapsed < EXEC_SECONDS + 2
