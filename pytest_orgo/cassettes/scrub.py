"""Secrets and server-made ids become stable placeholders, in every channel, both ways.

Why not vcrpy's ``filter_headers`` / ``filter_query_parameters``: they rewrite only the
places they name, so a key echoed in a body, a password in a WebSocket URL or a terminal
frame slips through. Here scrubbing is two passes over the *final* data: discover every
secret value (the ``Authorization`` bearer, ``ORGO_API_KEY``'s value, ``vnc-password``
answers, ``vnc_password`` fields anywhere in JSON, ``token=`` query parameters, configured
fields and environment variables), then replace each value wherever it occurs - headers,
URLs, bodies, frames, binary - with a placeholder such as ``<VNC_PASSWORD_1>``. The last
step before writing scans the serialized bytes once more (:func:`find_leak`).

The same :class:`Bindings` run backwards on replay: a placeholder in a recorded response
becomes this run's value (the fixture's password, a fresh UUID...), and a request is
turned back into placeholders before matching. So a test that reads ``vnc_password`` from
a recorded response and sends it as ``token=`` still matches.
"""

from __future__ import annotations

import json
import os
import re
import secrets as _secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pytest_orgo.cassettes import credentials
from pytest_orgo.cassettes.format import CassetteData, Connection, Frame, Interaction, split
from pytest_orgo.cassettes.forms import ENCODED, ENCODED_BYTES, all_forms, encode, encoded_forms

MIN_SECRET_LEN = 4  # shorter values are replaced where they are found, never hunted for
MIN_ID_LEN = 6
API_KEY = "<ORGO_API_KEY>"
PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*?)(?:_(\d+))?>")
PLACEHOLDER_BYTES = re.compile(PLACEHOLDER.pattern.encode())
UUID_RE = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
HEX8_RE = re.compile(r"^[0-9a-f]{8}$")
INSTANCE_PATH = re.compile(r"/desktops/([0-9a-f]{8})(?=/|$)")


@dataclass
class Bindings:
    """value <-> placeholder. ``secret`` placeholders are hunted in the final bytes."""

    by_value: dict[str, str] = field(default_factory=dict)
    by_placeholder: dict[str, str] = field(default_factory=dict)
    secret: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)
    generate: Callable[[str, str], str] | None = None  # replay: (kind, placeholder) -> value
    _forward: re.Pattern[str] | None = None
    _forward_bytes: re.Pattern[bytes] | None = None
    _lookup: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # placeholders written into the data

    def bind(self, value: str, kind: str, *, secret: bool = False, numbered: bool = True) -> str:
        """The placeholder for ``value`` (a new ``<KIND_n>`` the first time)."""
        if not value or (value.startswith("<") and PLACEHOLDER.fullmatch(value)):
            return value
        if value in self.by_value:
            return self.by_value[value]
        if numbered:
            number = self.counters.get(kind, 0) + 1
            placeholder = f"<{kind}_{number}>"
        else:
            placeholder = f"<{kind}>"
        return self.bind_as(value, placeholder, secret=secret)

    def bind_as(self, value: str, placeholder: str, *, secret: bool = False) -> str:
        match = PLACEHOLDER.fullmatch(placeholder)
        if match and match.group(2):
            kind, number = match.group(1), int(match.group(2))
            self.counters[kind] = max(self.counters.get(kind, 0), number)
        self.by_value.setdefault(value, placeholder)
        self.by_placeholder.setdefault(placeholder, value)
        if secret:
            self.secret.add(placeholder)
        self._forward = self._forward_bytes = None
        return placeholder

    def secret_values(self) -> dict[str, str]:
        """Every secret value worth hunting for, with the placeholder that names it."""
        return {
            value: placeholder
            for value, placeholder in self.by_value.items()
            if placeholder in self.secret and len(value) >= MIN_SECRET_LEN
        }

    def _compile(self) -> None:
        lookup: dict[str, str] = {}
        for value, placeholder in self.by_value.items():
            if len(value) < MIN_SECRET_LEN:
                continue
            lookup.setdefault(value, placeholder)
            forms = encoded_forms(value, placeholder, base64_too=placeholder in self.secret)
            for form, encoded in forms.items():
                lookup.setdefault(form, encoded)
        self._lookup = lookup
        alternatives = "|".join(re.escape(v) for v in sorted(lookup, key=len, reverse=True))
        self._forward = re.compile(alternatives or r"(?!x)x")
        self._forward_bytes = re.compile(alternatives.encode("utf-8") or rb"(?!x)x")

    def _placeholder(self, form: str) -> str:
        placeholder = self._lookup[form]
        self.used.add(placeholder.split(".")[0] + ">" if "." in placeholder else placeholder)
        return placeholder

    def to_placeholders(self, text: str) -> str:
        if not self.by_value or not text:
            return text
        if self._forward is None:
            self._compile()
        assert self._forward is not None
        return self._forward.sub(lambda m: self._placeholder(m.group()), text)

    def bytes_to_placeholders(self, data: bytes) -> bytes:
        if not self.by_value or not data:
            return data
        if self._forward_bytes is None:
            self._compile()
        assert self._forward_bytes is not None
        return self._forward_bytes.sub(
            lambda m: self._placeholder(m.group().decode()).encode(), data
        )

    def from_placeholders(self, text: str) -> str:
        if "<" not in text:
            return text
        text = ENCODED.sub(lambda m: self._encoded(*m.groups()), text)
        return PLACEHOLDER.sub(lambda m: self.value_of(m.group()), text)

    def bytes_from_placeholders(self, data: bytes) -> bytes:
        """Binary bodies and frames too: a key scrubbed out of a downloaded file comes
        back byte-exact on replay."""
        if b"<" not in data:
            return data
        data = ENCODED_BYTES.sub(self._encoded_bytes, data)
        return PLACEHOLDER_BYTES.sub(lambda m: self.value_of(m.group().decode()).encode(), data)

    def _encoded_bytes(self, match: re.Match[bytes]) -> bytes:
        inner, encoding, offset = match.groups()
        return self._encoded(
            inner.decode(), encoding.decode(), offset.decode() if offset else None
        ).encode()

    def _encoded(self, inner: str, encoding: str, offset: str | None) -> str:
        return encode(self.value_of(f"<{inner}>"), encoding, offset)

    def value_of(self, placeholder: str) -> str:
        value = self.by_placeholder.get(placeholder)
        if value is not None:
            return value
        match = PLACEHOLDER.fullmatch(placeholder)
        if self.generate is None or match is None:
            return placeholder
        value = self.generate(match.group(1), placeholder)
        self.bind_as(value, placeholder, secret=placeholder in self.secret)
        return value


