"""One test's cassette: record mode logic, the seam handlers, and saving.

Record modes mean what vcrpy's do:

* ``none``: replay only; anything not in the cassette fails (a missing cassette is an
  empty one, and the failure says so). The network is blocked.
* ``once``: replay an existing cassette exactly like ``none``; with no cassette, record
  everything and write it.
* ``new_episodes``: replay what matches, send what does not to the real server and record
  it; the cassette is rewritten with the old interactions plus the new ones.
* ``all``: record everything, replay nothing, overwrite.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from pytest_orgo._paths import display
from pytest_orgo.cassettes import scrub, wsfakes
from pytest_orgo.cassettes.config import CassetteConfig
from pytest_orgo.cassettes.format import CassetteData, Interaction, plain_bytes, split
from pytest_orgo.cassettes.matching import canonical_url, content_type
from pytest_orgo.cassettes.player import CassetteMismatch, Player, Script
from pytest_orgo.cassettes.recorder import STARTED, Clock, HttpRecorder, WsRecorder
from pytest_orgo.cassettes.seams import Seams, httpx_modules
from pytest_orgo.cassettes.store import read_cassette, write_cassette
from pytest_orgo.cassettes.streams import RecordingStream, flavour, interaction_of

_DROPPED = ("content-length", "content-encoding", "transfer-encoding")


def _pre_vcr_transports() -> dict[tuple[type, str], Callable[..., Any]]:
    """httpx transport methods as they are *before* vcrpy patches them (fake-mode routing
    included): vcrpy's stub is then wrapped around these, once, for every transport."""
    found: dict[tuple[type, str], Callable[..., Any]] = {}
    for mod in httpx_modules():
        classes = (
            mod.HTTPTransport,
            mod.AsyncHTTPTransport,
            mod.WSGITransport,
            mod.ASGITransport,
            mod.MockTransport,
        )
        for cls in classes:
            for name in ("handle_request", "handle_async_request"):
                if name in vars(cls):
                    found[(cls, name)] = vars(cls)[name]
    return found


def _real_method(
    originals: dict[tuple[type, str], Callable[..., Any]], transport: Any, name: str
) -> Callable[..., Any]:
    for cls in type(transport).__mro__:
        if name in vars(cls):
            method: Callable[..., Any] = originals.get((cls, name), vars(cls)[name])
            return method
    raise TypeError(f"{transport!r} has no {name}")


def _body_bytes(body: Any) -> bytes:
    plain = plain_bytes(body)
    if plain is not None:
        return plain
    if hasattr(body, "read"):
        return b""  # a streamed file upload: matched on method and URL only
    return b"".join(part if isinstance(part, bytes) else str(part).encode() for part in body)


