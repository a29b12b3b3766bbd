"""What marks a value as a credential, for any service: header names, query parameter
names, JSON field names, environment variable names, and the shapes of known provider keys.

Why a pattern list and not a secret-detection library: Yelp's ``detect-secrets`` (the
best-known one; last release 1.5.0, 2024) was measured on a 1,000-interaction agent
cassette (``benchmarks/test_cassettes.py``): with only its regex plugins it costs ~50x
this module's whole discovery; its default entropy plugins flag every base64 screenshot
and id (thousands of false "secrets" that replay would then corrupt); and it knows none of
Anthropic's ``sk-ant-``, OpenAI's current ``sk-proj-`` or Google's ``AIza`` keys - the
ones agent tests send. The
shapes below are the ones gitleaks and detect-secrets publish for those providers, each
anchored so it cannot match inside a longer token (a base64 screenshot never yields a
"key" by chance).

Add your own with the marker's ``scrub_fields``/``scrub_env``/``scrub_values``; turn the
defaults off with ``scrub_defaults=False`` (then only Orgo's own secrets are scrubbed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

#: request or response headers whose whole value (or, for the auth schemes, its token)
#: is a credential, whatever the service
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "apikey",
        "x-goog-api-key",
        "x-anthropic-key",
        "anthropic-api-key",
        "openai-api-key",
        "x-auth-token",
        "x-access-token",
        "x-amz-security-token",
        "x-csrf-token",
        "x-xsrf-token",
        "private-token",
        "x-vault-token",
        "x-functions-key",
        "ocp-apim-subscription-key",
    }
)
COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
_SECRET_NAME = re.compile(
    r"(?:^|[-_.])(?:api[-_]?key|apikey|access[-_]?key|secret|token|password|passwd|"
    r"credentials?|private[-_]?key|signature)$",
    re.IGNORECASE,
)
#: query parameters that carry a key
SECRET_PARAMS = frozenset(
    {
        "key",
        "api_key",
        "apikey",
        "api-key",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "auth",
        "auth_token",
        "client_secret",
        "secret",
        "password",
        "sig",
        "signature",
        "x-amz-signature",
        "x-amz-security-token",
        "code",
    }
)
#: JSON fields whose string values are credentials (compared without ``_``/``-``, lowercased)
SECRET_FIELDS = frozenset(
    {
        "apikey",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "authtoken",
        "sessiontoken",
        "clientsecret",
        "secret",
        "secretkey",
        "secretaccesskey",
        "privatekey",
        "password",
        "anthropickey",
        "openaikey",
    }
)
#: environment variable names whose values are secrets
_SECRET_ENV = re.compile(
    r"(?:^|_)(?:API_?KEY|ACCESS_KEY(?:_ID)?|SECRET(?:_ACCESS)?(?:_KEY)?|TOKEN|PASSWORD|PASSWD|"
    r"PRIVATE_KEY|CREDENTIALS?|AUTH)$"
)
MIN_ENV_SECRET = 8  # a "secret" env var set to "1" or "true" is a flag, not a secret

_B = r"(?<![A-Za-z0-9_+/=-])"  # no token character before
_E = r"(?![A-Za-z0-9_+/=-])"  # nor after
#: (placeholder kind, how it starts, pattern) for the key shapes of well-known providers
PROVIDER_KEYS: tuple[tuple[str, str, str], ...] = (
    ("ANTHROPIC_KEY", "sk-", r"sk-ant-[A-Za-z0-9_-]{20,}"),
    ("OPENAI_KEY", "sk-", r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ("GOOGLE_API_KEY", "AIza", r"AIza[0-9A-Za-z_-]{35}"),
    (
        "GITHUB_TOKEN",
        "gh[pousr]_|github_pat_",
        r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    ("GITLAB_TOKEN", "glpat-", r"glpat-[A-Za-z0-9_-]{20,}"),
    (
        "AWS_ACCESS_KEY",
        "A[GIKNRS][A-Z]A",
        r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}",
    ),
    ("SLACK_TOKEN", "xox", r"xox[abposr]-[A-Za-z0-9-]{10,}"),
    ("SLACK_WEBHOOK", "https://hooks", r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,}"),
    ("STRIPE_KEY", "[sr]k_", r"(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}"),
    ("HUGGINGFACE_TOKEN", "hf_", r"hf_[A-Za-z0-9]{30,}"),
    ("SENDGRID_KEY", r"SG\.", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    ("NPM_TOKEN", "npm_", r"npm_[A-Za-z0-9]{36}"),
    ("PYPI_TOKEN", "pypi-", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    ("TWILIO_KEY", "SK[0-9a-fA-F]", r"SK[0-9a-fA-F]{32}"),
    ("PRIVATE_KEY", "-----BEGIN", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
)
#: where a key may start: one cheap pass (a 1 MB base64 screenshot in ~10 ms, 25x faster
#: than the full patterns), then the full pattern is tried only at those places
_STARTS = re.compile("|".join(sorted({start for _, start, _ in PROVIDER_KEYS})))
_KEYS = re.compile("|".join(f"(?P<{kind}>{_B}{pattern}{_E})" for kind, _, pattern in PROVIDER_KEYS))


def is_secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_HEADERS or bool(_SECRET_NAME.search(lowered))


def is_secret_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_PARAMS or bool(_SECRET_NAME.search(lowered))


def is_secret_field(name: str) -> bool:
    return name.lower().replace("_", "").replace("-", "") in SECRET_FIELDS


def is_secret_env(name: str) -> bool:
    return bool(_SECRET_ENV.search(name.upper()))


def secret_env(environ: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(name, value) of every environment variable whose name marks it as a secret."""
    for name, value in environ.items():
        if is_secret_env(name) and len(value) >= MIN_ENV_SECRET:
            yield name, value


def provider_keys(text: str) -> Iterator[tuple[str, str]]:
    """(kind, value) of every well-known provider key in ``text`` (one regex pass)."""
    if len(text) < 12:
        return
    end = 0
    for start in _STARTS.finditer(text):
        if start.start() < end:
            continue  # inside the key just found
        match = _KEYS.match(text, start.start())
        if match is not None and match.lastgroup is not None:
            end = match.end()
            yield match.lastgroup, match.group()


def kind_of(name: str) -> str:
    """A placeholder kind from a name: ``x-goog-api-key`` -> ``X_GOOG_API_KEY``."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_") or "SECRET"