def generate_value(kind: str, placeholder: str) -> str:
    """A fresh value of the right shape for a placeholder this replay has not seen yet."""
    if kind.startswith("ENV_") and os.environ.get(kind[4:]):
        return os.environ[kind[4:]]
    if kind in ("UUID", "COMPUTER_ID", "WORKSPACE_ID"):
        return str(uuid.uuid4())
    if kind == "INSTANCE_ID":
        return _secrets.token_hex(4)
    if kind == "VNC_PASSWORD":
        return _secrets.token_urlsafe(12)
    return f"replayed-{kind.lower().replace('_', '-')}-{_secrets.token_hex(4)}"


@dataclass(frozen=True)
class ScrubConfig:
    api_keys: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # JSON fields whose values are secrets
    env: tuple[str, ...] = ()  # environment variables whose values are secrets
    values: tuple[str, ...] = ()  # literal secret values
    normalize_ids: bool = False
    defaults: bool = True  # every service's credentials (:mod:`.credentials`), not only Orgo's


def prebind(bindings: Bindings, config: ScrubConfig) -> None:
    """Secrets known before any traffic: the API key(s), configured env vars and values,
    and (by default) every environment variable whose name says it holds a secret."""
    for key in config.api_keys:
        if key:
            bindings.bind_as(key, API_KEY, secret=True)
    env = [(name, os.environ.get(name, "")) for name in config.env]
    if config.defaults:
        env += sorted(credentials.secret_env(os.environ))
    for name, value in env:
        if value and value not in bindings.by_value:
            bindings.bind_as(value, f"<ENV_{name.upper()}>", secret=True)
    for value in config.values:
        bindings.bind(value, "SECRET", secret=True)


# -- discovery: what is a secret or an id, in the order the client met it ---------------


def _json(text: str) -> Any:
    stripped = text.lstrip()
    if stripped[:1] not in ("{", "["):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


# a key inside a run of base64 characters is never a key (it has token characters on both
# sides), so a long pure-base64 string (a screenshot) is not scanned for key shapes
LONG_STRING = 1024
BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]+")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key), value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


