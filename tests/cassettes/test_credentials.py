"""What counts as a credential (names, shapes), and the encoded forms a secret takes."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from cassette_helpers import interaction
from hypothesis import given
from hypothesis import strategies as st

from pytest_orgo.cassettes import credentials, scrub, store
from pytest_orgo.cassettes.format import CassetteData
from pytest_orgo.cassettes.forms import all_forms
from pytest_orgo.cassettes.store import SecretLeakError

SAMPLES = {
    "ANTHROPIC_KEY": "sk-ant-api03-" + "a1B2c3D4e5" * 8,
    "OPENAI_KEY": "sk-proj-" + "Zx9Yw8Vu7T" * 5,
    "GOOGLE_API_KEY": "AIza" + "SyD-abcdefghijklmnopqrstuvwxyz01234"[:35],
    "GITHUB_TOKEN": "ghp_" + "A1b2C3d4E5" * 4,
    "AWS_ACCESS_KEY": "AKIAIOSFODNN7EXAMPLE",
    "SLACK_TOKEN": "xoxb-123456789012-abcdefghijkl",
    "STRIPE_KEY": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
}


def test_each_provider_key_is_found_by_its_shape_and_named_after_its_provider() -> None:
    for kind, key in SAMPLES.items():
        text = json.dumps({"config": {"note": f"use {key} please"}})
        assert list(credentials.provider_keys(text)) == [(kind, key)], kind


def test_a_key_inside_a_longer_token_is_not_a_key() -> None:
    embedded = "xyz" + SAMPLES["GOOGLE_API_KEY"] + "Q"
    assert list(credentials.provider_keys(embedded)) == []


def test_random_base64_screenshots_yield_no_key() -> None:
    data = base64.b64encode(os.urandom(1 << 20)).decode()
    assert list(credentials.provider_keys(data)) == []


def test_names() -> None:
    for name in ("x-api-key", "X-Goog-Api-Key", "x-anthropic-key", "api-key", "x-auth-token"):
        assert credentials.is_secret_header(name), name
    for name in ("x-request-id", "x-ratelimit-remaining-tokens", "content-type", "x-thread-id"):
        assert not credentials.is_secret_header(name), name
    for name in ("key", "api_key", "access_token", "client_secret", "X-Amz-Signature"):
        assert credentials.is_secret_param(name), name
    assert not credentials.is_secret_param("cols")
    for name in ("ANTHROPIC_API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY"):
        assert credentials.is_secret_env(name), name
    for name in ("PATH", "TOKENIZERS_PARALLELISM", "SSH_AUTH_SOCK", "KEYBOARD"):
        assert not credentials.is_secret_env(name), name
    env = {"A_TOKEN": "1", "B_TOKEN": "long-enough-value", "HOME": "/root/some/where"}
    assert list(credentials.secret_env(env)) == [("B_TOKEN", "long-enough-value")]


def test_a_plausible_credential_only() -> None:
    """``Cookie: consent=1`` or a rate-limit count is not hunted through the cassette."""
    bindings = scrub.Bindings()
    finder = scrub.Discoverer(bindings, scrub.ScrubConfig())
    finder.headers({"Cookie": ["consent=1; theme=dark"], "x-api-key": ["12345678901"]})
    assert bindings.by_value == {}


@given(st.text(min_size=8, max_size=40).filter(lambda v: "<" not in v and ">" not in v))
def test_every_form_of_a_secret_is_replaced_and_restored(value: str) -> None:
    """Plain, URL (both), JSON (once, twice), base64 (both alphabets, all 3 alignments)."""
    recorded = scrub.Bindings()
    recorded.bind_as(value, "<ENV_X_TOKEN>", secret=True)
    encoded = value.encode()
    text = " | ".join(
        [
            value,
            quote(value, safe=""),
            quote_plus(value),
            json.dumps(value),
            json.dumps(json.dumps(value)),
            *(base64.b64encode(b"ab"[:k] + encoded).decode() for k in range(3)),
            *(base64.urlsafe_b64encode(b"ab"[:k] + encoded).decode() for k in range(3)),
        ]
    )
    scrubbed = recorded.to_placeholders(text)
    assert not any(form in scrubbed for form in all_forms(value))
    replay = scrub.Bindings()
    replay.bind_as(value, "<ENV_X_TOKEN>", secret=True)
    assert replay.from_placeholders(scrubbed) == text
    assert replay.bytes_from_placeholders(scrubbed.encode()) == text.encode()


def test_another_value_is_restored_in_the_same_encoding() -> None:
    old, new = 'p@"ss/' + secrets.token_hex(8), 'n"w/' + secrets.token_hex(8)  # alike shapes
    recorded = scrub.Bindings()
    recorded.bind_as(old, "<ENV_DB_PASSWORD>", secret=True)
    body = json.dumps({"url": f"https://x/?p={quote(old, safe='')}", "said": old})
    replay = scrub.Bindings()
    replay.bind_as(new, "<ENV_DB_PASSWORD>", secret=True)
    restored = json.loads(replay.from_placeholders(recorded.to_placeholders(body)))
    assert restored == {"url": f"https://x/?p={quote(new, safe='')}", "said": new}


def test_a_key_shaped_value_left_in_the_text_is_refused(tmp_path: Path) -> None:
    """Say a ``before_record_response`` hook put a key back: the last scan still stops it."""
    data = CassetteData(interactions=[interaction(response={"echo": SAMPLES["OPENAI_KEY"]})])
    path = tmp_path / "c.yaml"
    with pytest.raises(SecretLeakError, match="shaped like a OPENAI_KEY: sk-proj-"):
        store.write_cassette(path, data, key_shapes=True)
    assert not path.exists()
    store.write_cassette(path, data)  # scrub_defaults=False: the caller's choice