class CassetteSession:
    """Installed for one test: answers from the cassette, records what it must."""

    def __init__(
        self,
        path: Path,
        config: CassetteConfig,
        *,
        api_keys: Iterable[str] = (),
        known: dict[str, str] | None = None,
        shown: str | None = None,
    ) -> None:
        self.path = path
        self.shown = shown or display(path)  # as the user knows it (cwd-relative), in messages
        self.config = config
        self.mode = config.record_mode
        self.scrub_config = scrub.ScrubConfig(
            api_keys=tuple(k for k in api_keys if k),
            fields=config.scrub_fields,
            env=config.scrub_env,
            values=config.scrub_values,
            normalize_ids=config.normalize_ids,
            defaults=config.scrub_defaults,
        )
        self.bindings = scrub.Bindings(generate=scrub.generate_value)
        scrub.prebind(self.bindings, self.scrub_config)
        # replay meets the secrets a test sends by the rules that found them when recording
        # (a constant key in the test, not in the environment, still reads as its placeholder)
        self._finder = scrub.Discoverer(
            self.bindings, dataclasses.replace(self.scrub_config, normalize_ids=False)
        )
        for value, placeholder in (known or {}).items():
            if len(value) >= scrub.MIN_ID_LEN:
                self.bindings.bind_as(
                    value, placeholder, secret=placeholder.startswith("<VNC_PASSWORD")
                )
        self.existing: CassetteData | None = None
        self.player: Player | None = None
        self.recording = False
        self.clock = Clock()
        self.http: HttpRecorder | None = None
        self.ws: WsRecorder | None = None
        self.seams = Seams(self)
        self._originals: dict[tuple[type, str], Callable[..., Any]] = {}
        self._streams: list[RecordingStream] = []  # httpx bodies the client may still read
        self.saved = False

    # -- lifecycle --------------------------------------------------------------------

    def __enter__(self) -> CassetteSession:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        if self.mode != "all":
            self.existing = read_cassette(self.path, self.shown)
        missing = self.existing is None
        self.recording = self.mode in ("all", "new_episodes") or (self.mode == "once" and missing)
        if self.mode != "all":
            label = f"cassette {self.shown}"
            if self.existing is None and self.mode == "none":
                label += " (it does not exist: record it with --orgo-record-mode=once)"
            data = self.existing or CassetteData()
            self.player = Player(
                data,
                self.bindings,
                match_on=self.config.match_on,
                label=label,
                pace=self.config.pace,
                start_ns=self.clock.start_ns,
                learn=self._finder.text,
            )
        if self.recording:
            first = self.existing.last_seq() if self.existing is not None else 0
            self.clock = Clock(first_seq=first)
            self._originals = _pre_vcr_transports()
            self.http = HttpRecorder(self.clock)
            self.http.start()
            self.ws = WsRecorder(self.clock)
        self.seams.install(block_network=not self.recording and self.config.block_network)

    def stop(self) -> None:
        self.seams.uninstall()
        for stream in list(self._streams):  # never read to the end nor closed: keep what was
            stream.finish()
        if self.player is not None:
            self.player.release()
        if self.http is not None:
            self.http.stop()
        if self.recording and self._recorded():
            self.save()

    def _recorded(self) -> bool:
        return bool((self.http and self.http.interactions) or (self.ws and self.ws.connections))

    @property
    def errors(self) -> list[str]:
        return list(self.player.errors) if self.player is not None else []

    @property
    def replaying(self) -> bool:
        return self.player is not None and bool(self.existing)

    def save(self) -> None:
        new = CassetteData(
            interactions=list(self.http.interactions if self.http else []),
            connections=list(self.ws.connections if self.ws else []),
        )
        new.interactions.sort(key=lambda i: i.seq)  # streamed ones are added when read
        new.interactions = [i for i in map(self._hooked, new.interactions) if i is not None]
        for item in new.interactions:
            item.uri = canonical_url(item.uri)
            item.request_headers = {
                k: v for k, v in item.request_headers.items() if k.lower() != "host"
            }
            item.request_headers = scrub.filter_headers(
                item.request_headers, self.config.filter_headers
            )
            item.response_headers = scrub.filter_headers(
                item.response_headers, self.config.filter_headers
            )
        for connection in new.connections:
            connection.url = canonical_url(connection.url)
        scrub.discover(new, self.bindings, self.scrub_config)
        scrub.apply(new, self.bindings)
        final = new
        if self.mode == "new_episodes" and self.existing is not None:
            final = CassetteData(
                interactions=self.existing.interactions + new.interactions,
                connections=self.existing.connections + new.connections,
                placeholders=sorted(set(self.existing.placeholders) | set(new.placeholders)),
            )
        write_cassette(
            self.path,
            final,
            serializer=self.config.serializer,
            secrets=self.bindings.secret_values(),
            key_shapes=self.scrub_config.defaults,
            shown=self.shown,
        )
        self.saved = True

    def _hooked(self, item: Interaction) -> Interaction | None:
        """vcrpy's ``before_record_request`` / ``before_record_response``, with vcrpy's types."""
        request_hook, response_hook = (
            self.config.before_record_request,
            self.config.before_record_response,
        )
        if request_hook is not None:
            from vcr.request import Request

            headers = {k: v[0] for k, v in item.request_headers.items() if v}
            request = request_hook(Request(item.method, item.uri, item.request_body, headers))
            if request is None:
                return None
            item.method, item.uri = request.method, request.uri
            item.request_body = _body_bytes(request.body)
            item.request_headers = {k: [str(v)] for k, v in dict(request.headers).items()}
        if response_hook is not None:
            response = response_hook(
                {
                    "status": {"code": item.status, "message": item.reason},
                    "headers": {k: list(v) for k, v in item.response_headers.items()},
                    "body": {"string": item.response_body},
                }
            )
            if response is None:
                return None
            item.status = int(response["status"]["code"])
            item.reason = str(response["status"].get("message") or "")
            item.response_headers = {
                k: [str(x) for x in (v if isinstance(v, list) else [v])]
                for k, v in response["headers"].items()
            }
            item.response_body = _body_bytes(response["body"]["string"])
        return item

    # -- HTTP -------------------------------------------------------------------------

    def _play(
        self, method: str, url: str, body: bytes, headers: Iterable[tuple[str, str]]
    ) -> Interaction | None:
        if self.player is None:
            return None
        headers = list(headers)
        self._finder.url(url)
        self._finder.headers({name: [value] for name, value in headers})
        self._finder.text(body.decode("utf-8", "replace") if body else "")
        hit = self.player.match(method, url, body, content_type(headers))
        if hit is not None:  # a streamed body: its chunks are paced one by one
            self.player.pace_until(hit.t_us + (0 if hit.chunks else hit.duration_us))
        return hit

    def _miss(self, method: str, url: str, body: bytes) -> None:
        if not self.recording:
            assert self.player is not None
            raise self.player.http_mismatch(method, url, body)

    def _response_parts(
        self, hit: Interaction, *, streamed: bool = False
    ) -> tuple[list[tuple[str, str]], bytes]:
        body = self.bindings.bytes_from_placeholders(hit.response_body)
        headers = [
            (name, self.bindings.from_placeholders(value))
            for name, values in hit.response_headers.items()
            if name.lower() not in _DROPPED
            for value in values
        ]
        if not streamed:
            headers.append(("content-length", str(len(body))))
        return headers, body

    def _httpx_response(self, hit: Interaction, request: Any, mod: ModuleType) -> Any:
        headers, body = self._response_parts(hit, streamed=bool(hit.chunks))
        stream: Any = mod.ByteStream(body)
        if hit.chunks:
            assert self.player is not None
            parts = [
                self.bindings.bytes_from_placeholders(p)
                for p in split(hit.response_body, hit.chunks)
            ]
            stream = flavour(mod).replaying(
                parts, [t for _, t in hit.chunks], self.player.pace_until, self.player.delay
            )
        return mod.Response(
            hit.status,
            headers=headers,
            stream=stream,
            extensions={"reason_phrase": hit.reason.encode("ascii", "replace")}
            if hit.reason
            else {},
            request=request,
        )

    def httpx_sync(self, request: Any, inner: Any, mod: ModuleType) -> Any:
        body = request.read()
        hit = self._play(request.method, str(request.url), body, request.headers.multi_items())
        if hit is not None:
            return self._httpx_response(hit, request, mod)
        self._miss(request.method, str(request.url), body)
        real = _real_method(self._originals, inner, "handle_request")
        started = self.clock.tick()
        return self._passed_through(request, body, real(inner, request), started, mod)

    async def httpx_async(self, request: Any, inner: Any, mod: ModuleType) -> Any:
        body = await request.aread()
        hit = self._play(request.method, str(request.url), body, request.headers.multi_items())
        if hit is not None:
            return self._httpx_response(hit, request, mod)
        self._miss(request.method, str(request.url), body)
        real = _real_method(self._originals, inner, "handle_async_request")
        started = self.clock.tick()
        return self._passed_through(request, body, await real(inner, request), started, mod)

    def _passed_through(
        self, request: Any, body: bytes, response: Any, started: Any, mod: ModuleType
    ) -> Any:
        """The real response, its body kept as the client reads it (:mod:`.streams`)."""
        http = self.http
        assert http is not None

        def done(stream: RecordingStream) -> None:
            http.add(interaction_of(request, body, response, stream, started, self.clock.now_us()))
            with contextlib.suppress(ValueError):
                self._streams.remove(stream)

        stream = flavour(mod).recording(response.stream, self.clock.now_us, done)
        self._streams.append(stream)
        response.stream = stream
        return response

    def requests_send(self, adapter: Any, request: Any, send: Callable[[], Any]) -> Any:
        if (
            request.body is not None
            and not isinstance(request.body, bytes | str)
            and not hasattr(request.body, "read")
        ):
            request.body = _body_bytes(request.body)  # a generator: read once, kept for sending
        body = _body_bytes(request.body)
        hit = self._play(request.method, request.url, body, request.headers.items())
        if hit is not None:
            from urllib3 import HTTPHeaderDict
            from urllib3.response import HTTPResponse

            headers, content = self._response_parts(hit)
            raw = HTTPResponse(
                body=io.BytesIO(content),
                headers=HTTPHeaderDict(headers),
                status=hit.status,
                reason=hit.reason,
                preload_content=False,
                decode_content=False,
                request_method=request.method,
            )
            return adapter.build_response(request, raw)
        self._miss(request.method, request.url, body)
        token = STARTED.set(self.clock.tick())
        try:
            return send()
        finally:
            STARTED.reset(token)

    # -- WebSockets -------------------------------------------------------------------

    def _ws_miss(self, url: str) -> WsRecorder:
        if not self.recording or self.ws is None:
            assert self.player is not None
            raise self.player.ws_mismatch(url)
        return self.ws

    def _open(self, url: str) -> Script | None:
        if self.player is None:
            return None
        self._finder.url(url)
        return self.player.open(url)

    def ws_sync(self, url: str, connect: Callable[[], Any]) -> Any:
        script = self._open(url)
        if script is not None:
            return wsfakes.SyncConnection(script)
        recorder = self._ws_miss(url)
        connection = recorder.open(url)
        try:
            return recorder.wrap_websockets_sync(connect(), connection)
        except BaseException:
            recorder.discard(connection)
            raise

    async def ws_async(self, url: str, connect: Callable[[], Any]) -> Any:
        script = self._open(url)
        if script is not None:
            return wsfakes.AsyncConnection(script)
        recorder = self._ws_miss(url)
        connection = recorder.open(url)
        try:
            return recorder.wrap_websockets_async(await connect(), connection)
        except BaseException:
            recorder.discard(connection)
            raise

    def ws_client(self, ws: Any, url: str, connect: Callable[[], Any]) -> Any:
        script = self._open(url)
        if script is not None:
            wsfakes.replay_websocket_client(ws, script)
            return None
        recorder = self._ws_miss(url)
        connection = recorder.open(url)
        try:
            result = connect()
        except BaseException:
            recorder.discard(connection)
            raise
        recorder.wrap_websocket_client(ws, connection)
        return result


__all__ = ["CassetteMismatch", "CassetteSession"]