class Discoverer:
    """Pass one: bind every secret and (optionally) every server-made id, in order."""

    def __init__(self, bindings: Bindings, config: ScrubConfig) -> None:
        self.bindings = bindings
        self.config = config
        self.fields = {f.lower() for f in config.fields}
        self.defaults = config.defaults

    def _secret(self, value: str, kind: str) -> None:
        """A credential found by a generic rule (a name, a shape): bound when it is
        plausibly one, so a ``tokens: 12`` or a ``Cookie: consent=1`` is left alone."""
        if len(value) >= credentials.MIN_ENV_SECRET and not value.isdigit():
            self.bindings.bind(value, kind, secret=True)

    def url(self, url: str) -> None:
        parts = urlsplit(url)
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if name == "token" and value:
                self.bindings.bind(value, "VNC_PASSWORD", secret=True)
            elif name.lower() in self.fields and value:
                self.bindings.bind(value, name.upper(), secret=True)
            elif self.defaults and credentials.is_secret_param(name):
                self._secret(value, credentials.kind_of(name))
        if self.defaults:
            self.keys(url)
        if self.config.normalize_ids:
            for instance in INSTANCE_PATH.findall(parts.path):
                self.bindings.bind(instance, "INSTANCE_ID")
            self.ids(url)

    def headers(self, headers: dict[str, list[str]]) -> None:
        for name, values in headers.items():
            lowered = name.lower()
            for value in values:
                if lowered in ("authorization", "proxy-authorization"):
                    self.authorization(value)
                elif not self.defaults:
                    continue
                elif lowered == "cookie":
                    for pair in value.split(";"):
                        self._secret(pair.partition("=")[2].strip(), "COOKIE")
                elif lowered == "set-cookie":
                    self._secret(value.split(";")[0].partition("=")[2].strip(), "COOKIE")
                elif credentials.is_secret_header(lowered):
                    self.keys(value)  # a provider key keeps its provider's name
                    self._secret(value.strip(), credentials.kind_of(name))
                else:
                    self.keys(value)

    def authorization(self, value: str) -> None:
        scheme, _, token = value.strip().partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token:
            self.keys(token)
            self.bindings.bind(token, "BEARER_TOKEN", secret=True)
        elif token and self.defaults:  # Basic, Token, Bot, ApiKey...: the credential
            self.bindings.bind(token, "AUTHORIZATION", secret=True)
        elif value:
            self.bindings.bind(value, "AUTHORIZATION", secret=True)

    def keys(self, text: str) -> None:
        """Values shaped like a well-known provider's key, wherever they are."""
        for kind, value in credentials.provider_keys(text):
            self.bindings.bind(value, kind, secret=True)

    def text(self, text: str, *, password_field: bool = False) -> None:
        document = _json(text)
        if document is not None:
            for key, value in _walk(document):
                if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
                    continue
                lowered = key.lower()
                if lowered == "vnc_password" or (password_field and lowered == "password"):
                    self.bindings.bind(str(value), "VNC_PASSWORD", secret=True)
                elif lowered == "desktop_api_token":  # the VM API's bearer (section 20)
                    self.bindings.bind(str(value), "DESKTOP_API_TOKEN", secret=True)
                elif lowered in self.fields:
                    self.bindings.bind(str(value), key.upper(), secret=True)
                elif (
                    self.config.normalize_ids
                    and lowered in ("instance_id", "fly_instance_id")
                    and isinstance(value, str)
                    and HEX8_RE.match(value)
                ):
                    self.bindings.bind(value, "INSTANCE_ID")
                elif self.defaults and isinstance(value, str) and credentials.is_secret_field(key):
                    self._secret(value, credentials.kind_of(key))
        if self.defaults and document is None:
            self.keys(text)
        elif self.defaults:  # each string, but not a screenshot's megabytes of base64
            for value in _strings(document):
                if len(value) < LONG_STRING or not BASE64_RUN.fullmatch(value):
                    self.keys(value)
        if self.config.normalize_ids:
            self.ids(text)

    def ids(self, text: str) -> None:
        for found in UUID_RE.findall(text):
            self.bindings.bind(found, "UUID")

    def interaction(self, i: Interaction) -> None:
        self.url(i.uri)
        self.headers(i.request_headers)
        self.text(_decoded(i.request_body))
        self.headers(i.response_headers)
        self.text(
            _decoded(i.response_body), password_field=urlsplit(i.uri).path.endswith("/vnc-password")
        )

    def connection(self, c: Connection) -> None:
        self.url(c.url)

    def frame(self, f: Frame) -> None:
        if f.kind == "text":
            self.text(f.text)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def chronological(data: CassetteData) -> list[Interaction | Connection | Frame]:
    items: list[Interaction | Connection | Frame] = [*data.interactions, *data.connections]
    items += [f for c in data.connections for f in c.frames]
    return sorted(items, key=lambda item: item.seq)


