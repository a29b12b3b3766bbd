"""``base64``: encoding (wrapped at 76, ``-w N``, ``-w0``), ``-d``, files and stdin; a round
trip property, and agreement with GNU coreutils."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server.desktop.shell import CommandResult
from tests.fake_server.desktop.shell.shell_rig import Sim, needs_bash, quote, real

TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=120)


@given(TEXT)
def test_encode_then_decode_gives_the_text_back(text: str) -> None:
    sim = Sim()
    assert sim.out(f"printf '%s' {quote(text)} | base64 | base64 -d") == text
    assert sim.out(f"printf '%s' {quote(text)} | base64 -w0 | base64 --decode") == text


@given(TEXT)
def test_encoding_matches_python(text: str) -> None:
    encoded = base64.b64encode(text.encode()).decode()
    assert Sim().out(f"printf '%s' {quote(text)} | base64 -w0") == encoded


@needs_bash
@settings(max_examples=30, deadline=None)
@given(TEXT, st.sampled_from(["", "-w0", "-w 10", "--wrap=4"]))
def test_encoding_agrees_with_gnu_coreutils(text: str, option: str) -> None:
    assert Sim().run(f"printf '%s' {quote(text)} | base64 {option}") == real(
        f'printf "%s" "$1" | base64 {option}', text
    )


def test_files_and_errors() -> None:
    sim = Sim()
    sim.out("printf hello > h.txt")
    assert sim.out("base64 h.txt") == "aGVsbG8=\n"
    missing = sim.run("base64 missing")
    assert missing == CommandResult("base64: missing: No such file or directory\n", 1)
    assert sim.run("echo '!!!' | base64 -d") == CommandResult("base64: invalid input\n", 1)
    assert sim.run("base64 -q").exit_code == 1


@pytest.mark.parametrize("wrapped", ["aGVs\nbG8=\n", "aGVsbG8=", "aGVsbG8"])
def test_decoding_ignores_newlines_and_missing_padding(wrapped: str) -> None:
    assert Sim().out(f"printf {quote(wrapped)} | base64 -d") == "hello"
