"""Where a computer's VM API answers, in each way the fake is served.

Real computers get their own host and a port that changes on restart. The fake keeps
it simpler, and clients cannot tell: they build ``http://{publicHost}:{apiPort}`` from
``instance_details`` (re-read at least every minute), so any address works as long as
it leads to the right computer. Two forms:

- reached through an Orgo host name (transparent routing, the in-memory transport, the
  SDK redirected onto loopback): ``{instance_id}.vm.orgo.test`` on port 80, a name no
  DNS answers (``.test`` is reserved), which the plugin's routing sends to the fake;
- reached on a plain address (loopback, standalone): that same host, on the one VM API
  port the server opened beside the platform's, shared by every computer; the bearer
  token says which computer is meant.
"""

from __future__ import annotations

from urllib.parse import urlsplit

VM_HOST_SUFFIX = ".vm.orgo.test"
VM_VIRTUAL_PORT = 80
ORGO_HOSTS = frozenset({"www.orgo.ai", "orgo.ai", "api.orgo.ai"})


def is_vm_host(host: str | None) -> bool:
    """``{instance_id}.vm.orgo.test``: a VM API host of the in-memory form."""
    return (
        bool(host) and str(host).endswith(VM_HOST_SUFFIX) and len(str(host)) > len(VM_HOST_SUFFIX)
    )


def instance_of_host(host: str | None) -> str | None:
    """The instance id a VM host names (None for a plain address such as 127.0.0.1)."""
    name = (host or "").rsplit(":", 1)[0] if not (host or "").startswith("[") else ""
    return name[: -len(VM_HOST_SUFFIX)] if is_vm_host(name) else None


def vm_address(origin: str, instance_id: str, vm_port: int | None) -> tuple[str, int]:
    """``(publicHost, apiPort)`` for a computer, given the origin the client called."""
    host = urlsplit(origin).hostname or ""
    if vm_port is None or not host or host in ORGO_HOSTS:
        return f"{instance_id}{VM_HOST_SUFFIX}", VM_VIRTUAL_PORT
    return host, vm_port