def discover(data: CassetteData, bindings: Bindings, config: ScrubConfig) -> None:
    finder = Discoverer(bindings, config)
    for item in chronological(data):
        if isinstance(item, Interaction):
            finder.interaction(item)
        elif isinstance(item, Connection):
            finder.connection(item)
        else:
            finder.frame(item)


# -- pass two: replace, everywhere ----------------------------------------------------


HeaderFilter = str | tuple[str, str | None]


def filter_headers(
    headers: dict[str, list[str]], filters: Iterable[HeaderFilter]
) -> dict[str, list[str]]:
    """vcrpy's ``filter_headers``: a name removes the header, ``(name, value)`` replaces it
    (``(name, None)`` removes it). Case-insensitive."""
    out = dict(headers)
    for item in filters:
        name, replacement = (item, None) if isinstance(item, str) else item
        for key in [k for k in out if k.lower() == name.lower()]:
            if replacement is None:
                del out[key]
            else:
                out[key] = [replacement]
    return out


def apply(data: CassetteData, bindings: Bindings) -> None:
    """Replace every bound value in every channel (in place)."""
    text, raw = bindings.to_placeholders, bindings.bytes_to_placeholders

    def headers(h: dict[str, list[str]]) -> dict[str, list[str]]:
        return {name: [text(v) for v in values] for name, values in h.items()}

    for i in data.interactions:
        i.uri = text(i.uri)
        i.request_headers = headers(i.request_headers)
        i.response_headers = headers(i.response_headers)
        i.request_body = raw(i.request_body)
        whole = raw(i.response_body)
        if i.chunks:  # each chunk on its own, unless a secret straddles two: then one
            parts = [raw(p) for p in split(i.response_body, i.chunks)]
            times = [t for _, t in i.chunks]
            i.chunks = (
                [(len(p), t) for p, t in zip(parts, times, strict=True)]
                if b"".join(parts) == whole
                else [(len(whole), times[-1])]
            )
        i.response_body = whole
    for c in data.connections:
        c.url = text(c.url)
        for f in c.frames:
            f.text, f.data, f.reason = text(f.text), raw(f.data), text(f.reason)
    unused_env = {
        p for p in bindings.by_placeholder if p.startswith("<ENV_") and p not in bindings.used
    }  # every secret-named variable of the machine is bound; list only those met
    data.placeholders = sorted(set(data.placeholders) | set(bindings.by_placeholder) - unused_env)


# -- the last check -------------------------------------------------------------------


def channels(data: CassetteData) -> Iterator[tuple[str, bytes]]:
    """Every channel of the cassette as (name, bytes), to say where a leak is."""
    for n, i in enumerate(data.interactions):
        where = f"HTTP interaction #{n} ({i.method} {i.uri[:80]})"
        yield f"{where}: request URL", i.uri.encode()
        yield f"{where}: request headers", repr(i.request_headers).encode()
        yield f"{where}: request body", i.request_body
        yield f"{where}: response headers", repr(i.response_headers).encode()
        yield f"{where}: response body", i.response_body
    for n, c in enumerate(data.connections):
        yield f"WebSocket #{n}: URL", c.url.encode()
        for k, f in enumerate(c.frames):
            payload = f.data if f.kind == "binary" else (f.text + f.reason).encode()
            yield f"WebSocket #{n} ({c.url[:60]}): {f.direction} frame #{k} ({f.kind})", payload


def find_leak(
    data: CassetteData, serialized: bytes, sidecar: bytes, secret_values: dict[str, str]
) -> str | None:
    """The channel still holding a known secret, or None. Scans the serialized bytes (and
    sidecar) for each secret in each of its encodings; names the channel from the model."""
    for value, placeholder in secret_values.items():
        needles = [v.encode("utf-8") for v in all_forms(value)]
        found_in = [
            name
            for name, blob in (("cassette", serialized), ("sidecar", sidecar))
            if any(n in blob for n in needles)
        ]
        if not found_in:
            continue
        for channel, blob in channels(data):
            if any(n in blob for n in needles):
                return f"{channel} (the value of {placeholder})"
        return f"the serialized {found_in[0]} (the value of {placeholder})"
    return None
