"""exec's memory budget (issue 12): every way the issue names of making one huge value is
refused with ``MemoryError`` before the host allocates it, and the budget is configurable
per shell (``python_max_bytes``)."""

from __future__ import annotations

import pytest

from fake_server.desktop.filesystem import FileSystem
from fake_server.desktop.processes import ProcessTable
from fake_server.desktop.shell import SimulatedShell
from tests.fake_server.desktop.shell.conftest import Computer

HUGE = [
    "s = 'a'\nwhile True:\n    s = s + s",
    "s = 'a'\nwhile True:\n    s += s",
    "b = b'a'\nwhile True:\n    b = b + b",
    "x = 'a'.ljust(10**9)",
    "x = 'a'.rjust(10**9)",
    "x = 'a'.center(10**9)",
    "x = '1'.zfill(10**9)",
    "x = '\\t'.expandtabs(10**9)",
    "x = ('a' * 1000).replace('a', 'b' * 10**6)",
    "x = 'a' * 10**9",
    "x = 10**9 * 'a'",
    "x = bytes(10**9)",
    "x = bytearray(10**9)",
    "x = [0] * 10**9",
    "x = (0,) * 10**9",
    "x = '%1000000000d' % 1",
    "x = f'{1:>1000000000}'",
    "x = '{:>1000000000}'.format(1)",
]


@pytest.mark.parametrize("code", HUGE)
def test_a_huge_value_is_a_memory_error(code: str) -> None:
    shell = SimulatedShell(FileSystem(), ProcessTable())
    result = shell.run_python(code, timeout=10)
    assert result.error_type == "MemoryError", result
    assert not result.timed_out


def test_values_under_the_budget_are_fine() -> None:
    shell = SimulatedShell(FileSystem(), ProcessTable())
    code = "s = 'ab' * 1000\nt = s + s\nprint(len(t), len('x'.ljust(5000)), len(bytes(100)))"
    assert shell.run_python(code, timeout=10).output == "4000 5000 100\n"


def test_the_budget_is_configurable() -> None:
    shell = SimulatedShell(FileSystem(), ProcessTable(), python_max_bytes=1000)
    assert shell.run_python("x = 'a' * 999", timeout=10).success
    result = shell.run_python("x = 'a' * 1001", timeout=10)
    assert result.error_type == "MemoryError"
    assert "1000 bytes" in (result.error or "")


def test_through_the_endpoint_the_error_has_the_documented_shape(computer: Computer) -> None:
    response = computer.rest.post(
        f"/computers/{computer.id}/exec", json={"code": "x = 'a'.ljust(10**9)", "timeout": 5}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False
    assert body["error_type"] == "MemoryError"
    assert body["timeout"] is False
