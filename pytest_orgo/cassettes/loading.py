"""Reading a cassette's text, and saying exactly what is wrong when it cannot be read.

Every failure names the file (as the user sees it: relative to the rootdir), says what is
wrong with it and what to do, and reaches the user as the test's error - never as a bare
libyaml ``ScannerError`` or ``UnicodeDecodeError`` traceback. A cassette written by a
newer pytest-orgo (an unknown ``version`` or ``orgo.format``) is refused rather than
half-read.
"""

from __future__ import annotations

from typing import Any

import yaml

from pytest_orgo.cassettes import format as fmt

RERECORD = "delete it and record it again (--orgo-record-mode=once)"
RESTORE = f"restore it from version control, or {RERECORD}"


def document_of(raw: bytes, shown: str) -> dict[str, Any]:
    """The parsed cassette document, or a :class:`CassetteError` that says why not."""
    if not raw.strip():
        raise fmt.CassetteError(f"cassette {shown} is empty: {RERECORD}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fmt.CassetteError(
            f"cassette {shown} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start}): it was damaged or is not a cassette; {RESTORE}"
        ) from None
    try:
        document = fmt.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise fmt.CassetteError(
            f"cassette {shown} is not valid YAML or JSON ({problem}{where}): it was cut "
            f"short (a killed run?) or edited by hand; {RESTORE}"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
        found = type(document).__name__ if not isinstance(document, dict) else "a mapping"
        raise fmt.CassetteError(
            f"cassette {shown} is not a cassette: expected a mapping with an 'interactions' "
            f"list (vcrpy's layout), found {found}"
            + (" without one" if isinstance(document, dict) else "")
            + f"; {RESTORE}"
        )
    _check_versions(document, shown)
    return document


def _check_versions(document: dict[str, Any], shown: str) -> None:
    version = document.get("version", fmt.VCR_VERSION)
    orgo = document.get("orgo") or {}
    form = orgo.get("format", fmt.FORMAT) if isinstance(orgo, dict) else None
    if version != fmt.VCR_VERSION or form != fmt.FORMAT:
        found = f"version {version!r}" + (f", orgo format {form!r}" if form != fmt.FORMAT else "")
        raise fmt.CassetteError(
            f"cassette {shown} has {found}; this pytest-orgo reads version "
            f"{fmt.VCR_VERSION} (orgo format {fmt.FORMAT}) only: upgrade pytest-orgo if a "
            f"newer one wrote it, or {RERECORD}"
        )
