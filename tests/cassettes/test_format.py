"""The on-disk format: vcrpy's layout kept, frames beside it, binary in a checked sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import vcr
import yaml
from cassette_helpers import frame, interaction, write

from pytest_orgo.cassettes import format as fmt
from pytest_orgo.cassettes import store
from pytest_orgo.cassettes.format import CassetteData, CassetteError, Connection


def sample() -> CassetteData:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    return CassetteData(
        interactions=[
            interaction(
                "POST", "https://www.orgo.ai/api/computers/a/bash", b'{"command":"ls"}', seq=1
            ),
            interaction(
                "GET", "https://www.orgo.ai/api/computers/a/screenshot", response=png, seq=2
            ),
            interaction("PUT", "https://www.orgo.ai/api/files", b"\x00\xff\x01", seq=3),
        ],
        connections=[
            Connection(
                url="wss://www.orgo.ai/desktops/abcd1234/ws/audio?token=<VNC_PASSWORD_1>",
                seq=4,
                t_us=10,
                frames=[
                    frame("recv", text='{"type":"started"}', seq=5, t_us=11),
                    frame("recv", data=b"\x01\x02" * 480, seq=6, t_us=12),
                    frame("send", text='{"type":"stop"}', seq=7, t_us=13),
                    fmt.Frame(direction="recv", kind="timeout", seq=8, t_us=14),
                    fmt.Frame(
                        direction="recv",
                        kind="close",
                        seq=9,
                        t_us=15,
                        code=4401,
                        reason="bad",
                        ok=False,
                    ),
                ],
            )
        ],
    )


def test_round_trip_keeps_every_channel(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", sample().interactions, sample().connections)
    loaded = store.read_cassette(path)
    assert loaded is not None
    assert loaded.interactions == sample().interactions
    assert loaded.connections == sample().connections
    sidecars = list(tmp_path.glob("c.*.bin"))
    assert len(sidecars) == 1  # the audio frame and the large PNG; the 3-byte body stays inline
    document = json.loads(path.read_text())
    assert document["orgo"]["sidecar"]["sha256"] == fmt.sha256(sidecars[0].read_bytes())
    assert document["interactions"][2]["request_body"] == {"base64": "AP8B"}


def test_the_json_is_yaml_too_even_with_awkward_characters(tmp_path: Path) -> None:
    awkward = "emoji \U0001f600, NEL \x85, LS \u2028, DEL \x7f, C1 \x9b, BOM \ufeff, tab \t"
    data = CassetteData(interactions=[interaction(response={"text": awkward})])
    document, _ = fmt.to_document(data)
    text = fmt.dumps(document)
    assert yaml.load(text, Loader=yaml.CSafeLoader) == json.loads(text)
    assert json.loads(json.loads(text)["interactions"][0]["response"]["body"]["string"]) == {
        "text": awkward
    }


def test_block_yaml_serializer_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    store.write_cassette(path, sample(), serializer="yaml")
    assert not path.read_text().lstrip().startswith("{")
    loaded = store.read_cassette(path)
    assert loaded is not None and loaded.connections == sample().connections


def test_vcrpy_itself_replays_the_http_part(tmp_path: Path) -> None:
    """Our extra keys sit where vcrpy never looks: its own loader replays the cassette."""
    body = {"success": True, "output": "hello\n"}
    path = write(
        tmp_path / "c.yaml",
        [
            interaction(
                "POST",
                "https://www.orgo.ai/api/computers/a/bash",
                b'{"command":"echo hello"}',
                body,
            )
        ],
        sample().connections,
    )
    with vcr.use_cassette(str(path), record_mode="none"):
        response = httpx.post(
            "https://www.orgo.ai/api/computers/a/bash", json={"command": "echo hello"}
        )
    assert response.json() == body


def test_a_sidecar_from_another_recording_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", sample().interactions, sample().connections)
    sidecar = next(tmp_path.glob("c.*.bin"))
    sidecar.write_bytes(sidecar.read_bytes()[:-1] + b"?")
    with pytest.raises(CassetteError, match="different recordings"):
        store.read_cassette(path)
    sidecar.unlink()
    with pytest.raises(CassetteError, match="missing"):
        store.read_cassette(path)


def test_a_plain_vcrpy_cassette_loads(tmp_path: Path) -> None:
    """Cassettes written by vcrpy (block YAML, !!binary bodies) replay too."""
    path = tmp_path / "vcr.yaml"
    document = {
        "interactions": [
            {
                "request": {
                    "body": None,
                    "headers": {},
                    "method": "GET",
                    "uri": "https://www.orgo.ai/api/workspaces",
                },
                "response": {
                    "body": {"string": b"hi"},
                    "headers": {},
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
        "version": 1,
    }
    path.write_text(yaml.dump(document, Dumper=yaml.Dumper))
    assert "!!binary" in path.read_text()
    loaded = store.read_cassette(path)
    assert loaded is not None
    assert [(i.method, i.response_body) for i in loaded.interactions] == [("GET", b"hi")]
    assert store.read_cassette(tmp_path / "absent.yaml") is None
