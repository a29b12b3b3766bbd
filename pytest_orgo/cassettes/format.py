"""The cassette on disk: vcrpy's layout for HTTP, WebSocket frames beside it, binary in a sidecar.

Why this shape:

* ``{"version": 1, "interactions": [{"request": ..., "response": ...}]}`` is vcrpy's own
  layout, so vcrpy (and pytest-recording) can still read the HTTP half. Our additions live
  where vcrpy never looks: ``seq``/``t_us``/``duration_us`` beside ``request``/``response``
  (vcrpy builds ``Request(**request)``, so nothing extra may go *inside* ``request``), a
  top-level ``websockets`` list, and a top-level ``orgo`` block (format, sidecar checksum).
* Every HTTP interaction, WebSocket connect and frame carries ``seq`` (one counter) and
  ``t_us`` (microseconds since the cassette started, one monotonic clock), so the order
  between a REST call and the events it caused survives. Integer microseconds, not float
  seconds: a float like ``1e-05`` would read back as a *string* under YAML 1.1.
* The text is JSON written so that it is also valid YAML (JSON is YAML's flow style; we
  escape the few characters YAML 1.1 treats differently), in a ``.yaml`` file as
  pytest-recording names them. ``json.loads`` reads a 1,000-interaction cassette ~35x
  faster than libyaml's CSafeLoader (see ``benchmarks/test_cassettes.py``); vcrpy's YAML
  loader still reads the same bytes. Block-style YAML (``serializer="yaml"``) is written on
  request and read by sniffing.
* Binary WebSocket frames (audio PCM) and large binary HTTP bodies go to a sidecar file
  named after its own sha256 (``<test>.<sha16>.bin``), checked on load: a cassette and a
  sidecar from different recordings cannot be mixed up, and writing a new sidecar never
  touches the one the previous cassette points at (see :mod:`.store`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from pytest_orgo.errors import OrgoError

FORMAT = 1
VCR_VERSION = 1
INLINE_BINARY_MAX = 256  # binary HTTP bodies up to this size stay inline (base64)

Direction = Literal["send", "recv"]
FrameKind = Literal["text", "binary", "timeout", "close"]


class CassetteError(OrgoError):
    """A cassette (or its sidecar) that cannot be read as one."""


@dataclass
class Interaction:
    """One HTTP request and its response (bodies as bytes, decoded from any gzip)."""

    method: str
    uri: str
    request_headers: dict[str, list[str]]
    request_body: bytes
    status: int
    reason: str
    response_headers: dict[str, list[str]]
    response_body: bytes
    seq: int = 0
    t_us: int = 0
    duration_us: int = 0
    chunks: list[tuple[int, int]] = field(default_factory=list)  # streamed: (size, t_us)


@dataclass
class Frame:
    """One thing the client saw on a WebSocket: a message sent or received, a receive that
    timed out, or the close that ended the stream."""

    direction: Direction
    kind: FrameKind
    seq: int = 0
    t_us: int = 0
    text: str = ""
    data: bytes = b""
    code: int | None = None
    reason: str = ""
    ok: bool = True


@dataclass
class Connection:
    url: str
    seq: int = 0
    t_us: int = 0
    frames: list[Frame] = field(default_factory=list)


@dataclass
class CassetteData:
    interactions: list[Interaction] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

    def last_seq(self) -> int:
        seqs = [i.seq for i in self.interactions] + [c.seq for c in self.connections]
        seqs += [f.seq for c in self.connections for f in c.frames]
        return max(seqs, default=0)


def split(body: bytes, chunks: list[tuple[int, int]]) -> list[bytes]:
    """A streamed body cut at its recorded chunk sizes."""
    parts, at = [], 0
    for size, _ in chunks:
        parts.append(body[at : at + size])
        at += size
    return parts


# -- encoding -------------------------------------------------------------------------


class _Blobs:
    """The sidecar being built: binary payloads appended, referenced by [offset, length]."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, data: bytes) -> list[int]:
        ref = [self.size, len(data)]
        self.parts.append(data)
        self.size += len(data)
        return ref


