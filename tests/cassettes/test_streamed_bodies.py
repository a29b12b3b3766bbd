"""Streamed bodies on disk: chunk sizes and offsets beside vcrpy's whole body, checked on
load, scrubbed chunk by chunk, and paced on replay."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cassette_helpers import interaction, run, write

from pytest_orgo.cassettes import format as fmt
from pytest_orgo.cassettes import scrub, store
from pytest_orgo.cassettes.format import CassetteData, CassetteError

EVENTS = [b"data: one\n\n", b"data: two\n\n", b"data: [DONE]\n\n"]


def streamed(uri: str = "https://www.orgo.ai/api/v1/chat/completions") -> fmt.Interaction:
    item = interaction("POST", uri, b'{"stream":true}', b"".join(EVENTS))
    item.response_headers = {"content-type": ["text/event-stream"]}
    item.chunks = [(len(e), 1_000_000 * n) for n, e in enumerate(EVENTS)]
    return item


def test_chunks_round_trip_and_vcrpy_still_sees_the_whole_body(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", [streamed()])
    document = json.loads(path.read_text())
    assert document["interactions"][0]["response"]["body"]["string"] == b"".join(EVENTS).decode()
    assert document["interactions"][0]["chunks"] == [[11, 0], [11, 1_000_000], [14, 2_000_000]]
    loaded = store.read_cassette(path)
    assert loaded is not None
    assert fmt.split(loaded.interactions[0].response_body, loaded.interactions[0].chunks) == EVENTS


def test_chunk_sizes_that_do_not_add_up_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", [streamed()])
    document = json.loads(path.read_text())
    document["interactions"][0]["chunks"][2][0] = 15
    path.write_text(json.dumps(document))
    with pytest.raises(
        CassetteError, match="chunk sizes add up to 37 bytes, its response body has 36"
    ):
        store.read_cassette(path)


def test_each_chunk_is_scrubbed_and_a_straddling_secret_merges_chunks() -> None:
    key = "sk-ant-api03-" + "s" * 30
    item = streamed()
    item.response_body = b"data: " + key.encode() + b"\n\n" + b"data: x\n\n"
    item.chunks = [(6 + len(key) + 2, 5), (9, 7)]
    straddle = streamed()
    straddle.response_body = b"data: " + key.encode() + b"\n\n"
    straddle.chunks = [(20, 5), (len(straddle.response_body) - 20, 9)]
    data = CassetteData(interactions=[item, straddle])
    bindings = scrub.Bindings()
    scrub.discover(data, bindings, scrub.ScrubConfig())
    scrub.apply(data, bindings)
    assert fmt.split(item.response_body, item.chunks) == [
        b"data: <ANTHROPIC_KEY_1>\n\n",
        b"data: x\n\n",
    ]
    assert straddle.chunks == [(len(straddle.response_body), 9)]


def test_recorded_pace_holds_each_chunk_until_its_offset(pytester: pytest.Pytester) -> None:
    write(pytester.path / "cassettes" / "test_inner" / "test_it.yaml", [streamed()])
    pytester.makepyfile(
        test_inner="""
        import time, httpx, pytest
        @pytest.mark.orgo_cassette(pace="recorded")
        def test_it():
            start, seen = time.monotonic(), []
            url = "https://www.orgo.ai/api/v1/chat/completions"
            with httpx.stream("POST", url, content=b'{"stream":true}') as response:
                for chunk in response.iter_raw():
                    seen.append((chunk, round(time.monotonic() - start, 1)))
            print("SEEN", [t for _, t in seen])
            assert b"".join(c for c, _ in seen).count(b"data:") == len(seen) == 3
        """
    )
    result = run(pytester, "-s")
    result.assert_outcomes(passed=1)
    times = json.loads(re.search(r"SEEN (\[.*\])", result.stdout.str()).group(1))  # type: ignore[union-attr]
    assert times[0] < 0.5 and 0.9 <= times[1] < 1.6 and 1.9 <= times[2] < 2.6
