"""The fake's state: accounts and keys, workspaces, computers and their lifecycle.

Plain typed Python objects with the API's rules on them (who may see what, which
transition is legal, what the plan allows). The REST layer only translates requests
into calls here and results into JSON; a test can call the same methods directly.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from fake_server.clock import Clock
from fake_server.desktop.desktop import Desktop
from fake_server.desktop.filesystem import GIB
from fake_server.errors import ApiError, bad_request, conflict, forbidden, not_found, scope_mismatch
from fake_server.ids import IdFactory
from fake_server.models import DEFAULT_RESOLUTION, RESIZE_MEM_GB, RESIZE_VCPUS
from fake_server.storage import Storage

Status = Literal[
    "creating",
    "starting",
    "running",
    "stopping",
    "stopped",
    "suspended",
    "restarting",
    "deleting",
    "error",
]
SettleMode = Literal["immediate", "delay", "manual"]
KNOWN_TEMPLATES = ("system/claude-code@1.0.0", "system/openclaw@1.0.0", "system/hermes-agent@1.0.0")
LIVE_RESIZE_MAX_MEM_GB = 32


@dataclass(frozen=True)
class ApiKey:
    key: str
    account_id: str
    workspace_id: str | None = None  # None: account-wide


@dataclass
class Plan:
    """What the account may run. ``None`` means no limit."""

    max_running_computers: int | None = None
    max_ram_gb: int | None = None
    max_cpu: float | None = None
    max_disk_gb: int | None = None
    allow_windows: bool = False
    allow_gpu: bool = True


@dataclass
class VmApiPolicy:
    """Which VM image generation the direct VM API acts as (section 20).

    Newer images (the default) issue a ``desktop_api_token`` distinct from the VNC
    password and take it only as ``Authorization: Bearer``; older images use the VNC
    password as the token and also take ``?token=`` on the terminal upgrade."""

    older_images: bool = False
    port: int | None = None  # the shared VM API listener on loopback/standalone (None: not served)


@dataclass
class LifecyclePolicy:
    """How transitions settle: at once, after ``delay`` fake-clock seconds, or on ``settle()``.

    ``create_latency`` is how many real seconds a create answer takes, as a
    real VM's boot does: real seconds because clients wait in real time; the server
    waits without blocking other clients, so concurrent creates overlap."""

    mode: SettleMode = "immediate"
    delay: float = 0.0
    idempotent: bool = False
    create_latency: float = 0.0


@dataclass
class Transition:
    target: Literal["running", "stopped"]
    settle_at: float


@dataclass
class Workspace:
    id: str
    name: str
    user_id: str
    created_at: float
    updated_at: float
    status: str = "active"
    icon_url: str | None = None


@dataclass
class Stream:
    connection_name: str
    pid: int
    start_time: float


@dataclass(frozen=True)
class ComputerSpec:
    """What a computer is asked to be: the create request's fields (None: the plan's
    default), and what a clone copies."""

    os: str = "linux"
    ram: int | None = None
    cpu: float | None = None
    gpu: str = "none"
    disk_size_gb: int | None = None
    resolution: str = DEFAULT_RESOLUTION
    auto_stop_minutes: int = 0
    template_ref: str | None = None
    image: str | None = None

    @classmethod
    def of(cls, computer: Computer) -> ComputerSpec:
        return cls(**{field.name: getattr(computer, field.name) for field in fields(cls)})


@dataclass
class Computer:
    id: str
    instance_id: str
    name: str
    workspace_id: str
    account_id: str
    os: str
    ram: int
    cpu: float
    gpu: str
    disk_size_gb: int
    resolution: str
    auto_stop_minutes: int
    template_ref: str | None
    image: str | None
    vnc_password: str
    created_at: float
    updated_at: float
    desktop: Desktop
    bandwidth_limit_mbps: int = 1000
    stored_status: Status = "running"
    transition: Transition | None = None
    stream: Stream | None = None
    clones: int = 0


LifecycleListener = Callable[[Computer, str], None]


class State:
    """Everything one fake Orgo knows. Guard calls with :attr:`lock` across threads."""

    def __init__(self, clock: Clock, ids: IdFactory, *, accept_any_key: bool = True) -> None:
        self.clock = clock
        self.ids = ids
        self.lock = threading.RLock()
        self.accept_any_key = accept_any_key
        self.plan = Plan()
        self.lifecycle = LifecyclePolicy()
        self.vm_api = VmApiPolicy()
        self.lifecycle_listeners: list[LifecycleListener] = []
        self.desktop_factory: Callable[[Computer | None, str], Desktop] = self._default_desktop
        self.stream_connections: set[str] | None = None  # None: any connection name works
        #: A cap on each simulated disk in bytes, below ``disk_size_gb`` (tests hit it cheaply).
        self.disk_bytes_cap: int | None = None
        self.keys: dict[str, ApiKey] = {}
        self.workspaces: dict[str, Workspace] = {}
        self.computers: dict[str, Computer] = {}
        self.by_instance: dict[str, str] = {}
        self.storage = Storage(clock, ids)
        self.extras: dict[str, Any] = {}  # small legacy stores (the builds API) keyed by name
        self.default_account = ids.uuid()

    # -- keys and access --------------------------------------------------------------

    def add_key(
        self, key: str, *, workspace_id: str | None = None, account_id: str | None = None
    ) -> ApiKey:
        if not key:
            raise ValueError("an API key cannot be empty")
        api_key = ApiKey(key, account_id or self.default_account, workspace_id)
        self.keys[key] = api_key
        return api_key

    def authenticate(self, authorization: str | None) -> ApiKey:
        if not authorization:
            raise ApiError(401, "Missing API key")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "Missing API key")
        known = self.keys.get(token)
        if known is not None:
            return known
        if self.accept_any_key:
            return ApiKey(token, self.default_account)
        raise ApiError(401, "Invalid API key")

    def _check_workspace(self, key: ApiKey, workspace: Workspace) -> None:
        if workspace.user_id != key.account_id:
            raise forbidden()
        if key.workspace_id is not None and key.workspace_id != workspace.id:
            raise scope_mismatch(key.workspace_id, workspace.id)

    def workspace(self, key: ApiKey, workspace_id: str) -> Workspace:
        workspace = self.workspaces.get(workspace_id)
        if workspace is None:
            raise not_found("Workspace not found")
        self._check_workspace(key, workspace)
        return workspace

    def workspace_by_name(self, key: ApiKey, name: str) -> Workspace:
        for workspace in self.visible_workspaces(key):
            if workspace.name == name:
                return workspace
        raise not_found("Workspace not found")

    def visible_workspaces(self, key: ApiKey) -> list[Workspace]:
        return [
            w
            for w in self.workspaces.values()
            if w.user_id == key.account_id and key.workspace_id in (None, w.id)
        ]

    def computer(self, key: ApiKey, ident: str) -> Computer:
        computer = self.computers.get(ident) or self.computers.get(self.by_instance.get(ident, ""))
        if computer is None:
            raise not_found("Computer not found")
        if computer.account_id != key.account_id:
            raise forbidden()
        if key.workspace_id is not None and key.workspace_id != computer.workspace_id:
            raise scope_mismatch(key.workspace_id, computer.workspace_id)
        return computer

    def vm_token(self, computer: Computer) -> str:
        """The computer's ``desktop_api_token``: derived from its VNC password (so it
        rotates with it on restart and costs no draw from the seeded id stream), or the
        password itself on older images."""
        if self.vm_api.older_images:
            return computer.vnc_password
        digest = hashlib.sha256(f"{computer.id}:{computer.vnc_password}".encode()).hexdigest()
        return "dat_" + digest[:40]

    def computer_by_vm_token(self, token: str) -> Computer | None:
        """The computer a VM API bearer token belongs to (None: stale or unknown)."""
        if not token:
            return None
        for computer in self.computers.values():
            if self.vm_token(computer) == token:
                return computer
        return None

    def find_computer(self, ident: str) -> Computer | None:
        """A computer by UUID or instance id, with no access check (WebSockets, control)."""
        return self.computers.get(ident) or self.computers.get(self.by_instance.get(ident, ""))

    def computers_in(self, workspace_id: str) -> list[Computer]:
        return [c for c in self.computers.values() if c.workspace_id == workspace_id]

    # -- workspaces -------------------------------------------------------------------

    def create_workspace(
        self, key: ApiKey, name: str, *, icon_url: str | None = None, status: str = "active"
    ) -> Workspace:
        if key.workspace_id is not None:
            raise scope_mismatch(key.workspace_id, None)
        if any(w.name == name for w in self.workspaces.values() if w.user_id == key.account_id):
            raise bad_request(f"A workspace named {name!r} already exists")
        now = self.clock.now()
        workspace = Workspace(self.ids.uuid(), name, key.account_id, now, now, status, icon_url)
        self.workspaces[workspace.id] = workspace
        return workspace

    def delete_workspace(self, key: ApiKey, workspace_id: str) -> None:
        workspace = self.workspace(key, workspace_id)
        for computer in self.computers_in(workspace.id):
            self._remove_computer(computer)
        self.storage.drop_workspace(workspace.id)
        del self.workspaces[workspace.id]

    # -- computers --------------------------------------------------------------------

    def _default_desktop(self, source: Computer | None, resolution: str) -> Desktop:
        disk = source.desktop.disk.clone() if source is not None else None
        return Desktop(clock=self.clock, ids=self.ids, resolution=resolution, fs=disk)

    def _check_plan(self, *, ram: int, cpu: float, disk: int, os: str, gpu: str) -> None:
        plan = self.plan
        if os == "windows" and not plan.allow_windows:
            raise bad_request(
                "os must be 'linux' (Windows computers are not enabled on this account)"
            )
        if os not in ("linux", "windows"):
            raise bad_request(f"os must be 'linux', not {os!r}")
        if gpu != "none" and not plan.allow_gpu:
            raise forbidden("Your plan does not include GPU computers")
        if plan.max_ram_gb is not None and ram > plan.max_ram_gb:
            raise forbidden(f"Plan limit: at most {plan.max_ram_gb} GB of RAM per computer")
        if plan.max_cpu is not None and cpu > plan.max_cpu:
            raise forbidden(f"Plan limit: at most {plan.max_cpu:g} vCPUs per computer")
        if plan.max_disk_gb is not None and disk > plan.max_disk_gb:
            raise forbidden(f"Plan limit: at most {plan.max_disk_gb} GB of disk per computer")

    def _check_running_limit(self, account_id: str) -> None:
        limit = self.plan.max_running_computers
        if limit is None:
            return
        running = sum(
            1
            for c in self.computers.values()
            if c.account_id == account_id and self.status(c) not in ("stopped", "stopping")
        )
        if running >= limit:
            raise forbidden(
                f"Plan limit reached: at most {limit} running computers. "
                "Stop or delete a computer, or upgrade your plan."
            )

    def create_computer(
        self,
        key: ApiKey,
        workspace: Workspace,
        name: str,
        spec: ComputerSpec = ComputerSpec(),
        *,
        source: Computer | None = None,
    ) -> Computer:
        self._check_workspace(key, workspace)
        if spec.template_ref is not None and spec.template_ref not in KNOWN_TEMPLATES:
            raise not_found(f"Template not found: {spec.template_ref}")
        if any(c.name == name for c in self.computers_in(workspace.id)):
            raise bad_request(f"A computer named {name!r} already exists in this workspace")
        spec = replace(
            spec,
            ram=4 if spec.ram is None else spec.ram,
            cpu=1 if spec.cpu is None else spec.cpu,
            disk_size_gb=8 if spec.disk_size_gb is None else spec.disk_size_gb,
        )
        assert spec.ram is not None and spec.cpu is not None and spec.disk_size_gb is not None
        self._check_plan(
            ram=spec.ram, cpu=spec.cpu, disk=spec.disk_size_gb, os=spec.os, gpu=spec.gpu
        )
        self._check_running_limit(key.account_id)
        now = self.clock.now()
        computer_id = self.ids.uuid()
        instance_id = self.ids.instance_id()
        while instance_id in self.by_instance:
            instance_id = self.ids.instance_id()
        computer = Computer(
            id=computer_id,
            instance_id=instance_id,
            name=name,
            workspace_id=workspace.id,
            account_id=workspace.user_id,
            **vars(spec),
            vnc_password=self.ids.password(),
            created_at=now,
            updated_at=now,
            desktop=self.desktop_factory(source, spec.resolution),
        )
        self.computers[computer.id] = computer
        self.by_instance[instance_id] = computer.id
        self.apply_disk_quota(computer)
        return computer

    def apply_disk_quota(self, computer: Computer) -> None:
        """The computer's disk holds ``disk_size_gb`` (or :attr:`disk_bytes_cap`) bytes of files."""
        capacity = computer.disk_size_gb * GIB
        if self.disk_bytes_cap is not None:
            capacity = min(capacity, self.disk_bytes_cap)
        computer.desktop.disk.capacity = capacity

    def delete_computer(self, key: ApiKey, ident: str) -> None:
        self._remove_computer(self.computer(key, ident))

    def _remove_computer(self, computer: Computer) -> None:
        self._notify(computer, "deleted")
        computer.desktop.power_off()
        self.computers.pop(computer.id, None)
        self.by_instance.pop(computer.instance_id, None)

    def _notify(self, computer: Computer, what: str) -> None:
        for listener in list(self.lifecycle_listeners):
            listener(computer, what)

    # -- lifecycle --------------------------------------------------------------------

    def status(self, computer: Computer) -> Status:
        """The status now: a pending transition settles lazily when its time has come."""
        transition = computer.transition
        if transition is not None and self.clock.now() >= transition.settle_at:
            self._settle(computer)
        return computer.stored_status

    def _settle(self, computer: Computer) -> None:
        transition = computer.transition
        if transition is None:
            return
        computer.transition = None
        computer.stored_status = transition.target
        computer.updated_at = self.clock.now()
        if transition.target == "running":
            computer.desktop.power_on()
        self._notify(computer, transition.target)

    def _settle_due(self, ident: str) -> None:
        computer = self.computers.get(ident)
        if computer is not None:
            self.status(computer)

    def settle(self, computer: Computer | None = None) -> int:
        """Complete pending transitions now (all, or one computer's); returns how many."""
        targets = [computer] if computer is not None else list(self.computers.values())
        settled = 0
        for target in targets:
            if target.transition is not None:
                self._settle(target)
                settled += 1
        return settled

    def _begin(
        self, computer: Computer, status: Status, target: Literal["running", "stopped"]
    ) -> None:
        computer.stored_status = status
        computer.updated_at = self.clock.now()
        policy = self.lifecycle
        if policy.mode == "manual":
            settle_at = math.inf
        elif policy.mode == "delay":
            settle_at = self.clock.now() + policy.delay
        else:
            settle_at = -math.inf
        computer.transition = Transition(target, settle_at)
        if policy.mode == "delay":  # by id: a deleted computer must not stay referenced
            ident = computer.id
            self.clock.call_at(settle_at, lambda: self._settle_due(ident))
        if policy.mode == "immediate":
            self._settle(computer)

    def start(self, computer: Computer) -> str:
        status = self.status(computer)
        if status != "stopped":
            if self.lifecycle.idempotent and status in ("running", "starting"):
                return status
            raise conflict(f"Computer is not stopped (status: {status})")
        self._check_running_limit(computer.account_id)
        self._begin(computer, "starting", "running")
        return "starting"

    def stop(self, computer: Computer) -> str:
        status = self.status(computer)
        if status != "running":
            if self.lifecycle.idempotent and status in ("stopped", "stopping"):
                return status
            raise conflict(f"Computer is not running (status: {status})")
        self._stop_stream(computer)
        self._notify(computer, "stopping")
        computer.desktop.power_off()
        self._begin(computer, "stopping", "stopped")
        return "stopping"

    def restart(self, computer: Computer) -> str:
        status = self.status(computer)
        if status != "running":
            raise conflict(f"Computer is not running (status: {status})")
        self._stop_stream(computer)
        self._notify(computer, "restarting")
        computer.desktop.power_off()
        computer.vnc_password = self.ids.password()
        self._begin(computer, "restarting", "running")
        return "restarting"

    def require_running(self, computer: Computer) -> Desktop:
        if self.status(computer) != "running":
            raise ApiError(400, "Desktop instance not available")
        return computer.desktop

    # -- clone, resize, move ----------------------------------------------------------

    def clone(
        self, key: ApiKey, computer: Computer, *, name: str | None, target_workspace_id: str | None
    ) -> Computer:
        target = (
            self.workspace(key, target_workspace_id)
            if target_workspace_id
            else self.workspaces[computer.workspace_id]
        )
        if name is None:
            computer.clones += 1
            suffix = "(clone)" if computer.clones == 1 else f"(clone {computer.clones})"
            name = f"{computer.name} {suffix}"
        return self.create_computer(key, target, name, ComputerSpec.of(computer), source=computer)

    def resize(
        self,
        computer: Computer,
        *,
        vcpus: float | None,
        mem_gb: int | None,
        disk_size_gb: int | None,
        bandwidth_limit_mbps: int | None,
        auto_stop_minutes: int | None,
    ) -> tuple[dict[str, dict[str, object]], bool]:
        """Apply what can be applied; returns per-dimension results and whether any ran."""
        status = self.status(computer)
        if status != "running":
            raise conflict(
                f"Computer is not running (status: {status}); resize needs a running computer"
            )
        if vcpus is not None and vcpus not in RESIZE_VCPUS:
            raise bad_request(f"vcpus must be one of {', '.join(map(str, RESIZE_VCPUS))}")
        if mem_gb is not None and mem_gb not in RESIZE_MEM_GB:
            raise bad_request(f"mem_gb must be one of {', '.join(map(str, RESIZE_MEM_GB))}")
        if disk_size_gb is not None and disk_size_gb < computer.disk_size_gb:
            raise bad_request(
                f"disk_size_gb can only grow (current {computer.disk_size_gb} GB, "
                f"requested {disk_size_gb} GB)"
            )
        results: dict[str, dict[str, object]] = {}
        plan = self.plan
        if vcpus is not None:
            error = None
            if plan.max_cpu is not None and vcpus > plan.max_cpu:
                error = f"exceeds the plan limit of {plan.max_cpu:g} vCPUs"
            results["vcpus"] = self._dimension(vcpus, computer.cpu, error)
            if error is None:
                computer.cpu = vcpus
        if mem_gb is not None:
            error = None
            if mem_gb > LIVE_RESIZE_MAX_MEM_GB:
                error = f"live resize supports at most {LIVE_RESIZE_MAX_MEM_GB} GB of memory"
            elif plan.max_ram_gb is not None and mem_gb > plan.max_ram_gb:
                error = f"exceeds the plan limit of {plan.max_ram_gb} GB"
            results["mem_mb"] = self._dimension(mem_gb * 1024, computer.ram * 1024, error)
            if error is None:
                computer.ram = mem_gb
        if disk_size_gb is not None:
            error = None
            if plan.max_disk_gb is not None and disk_size_gb > plan.max_disk_gb:
                error = f"exceeds the plan limit of {plan.max_disk_gb} GB"
            results["disk_gb"] = self._dimension(disk_size_gb, computer.disk_size_gb, error)
            if error is None:
                computer.disk_size_gb = disk_size_gb
                self.apply_disk_quota(computer)
        if bandwidth_limit_mbps is not None:
            computer.bandwidth_limit_mbps = bandwidth_limit_mbps
        if auto_stop_minutes is not None:
            computer.auto_stop_minutes = auto_stop_minutes
        computer.updated_at = self.clock.now()
        return results, bool(results)

    @staticmethod
    def _dimension(requested: float, current: float, error: str | None) -> dict[str, object]:
        result: dict[str, object] = {
            "requested": requested,
            "applied": current if error else requested,
            "ok": error is None,
        }
        if error:
            result["error"] = error
        return result

    def move(self, key: ApiKey, computer: Computer, workspace_id: str) -> Workspace:
        if key.workspace_id is not None:
            raise scope_mismatch(key.workspace_id, workspace_id)
        target = self.workspace(key, workspace_id)
        if target.id == computer.workspace_id:
            raise bad_request("The computer is already in that workspace")
        if any(c.name == computer.name for c in self.computers_in(target.id)):
            raise bad_request(
                f"A computer named {computer.name!r} already exists in the target workspace"
            )
        computer.workspace_id = target.id
        computer.updated_at = self.clock.now()
        return target

    # -- streaming --------------------------------------------------------------------

    def start_stream(self, computer: Computer, connection_name: str) -> Stream:
        desktop = self.require_running(computer)
        if self.stream_connections is not None and connection_name not in self.stream_connections:
            raise not_found(f"Stream connection not found: {connection_name}")
        if computer.stream is not None:
            raise conflict("Computer is already streaming")
        process = desktop.processes.start("ffmpeg")
        computer.stream = Stream(connection_name, process.pid, self.clock.now())
        return computer.stream

    def stop_stream(self, computer: Computer) -> None:
        self.require_running(computer)
        if computer.stream is None:
            raise conflict("Computer is not streaming")
        self._stop_stream(computer)

    def _stop_stream(self, computer: Computer) -> None:
        stream, computer.stream = computer.stream, None
        if stream is not None and computer.desktop.processes.get(stream.pid) is not None:
            computer.desktop.processes.stop(stream.pid)

    # -- control ----------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {"workspaces": len(self.workspaces), "computers": len(self.computers)}

    def iter_computers(self) -> Iterator[Computer]:
        return iter(list(self.computers.values()))
