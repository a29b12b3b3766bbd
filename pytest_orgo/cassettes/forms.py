"""The forms a secret takes in recorded traffic, and the placeholders that stand for them.

A value is hunted (and replaced) as itself, URL-encoded (``quote`` and ``quote_plus``),
JSON-escaped, and inside base64 (standard and URL-safe alphabets): a key in a file sent
as base64, or in ``Basic`` credentials. In base64 a value's encoding depends on where it
falls in the 3-byte grouping, so each of the 3 alignments gives its own "core" (the
characters that encode only the value's bytes); each core is replaced by an *encoded*
placeholder, ``<X_API_KEY_1.b64.2>``, which replay turns back into the same core of this
run's value, so the base64 around it decodes as it did live.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote, quote_plus

ENCODED = re.compile(r"<([A-Z][A-Z0-9_]*)\.(b64|b64u)\.([012])>")
ENCODED_BYTES = re.compile(ENCODED.pattern.encode())
MIN_BASE64_VALUE = 8  # shorter values give cores too short to hunt for safely


def plain_forms(value: str) -> set[str]:
    """The forms a value takes in a URL or inside a JSON string."""
    forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    return {f for f in forms if f}


def core(value: str, alphabet: str, offset: int) -> str:
    """The base64 characters that encode only ``value``'s bytes, when ``offset`` bytes of
    the 3-byte group came before it."""
    raw = value.encode("utf-8")
    padded = b"\0" * offset + raw
    encoded = (base64.b64encode if alphabet == "b64" else base64.urlsafe_b64encode)(padded)
    start = -(-8 * offset // 6)  # ceil: the first character holding no prefix bits
    end = 8 * len(padded) // 6  # floor: the last character holding no padding bits
    return encoded[start:end].decode("ascii")


def encoded_forms(value: str, placeholder: str) -> dict[str, str]:
    """Every base64 core of ``value`` -> the encoded placeholder that stands for it."""
    if len(value.encode("utf-8")) < MIN_BASE64_VALUE:
        return {}
    inner = placeholder[1:-1]
    forms: dict[str, str] = {}
    for alphabet in ("b64", "b64u"):
        for offset in range(3):
            forms.setdefault(core(value, alphabet, offset), f"<{inner}.{alphabet}.{offset}>")
    return forms


def all_forms(value: str) -> set[str]:
    """Every form the final scan looks for."""
    return plain_forms(value) | set(encoded_forms(value, "<X>"))
