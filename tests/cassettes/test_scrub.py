"""Secrets become stable placeholders in every channel; a leak is refused, naming where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cassette_helpers import frame, interaction

from pytest_orgo.cassettes import scrub, store
from pytest_orgo.cassettes.format import CassetteData, Connection
from pytest_orgo.cassettes.store import SecretLeakError

KEY = "sk_live_0123456789abcdef"
PASSWORD = "Pw9xQ2mZr7Lk1VbN"
OTHER_PASSWORD = "Zz8yX7wV6uT5sR4q"
CID = "5c012bc4-fb49-4865-9ed1-2e7285800d8a"


def leaky() -> CassetteData:
    """One secret in each channel the brief names."""
    auth = interaction(
        "GET",
        f"https://www.orgo.ai/api/computers/{CID}",
        seq=1,
        response={"vnc_password": PASSWORD},
    )
    auth.request_headers = {"Authorization": [f"Bearer {KEY}"]}
    vnc = interaction(
        "GET",
        f"https://www.orgo.ai/api/computers/{CID}/vnc-password",
        seq=2,
        response={"password": OTHER_PASSWORD},
    )
    echo = interaction(
        "POST",
        f"https://www.orgo.ai/api/echo?api_key={KEY}",
        json.dumps({"said": KEY}).encode(),
        seq=3,
    )
    custom = interaction(
        "GET",
        "https://www.orgo.ai/api/me",
        seq=4,
        response={"nested": [{"session_token": "tok-abcdef-123"}]},
    )
    socket = Connection(
        url=f"wss://www.orgo.ai/desktops/19b5c5e8/ws/terminal?token={PASSWORD}&cols=80",
        seq=5,
        frames=[
            frame(
                "send",
                text=json.dumps({"type": "input", "data": f"echo {OTHER_PASSWORD}\r"}),
                seq=6,
            ),
            frame(
                "recv",
                text=json.dumps({"type": "output", "data": f"{OTHER_PASSWORD} env-secret-value"}),
                seq=7,
            ),
            frame("recv", data=b"pcm" + KEY.encode() + b"pcm", seq=8),
        ],
    )
    return CassetteData(interactions=[auth, vnc, echo, custom], connections=[socket])


def scrubbed(
    monkeypatch: pytest.MonkeyPatch, *, normalize_ids: bool = False
) -> tuple[CassetteData, scrub.Bindings]:
    monkeypatch.setenv("MY_SERVICE_TOKEN", "env-secret-value")
    settings = scrub.ScrubConfig(
        api_keys=(KEY,),
        fields=("session_token",),
        env=("MY_SERVICE_TOKEN",),
        normalize_ids=normalize_ids,
    )
    bindings = scrub.Bindings()
    scrub.prebind(bindings, settings)
    data = leaky()
    scrub.discover(data, bindings, settings)
    scrub.apply(data, bindings)
    return data, bindings


def test_every_channel_is_scrubbed_and_the_file_holds_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, bindings = scrubbed(monkeypatch)
    path = tmp_path / "c.yaml"
    store.write_cassette(path, data, secrets=bindings.secret_values())
    everything = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for secret in (KEY, PASSWORD, OTHER_PASSWORD, "tok-abcdef-123", "env-secret-value"):
        assert secret.encode() not in everything
    text = path.read_text()
    assert "Bearer <ORGO_API_KEY>" in text
    assert "token=<VNC_PASSWORD_1>" in text  # the first password met: in the first response
    assert "<VNC_PASSWORD_2>" in text  # the vnc-password answer, echoed in a terminal frame too
    assert "<SESSION_TOKEN_1>" in text and "<ENV_MY_SERVICE_TOKEN>" in text
    assert data.connections[0].frames[2].data == b"pcm<ORGO_API_KEY>pcm"


def test_placeholders_are_stable_and_map_back_on_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    data, recorded = scrubbed(monkeypatch)
    assert (
        recorded.bind(PASSWORD, "VNC_PASSWORD", secret=True) == "<VNC_PASSWORD_1>"
    )  # same value, same name
    replay = scrub.Bindings(generate=scrub.generate_value)
    replay.bind_as("new-password-xyz", "<VNC_PASSWORD_1>", secret=True)
    body = replay.from_placeholders(data.interactions[1].response_body.decode())
    fresh = json.loads(body)["password"]
    assert fresh not in (OTHER_PASSWORD, "<VNC_PASSWORD_2>") and len(fresh) >= 12
    # the value handed out reads back as the same placeholder when the client sends it
    url = replay.to_placeholders(f"wss://www.orgo.ai/x?token={fresh}&other=new-password-xyz")
    assert url == "wss://www.orgo.ai/x?token=<VNC_PASSWORD_2>&other=<VNC_PASSWORD_1>"


def test_server_ids_can_be_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = scrubbed(monkeypatch, normalize_ids=True)
    assert data.interactions[0].uri == "https://www.orgo.ai/api/computers/<UUID_1>"
    assert data.connections[0].url.startswith(
        "wss://www.orgo.ai/desktops/<INSTANCE_ID_1>/ws/terminal"
    )
    plain, _ = scrubbed(monkeypatch)
    assert CID in plain.interactions[0].uri


def test_a_cassette_still_holding_a_secret_is_refused_naming_the_channel(tmp_path: Path) -> None:
    data = leaky()  # not scrubbed: as if a hook put the values back
    path = tmp_path / "c.yaml"
    with pytest.raises(SecretLeakError) as failure:
        store.write_cassette(path, data, secrets={OTHER_PASSWORD: "<VNC_PASSWORD_2>"})
    message = str(failure.value)
    assert "HTTP interaction #1" in message and "response body" in message
    assert "<VNC_PASSWORD_2>" in message and OTHER_PASSWORD not in message
    assert not path.exists() and list(tmp_path.iterdir()) == []
    frames_only = CassetteData(connections=leaky().connections)
    with pytest.raises(SecretLeakError, match=r"WebSocket #0 .*: recv frame #2 \(binary\)"):
        store.write_cassette(path, frames_only, secrets={KEY: "<ORGO_API_KEY>"})


def test_filter_headers_follows_vcrpy() -> None:
    headers = {"X-Trace": ["1"], "Cookie": ["a=b"], "Accept": ["*/*"]}
    assert scrub.filter_headers(headers, ["x-trace", ("cookie", "<COOKIE>")]) == {
        "Cookie": ["<COOKIE>"],
        "Accept": ["*/*"],
    }
