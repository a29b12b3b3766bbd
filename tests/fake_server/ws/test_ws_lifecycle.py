"""What the three desktop sockets share: auth, close codes, the computer's lifecycle, and
the ways to address them (instance id, UUID, the legacy Host-routed paths).

Documented behaviour (orgo-api.md, decisions and sections 12-14): accept, then close 4401
for a bad or missing token and 4404 for an unknown or not-running computer; stopping or
restarting a computer closes its sockets with 1001; a restart issues a new password.
"""

from __future__ import annotations

import json

import pytest

from tests.fake_server.ws.ws_support import (
    PC,
    Client,
    Opener,
    close_code,
    recv_json,
    roundtrip,
    send_json,
)

pytestmark = pytest.mark.timeout(60)

SOCKETS = ("events", "terminal", "audio")


def first_message(kind: str, client: Client) -> None:
    """Read what the socket sends first, proving it is open and serving."""
    if kind == "events":
        roundtrip(client)
    elif kind == "terminal":
        assert recv_json(client) == {"type": "output", "data": "user@orgo:~$ "}
    else:
        assert recv_json(client) == {"type": "started", "sample_rate": 24000, "channels": 1}
        assert len(client.recv()) == 960


@pytest.mark.parametrize("kind", SOCKETS)
@pytest.mark.parametrize("token", ["wrong-password", "", None], ids=["wrong", "empty", "missing"])
def test_a_bad_or_missing_token_closes_with_4401(
    pc: PC, open_ws: Opener, kind: str, token: str | None
) -> None:
    client = open_ws(pc.url(kind, token=token))
    assert close_code(client) == 4401


@pytest.mark.parametrize("kind", SOCKETS)
@pytest.mark.parametrize("ident", ["deadbeef", "00000000-0000-4000-8000-000000000000"])
def test_an_unknown_computer_closes_with_4404(
    pc: PC, open_ws: Opener, kind: str, ident: str
) -> None:
    client = open_ws(pc.url(kind, ident=ident))
    assert close_code(client) == 4404


@pytest.mark.parametrize("kind", SOCKETS)
def test_the_uuid_and_the_api_prefixed_path_reach_the_same_computer(
    pc: PC, open_ws: Opener, kind: str
) -> None:
    first_message(kind, open_ws(pc.url(kind, ident=pc.id)))
    prefixed = pc.url(kind).replace("/desktops/", "/api/desktops/")
    first_message(kind, open_ws(prefixed))


@pytest.mark.parametrize("kind", SOCKETS)
def test_the_legacy_host_routed_path_works(pc: PC, open_ws: Opener, kind: str) -> None:
    url, host = pc.legacy_url(kind)
    client = open_ws(url, host=host)
    first_message(kind, client)
    if kind == "events":
        send_json(client, {"type": "subscribe", "event_types": ["clipboard"]})
        assert recv_json(client) == {"type": "subscribed", "message": "ok"}
        pc.handle.set_clipboard("via legacy host")
        assert recv_json(client)["event"]["data"] == {"content": "via legacy host"}
    elif kind == "terminal":
        send_json(client, {"type": "input", "data": "echo legacy\r"})
        assert recv_json(client)["data"] == "echo legacy\r\nlegacy\r\nuser@orgo:~$ "


@pytest.mark.parametrize("kind", SOCKETS)
def test_the_legacy_path_checks_host_and_token(pc: PC, open_ws: Opener, kind: str) -> None:
    url, host = pc.legacy_url(kind)
    assert close_code(open_ws(url, host="0badc0de.orgo.dev")) == 4404
    assert close_code(open_ws(url.replace(pc.password, "nope"), host=host)) == 4401


@pytest.mark.parametrize("kind", SOCKETS)
def test_a_stopped_computer_refuses_sockets_until_it_runs_again(
    pc: PC, open_ws: Opener, kind: str
) -> None:
    assert pc.post("stop").json() == {"success": True, "status": "stopping"}
    assert close_code(open_ws(pc.url(kind))) == 4404
    assert pc.post("start").json() == {"success": True, "status": "starting"}
    first_message(kind, open_ws(pc.url(kind)))  # the same password works again


def test_stopping_a_computer_closes_every_open_socket_with_1001(pc: PC, open_ws: Opener) -> None:
    clients = {kind: open_ws(pc.url(kind)) for kind in SOCKETS}
    for kind, client in clients.items():
        first_message(kind, client)
    response = pc.post("stop")
    assert response.status_code == 200, response.text
    for kind, client in clients.items():
        assert close_code(client) == 1001, kind
    assert pc.fake.sockets.count(pc.id) == 0
    assert [s.open for s in pc.fake.event_connections(pc.id)] == [False]


def test_restart_closes_sockets_and_the_old_password_stops_working(pc: PC, open_ws: Opener) -> None:
    old_password = pc.password
    clients = {kind: open_ws(pc.url(kind)) for kind in SOCKETS}
    for kind, client in clients.items():
        first_message(kind, client)
    assert pc.post("restart").json() == {"success": True, "status": "restarting"}
    for kind, client in clients.items():
        assert close_code(client) == 1001, kind
    new_password = pc.refresh_password()
    assert new_password != old_password
    for kind in SOCKETS:
        assert close_code(open_ws(pc.url(kind, token=old_password))) == 4401, kind
        first_message(kind, open_ws(pc.url(kind, token=new_password)))


def test_deleting_a_computer_closes_its_sockets(pc: PC, open_ws: Opener) -> None:
    clients = {kind: open_ws(pc.url(kind)) for kind in SOCKETS}
    for kind, client in clients.items():
        first_message(kind, client)
    assert pc.rest.delete(f"/computers/{pc.id}").status_code == 200
    for kind, client in clients.items():
        assert close_code(client) == 1001, kind
    assert close_code(open_ws(pc.url("events"))) == 4404


def test_an_events_connection_survives_other_sockets_closing(pc: PC, open_ws: Opener) -> None:
    events = open_ws(pc.url("events"))
    terminal = open_ws(pc.url("terminal"))
    first_message("terminal", terminal)
    send_json(terminal, {"type": "input", "data": "exit\r"})
    assert [recv_json(terminal)["type"], recv_json(terminal)] == [
        "output",
        {"type": "exit", "code": 0},
    ]
    assert close_code(terminal) == 1000
    roundtrip(events)
    send_json(events, {"type": "subscribe", "event_types": ["clipboard"]})
    assert json.loads(str(events.recv()))["type"] == "subscribed"
