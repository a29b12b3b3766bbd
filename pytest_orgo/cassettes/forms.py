"""The forms a secret takes in recorded traffic, and the placeholders that stand for them.

A value is hunted (and replaced) as itself, URL-encoded (``quote`` and ``quote_plus``),
JSON-escaped (once, and twice: a JSON body echoed inside another JSON string), and inside
base64 (standard and URL-safe alphabets): a key in a file sent as base64, in ``Basic``
credentials. Each encoded form gets its own placeholder - ``<ENV_X_PASSWORD.url>``,
``<ENV_X_PASSWORD.json>`` - which replay turns back into the *same encoding* of this run's
value, so the URL, the JSON or the base64 around it reads as it did live.

In base64 a value's encoding depends on where it falls in the 3-byte grouping, so each of
the 3 alignments gives its own "core" (the characters that encode only the value's
bytes), replaced by ``<...b64.0>``, ``.b64.1``, ``.b64.2``. The one or two characters at
a core's edges, which the value shares with its neighbours, stay as recorded: a replay
with a *different* key in a base64 body restores the core but not those edges.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus

ENCODED = re.compile(r"<([A-Z][A-Z0-9_]*)\.(url|form|json|json2|b64|b64u)(?:\.([012]))?>")
ENCODED_BYTES = re.compile(ENCODED.pattern.encode())
MIN_BASE64_VALUE = 8  # shorter values give cores too short to hunt for safely


def _json(value: str) -> str:
    return json.dumps(value)[1:-1]


TEXT_ENCODINGS: dict[str, Callable[[str], str]] = {
    "url": lambda v: quote(v, safe=""),
    "form": quote_plus,
    "json": _json,
    "json2": lambda v: _json(_json(v)),
}


def core(value: str, alphabet: str, offset: int) -> str:
    """The base64 characters that encode only ``value``'s bytes, when ``offset`` bytes of
    the 3-byte group came before it."""
    padded = b"\0" * offset + value.encode("utf-8")
    encoded = (base64.b64encode if alphabet == "b64" else base64.urlsafe_b64encode)(padded)
    start = -(-8 * offset // 6)  # ceil: the first character holding no prefix bits
    end = 8 * len(padded) // 6  # floor: the last character holding no padding bits
    return encoded[start:end].decode("ascii")


def encode(value: str, encoding: str, offset: str | None) -> str:
    """``value`` in the form an encoded placeholder names."""
    if encoding in TEXT_ENCODINGS:
        return TEXT_ENCODINGS[encoding](value)
    return core(value, encoding, int(offset or 0))


def encoded_forms(value: str, placeholder: str, *, base64_too: bool) -> dict[str, str]:
    """Every form of ``value`` that differs from it -> the placeholder standing for it."""
    inner = placeholder[1:-1]
    forms: dict[str, str] = {}
    for name, function in TEXT_ENCODINGS.items():
        form = function(value)
        if form and form != value:
            forms.setdefault(form, f"<{inner}.{name}>")
    if base64_too and len(value.encode("utf-8")) >= MIN_BASE64_VALUE:
        for alphabet in ("b64", "b64u"):
            for offset in range(3):
                forms.setdefault(core(value, alphabet, offset), f"<{inner}.{alphabet}.{offset}>")
    return forms


def all_forms(value: str) -> set[str]:
    """Every form the final scan looks for."""
    return {value} | set(encoded_forms(value, "<X>", base64_too=True))
