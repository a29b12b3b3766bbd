"""Every cassette that cannot be read fails its test with the file's relative path, what is
wrong and what to do - never a bare libyaml or codec traceback - and an unknown version
is refused."""

from __future__ import annotations

import json

import pytest
from cassette_helpers import interaction, run, write

INNER = """
import pytest, httpx

@pytest.mark.orgo_cassette
def test_it():
    httpx.get("https://www.orgo.ai/api/computers/x")
"""
SHOWN = "cassettes/test_inner/test_it.yaml"


def _valid() -> bytes:
    return json.dumps(
        {"version": 1, "interactions": [], "websockets": [], "orgo": {"format": 1}}
    ).encode()


CASES = {
    "truncated": (
        None,  # a real cassette cut in half, as a killed editor or copy leaves it
        ["is not valid YAML or JSON (", "cut short (a killed run?) or edited by hand"],
    ),
    "garbage": (b"interactions: [\n  - {request: ]]\n", ["is not valid YAML or JSON (", "line 2"]),
    "not utf-8": (b"\xff\xfe{\x00i\x00", ["is not UTF-8 text (byte 0xff at offset 0)"]),
    "empty": (b"  \n", ["is empty: delete it and record it again"]),
    "a list": (b"[1, 2, 3]", ["is not a cassette: expected a mapping", "found list"]),
    "no interactions": (
        b'{"version": 1}',
        ["is not a cassette: expected a mapping", "found a mapping without one"],
    ),
    "version 99": (
        _valid().replace(b'"version": 1', b'"version": 99'),
        ["has version 99; this pytest-orgo reads version 1", "upgrade pytest-orgo"],
    ),
    "orgo format 99": (
        _valid().replace(b'"format": 1', b'"format": 99'),
        ["orgo format 99; this pytest-orgo reads version 1 (orgo format 1) only"],
    ),
    "wrong inner shape": (
        json.dumps({"version": 1, "interactions": [{"request": 5}]}).encode(),
        ["is malformed (KeyError: 'response')", "restore it from version control"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_cassette_names_the_file_the_problem_and_the_remedy(
    pytester: pytest.Pytester, case: str
) -> None:
    content, expected = CASES[case]
    path = pytester.path / SHOWN
    if content is None:
        write(path, [interaction(response={"n": n}, seq=n) for n in range(1, 20)])
        content = path.read_bytes()[: path.stat().st_size // 2]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    pytester.makepyfile(test_inner=INNER)
    result = run(pytester)
    result.assert_outcomes(errors=1)
    output = result.stdout.str().split("= ERRORS =", 1)[1]
    assert f"test_inner.py::test_it: cassette {SHOWN} " in output
    for fragment in expected:
        assert fragment in output, fragment
    assert "record it again (--orgo-record-mode=once)" in output
    for noise in ("Traceback", "ScannerError", "UnicodeDecodeError:", str(pytester.path)):
        assert noise not in output