def _text_or_none(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _body_out(data: bytes, blobs: _Blobs) -> dict[str, Any]:
    text = _text_or_none(data)
    if text is not None:
        return {"string": text}
    if len(data) <= INLINE_BINARY_MAX:
        return {"string": "", "base64": base64.b64encode(data).decode("ascii")}
    return {"string": "", "sidecar": blobs.add(data)}


def _frame_out(frame: Frame, blobs: _Blobs) -> dict[str, Any]:
    out: dict[str, Any] = {"seq": frame.seq, "t_us": frame.t_us, "dir": frame.direction}
    if frame.kind == "text":
        out["text"] = frame.text
    elif frame.kind == "binary":
        out["sidecar"] = blobs.add(frame.data)
    elif frame.kind == "timeout":
        out["timeout"] = True
    else:
        out["close"] = {"code": frame.code, "reason": frame.reason, "ok": frame.ok}
    return out


def to_document(data: CassetteData) -> tuple[dict[str, Any], bytes]:
    """The JSON-ready document and the sidecar bytes (empty when there is no binary)."""
    blobs = _Blobs()
    interactions = []
    for i in data.interactions:
        request_body = _body_out(i.request_body, blobs)
        entry: dict[str, Any] = {
            "request": {
                "method": i.method,
                "uri": i.uri,
                "body": request_body["string"] if i.request_body else None,
                "headers": i.request_headers,
            },
            "response": {
                "status": {"code": i.status, "message": i.reason},
                "headers": i.response_headers,
                "body": _body_out(i.response_body, blobs),
            },
            "seq": i.seq,
            "t_us": i.t_us,
            "duration_us": i.duration_us,
        }
        if i.chunks:
            entry["chunks"] = [[size, t_us] for size, t_us in i.chunks]
        if len(request_body) > 1:  # binary: vcrpy sees "", we keep the bytes beside
            entry["request_body"] = {k: v for k, v in request_body.items() if k != "string"}
        interactions.append(entry)
    websockets = [
        {
            "url": c.url,
            "seq": c.seq,
            "t_us": c.t_us,
            "frames": [_frame_out(f, blobs) for f in c.frames],
        }
        for c in data.connections
    ]
    document: dict[str, Any] = {"version": VCR_VERSION, "interactions": interactions}
    document["websockets"] = websockets
    document["orgo"] = {"format": FORMAT, "placeholders": sorted(data.placeholders)}
    return document, b"".join(blobs.parts)


# -- decoding -------------------------------------------------------------------------


def _blob(sidecar: bytes | None, ref: Any, where: str) -> bytes:
    if sidecar is None:
        raise CassetteError(f"{where} refers to a sidecar file, and there is none")
    offset, length = int(ref[0]), int(ref[1])
    if offset + length > len(sidecar):
        raise CassetteError(f"{where} points past the end of the sidecar")
    return sidecar[offset : offset + length]


def plain_bytes(body: Any) -> bytes | None:
    """A body that is nothing, bytes or text, as bytes (UTF-8); None for any other form."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return None


def _body_in(body: Any, sidecar: bytes | None, where: str) -> bytes:
    plain = plain_bytes(body)
    if plain is not None:
        return plain
    if "base64" in body:
        return base64.b64decode(body["base64"])
    if "sidecar" in body:
        return _blob(sidecar, body["sidecar"], where)
    return _body_in(body.get("string"), sidecar, where)


def _chunks_in(raw: Any, size: int, where: str) -> list[tuple[int, int]]:
    chunks = [(int(c[0]), int(c[1])) for c in raw or []]
    if chunks and sum(c[0] for c in chunks) != size:
        raise CassetteError(
            f"{where}: its chunk sizes add up to {sum(c[0] for c in chunks)} bytes, "
            f"its response body has {size}"
        )
    return chunks


def _headers_in(headers: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in (headers or {}).items():
        values = value if isinstance(value, list) else [value]
        out[str(name)] = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values]
    return out


def _frame_in(raw: dict[str, Any], sidecar: bytes | None, where: str) -> Frame:
    frame = Frame(
        direction=raw["dir"], kind="text", seq=int(raw.get("seq", 0)), t_us=int(raw.get("t_us", 0))
    )
    if "text" in raw:
        frame.text = raw["text"]
    elif "sidecar" in raw or "base64" in raw:
        frame.kind = "binary"
        frame.data = _body_in(raw, sidecar, where)
    elif raw.get("timeout"):
        frame.kind = "timeout"
    elif "close" in raw:
        close = raw["close"] or {}
        frame.kind = "close"
        frame.code = close.get("code")
        frame.reason = close.get("reason") or ""
        frame.ok = bool(close.get("ok", True))
    else:
        raise CassetteError(f"{where}: a frame with neither text, binary, timeout nor close")
    return frame


def from_document(document: Any, sidecar: bytes | None = None) -> CassetteData:
    """The model of a parsed cassette (ours, or a plain vcrpy one: HTTP only)."""
    if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
        raise CassetteError("not a cassette: no 'interactions' list")
    data = CassetteData()
    for n, raw in enumerate(document["interactions"]):
        where = f"interaction #{n}"
        request, response = raw["request"], raw["response"]
        request_body = _body_in(raw.get("request_body") or request.get("body"), sidecar, where)
        status = response.get("status") or {}
        response_body = _body_in(response.get("body"), sidecar, where)
        data.interactions.append(
            Interaction(
                method=str(request["method"]).upper(),
                uri=str(request["uri"]),
                request_headers=_headers_in(request.get("headers")),
                request_body=request_body,
                status=int(status.get("code", 200)),
                reason=str(status.get("message") or ""),
                response_headers=_headers_in(response.get("headers")),
                response_body=response_body,
                seq=int(raw.get("seq", n + 1)),
                t_us=int(raw.get("t_us", 0)),
                duration_us=int(raw.get("duration_us", 0)),
                chunks=_chunks_in(raw.get("chunks"), len(response_body), where),
            )
        )
    for n, raw in enumerate(document.get("websockets") or []):
        frames = [
            _frame_in(f, sidecar, f"websocket #{n} frame #{k}") for k, f in enumerate(raw["frames"])
        ]
        data.connections.append(
            Connection(
                url=raw["url"],
                seq=int(raw.get("seq", 0)),
                t_us=int(raw.get("t_us", 0)),
                frames=frames,
            )
        )
    data.placeholders = list((document.get("orgo") or {}).get("placeholders") or [])
    return data


# -- text -----------------------------------------------------------------------------

# What JSON leaves raw but YAML 1.1 reads differently: C1 controls and DEL (not printable),
# NEL and the Unicode line/paragraph separators (line breaks), BOM and non-characters.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def dumps(document: dict[str, Any], serializer: str = "json") -> str:
    if serializer == "yaml":
        return str(
            yaml.dump(document, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
        )
    text = json.dumps(document, indent=1, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def loads(text: str) -> Any:
    """JSON when it is JSON (fast), any YAML otherwise (libyaml's safe loader)."""
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            pass
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sidecar_name(stem: str, blob: bytes) -> str:
    """``<test>.<first 16 hex of sha256>.bin``: a new recording never overwrites the old one's."""
    return f"{stem}.{sha256(blob)[:16]}.bin"


def check_sidecar(meta: dict[str, Any], blob: bytes, name: str) -> None:
    if len(blob) != int(meta.get("size", -1)) or sha256(blob) != meta.get("sha256"):
        raise CassetteError(
            f"sidecar {name} does not match its cassette (size or sha256 differ): "
            "they come from different recordings; re-record the cassette"
        )
