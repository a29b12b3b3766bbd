"""Who may use the ``/_fake`` control surface over the network, and how it is refused.

The control surface can reset the fake, mint keys and read the request log, so over a
socket it is guarded (in-process use, the Python API and the in-memory transport, is the
test itself and is never checked):

* a browser page may not reach it: a request with a foreign ``Origin`` (or ``null``), or
  marked ``Sec-Fetch-Site: cross-site``/``same-site``, is refused, whatever it carries;
* DNS rebinding may not reach it: without the control token, the ``Host`` header must
  name loopback (``localhost``, ``127.0.0.1``, ``[::1]``) or the address the fake is bound to;
* off loopback it needs the token: when the fake is bound to a non-loopback address, or
  the caller is not on loopback, every control request must carry the control token
  (``X-Orgo-Fake-Token: <token>`` or ``Authorization: Bearer <token>``).

Refusals are 403 with the API's JSON error shape.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

TOKEN_HEADER = "x-orgo-fake-token"


def is_loopback(host: str) -> bool:
    """``localhost``, ``*.localhost`` or a loopback IP; a wildcard bind is not loopback."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _hostname(host: str) -> str:
    """The name of a ``Host`` header, without its port (``[::1]:80`` -> ``::1``)."""
    try:
        return (urlsplit(f"//{host}").hostname or "").lower()
    except ValueError:  # "[bad": not a name any loopback check accepts
        return host.lower()


def _netloc(origin: str) -> str | None:
    try:
        return urlsplit(origin).netloc.lower()
    except ValueError:
        return None


@dataclass
class ControlAccess:
    """The control token and the rules above. The token is random (never seeded: it is a
    secret), readable in-process as ``fake.control_access.token``."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    require_token: bool = False
    bound_host: str = "127.0.0.1"

    def bind(self, host: str) -> None:
        """The fake is served on ``host``: off loopback, the token becomes required."""
        self.bound_host = host.strip("[]").lower()
        if not is_loopback(host):
            self.require_token = True

    def has_token(self, headers: Mapping[str, str]) -> bool:
        given = headers.get(TOKEN_HEADER)
        if given is None:
            scheme, _, value = headers.get("authorization", "").partition(" ")
            given = value.strip() if scheme.lower() == "bearer" else None
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def refusal(self, headers: Mapping[str, str], peer: str | None) -> str | None:
        """Why this network request may not use the control surface, or None."""
        site = headers.get("sec-fetch-site", "").lower()
        host = headers.get("host", "")
        origin = headers.get("origin")
        if site in ("cross-site", "same-site") or (
            origin is not None and (not host or _netloc(origin) != host.lower())
        ):
            return "The control surface refuses cross-site browser requests"
        if self.has_token(headers):
            return None
        if self.require_token or (peer is not None and not is_loopback(peer)):
            return (
                "The control surface needs the control token off loopback: send "
                "X-Orgo-Fake-Token (printed by orgo-fake serve, or --control-token)"
            )
        name = _hostname(host)
        if host and not is_loopback(name) and name != self.bound_host:
            return f"The control surface refuses Host {host!r} (not loopback): DNS rebinding?"
        return None
