"""The REST API against a plain-Python model of it, driven by a hypothesis state machine.

Why a state machine: the fake's rules interact (a stopped computer refuses actions and
exports but still takes uploads; deleting a workspace takes its computers and files;
a move must not clash names; ``/projects`` is ``/workspaces``), and example tests pin
only the orders someone thought of. Here hypothesis picks the order: create, start,
stop, restart, delete, clone and move computers (with lifecycle transitions that settle at
once, or only on ``settle`` so the in-between statuses and their 409s show), create and
delete workspaces through either path, upload, list, download, export and delete files.
After every step the whole visible state is compared with the model; and once computers
have been deleted, nothing of them may stay in memory (churn: their desktops are freed,
and the clock holds no more timers than there are computers).

Everything goes through ``FakeOrgo.transport()`` and httpx, as a client would.
"""

from __future__ import annotations

import gc
import json
import weakref
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fake_server import FakeOrgo
from fake_server.desktop.desktop import Desktop

API = "https://www.orgo.ai/api"
KEY = {"Authorization": "Bearer sk_stateful"}
HOME = "/home/user"
WORKSPACE_NAMES = st.sampled_from(["alpha", "beta"])  # few names: duplicates happen
COMPUTER_NAMES = st.sampled_from(["pc-1", "pc-2", "pc-3"])
FILENAMES = st.sampled_from(["a.txt", "b.txt", "report.csv"])
CONTENTS = st.binary(min_size=0, max_size=64)
Status = Literal["running", "stopped", "starting", "stopping", "restarting"]
SETTLES_TO: dict[str, Status] = {
    "starting": "running",
    "restarting": "running",
    "stopping": "stopped",
}


@dataclass
class ComputerModel:
    name: str
    workspace_id: str
    instance_id: str
    password: str
    status: Status = "running"
    disk: dict[str, bytes] = field(default_factory=dict)  # what we put in ~/Desktop


@dataclass
class FileModel:
    workspace_id: str
    desktop_id: str | None
    filename: str
    content: bytes
    source: str


class OrgoApiMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.fake = FakeOrgo(seed=3)
        self.http = httpx.Client(transport=self.fake.transport(), base_url=API, headers=KEY)
        self.anonymous = httpx.Client(transport=self.fake.transport())
        self.workspaces: dict[str, str] = {}  # id -> name
        self.computers: dict[str, ComputerModel] = {}
        self.files: dict[str, FileModel] = {}
        self.gone: list[str] = []  # deleted ids of every kind: each must now be a 404
        self.manual = False  # lifecycle transitions wait for settle()
        self.deleted_desktops: list[weakref.ref[Desktop]] = []  # must be freed

    def teardown(self) -> None:
        self.http.close()
        self.anonymous.close()

    # -- helpers ------------------------------------------------------------------------

    def _error(self, response: httpx.Response, status: int) -> str:
        assert response.status_code == status, (response.status_code, response.text)
        body = response.json()
        assert isinstance(body["error"], str) and body["error"] and body["request_id"]
        return str(body["error"])

    def _ok(self, response: httpx.Response, status: int = 200) -> Any:
        assert response.status_code == status, (response.status_code, response.text)
        return response.json()

    def _pick(self, data: st.DataObject, pool: list[str], label: str) -> str:
        return data.draw(st.sampled_from(sorted(pool)), label=label)

    # -- workspaces ---------------------------------------------------------------------

    @rule(name=WORKSPACE_NAMES, alias=st.sampled_from(["/workspaces", "/projects"]))
    def create_workspace(self, name: str, alias: str) -> None:
        response = self.http.post(alias, json={"name": name})
        if name in self.workspaces.values():
            assert "already exists" in self._error(response, 400)
            return
        body = self._ok(response, 201)
        assert body["name"] == name and body["desktops"] == []
        self.workspaces[body["id"]] = name

    @precondition(lambda self: len(self.workspaces) > 1)  # keep one: the rest need it
    @rule(data=st.data(), alias=st.sampled_from(["/workspaces", "/projects"]))
    def delete_workspace(self, data: st.DataObject, alias: str) -> None:
        workspace_id = self._pick(data, list(self.workspaces), "workspace")
        self.deleted_desktops += [
            weakref.ref(self.fake.computer(c).desktop)
            for c, m in self.computers.items()
            if m.workspace_id == workspace_id
        ]
        assert self._ok(self.http.delete(f"{alias}/{workspace_id}")) == {"success": True}
        del self.workspaces[workspace_id]
        self.gone.append(workspace_id)
        for computer_id in [c for c, m in self.computers.items() if m.workspace_id == workspace_id]:
            del self.computers[computer_id]
            self.gone.append(computer_id)
        for file_id in [f for f, m in self.files.items() if m.workspace_id == workspace_id]:
            del self.files[file_id]
            self.gone.append(file_id)

    # -- computers ----------------------------------------------------------------------

    @precondition(lambda self: self.workspaces)
    @rule(
        data=st.data(), name=COMPUTER_NAMES, alias=st.sampled_from(["workspace_id", "project_id"])
    )
    def create_computer(self, data: st.DataObject, name: str, alias: str) -> None:
        workspace_id = self._pick(data, list(self.workspaces), "workspace")
        response = self.http.post("/computers", json={alias: workspace_id, "name": name})
        if any(c.name == name and c.workspace_id == workspace_id for c in self.computers.values()):
            assert "already exists" in self._error(response, 400)
            return
        body = self._ok(response, 201)
        assert (body["status"], body["ram"], body["cpu"], body["resolution"]) == (
            "running",
            4,
            1,
            "1280x720x24",
        )
        self.computers[body["id"]] = ComputerModel(
            name, workspace_id, body["instance_id"], body["vnc_password"]
        )

    def _lifecycle(self, data: st.DataObject, verb: str, allowed: Status, begins: Status) -> None:
        computer_id = self._pick(data, list(self.computers), "computer")
        model = self.computers[computer_id]
        ident = data.draw(st.sampled_from([computer_id, model.instance_id]), label="ident")
        response = self.http.post(f"/computers/{ident}/{verb}")
        if model.status != allowed:
            assert f"status: {model.status}" in self._error(response, 409)
            return
        assert self._ok(response) == {"success": True, "status": begins}
        model.status = begins if self.manual else SETTLES_TO[begins]
        if verb == "restart":  # a new VNC password, as documented
            fresh = self._ok(self.http.get(f"/computers/{computer_id}"))["vnc_password"]
            assert fresh != model.password
            model.password = fresh

    @precondition(lambda self: self.computers)
    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self._lifecycle(data, "start", "stopped", "starting")

    @precondition(lambda self: self.computers)
    @rule(data=st.data())
    def stop(self, data: st.DataObject) -> None:
        self._lifecycle(data, "stop", "running", "stopping")

    @precondition(lambda self: self.computers)
    @rule(data=st.data())
    def restart(self, data: st.DataObject) -> None:
        self._lifecycle(data, "restart", "running", "restarting")

    @rule(manual=st.booleans())
    def lifecycle_mode(self, manual: bool) -> None:
        self.fake.set_lifecycle("manual" if manual else "immediate")
        self.manual = manual

    @rule()
    def settle(self) -> None:
        pending = [m for m in self.computers.values() if m.status in SETTLES_TO]
        assert self.fake.settle() == len(pending)
        for model in pending:
            model.status = SETTLES_TO[model.status]

    @precondition(lambda self: self.computers)
    @rule(data=st.data())
    def delete_computer(self, data: st.DataObject) -> None:
        computer_id = self._pick(data, list(self.computers), "computer")
        desktop = weakref.ref(self.fake.computer(computer_id).desktop)
        assert self._ok(self.http.delete(f"/computers/{computer_id}")) == {"success": True}
        del self.computers[computer_id]
        self.gone.append(computer_id)
        self.deleted_desktops.append(desktop)

    @precondition(lambda self: self.computers)
    @rule(data=st.data(), name=COMPUTER_NAMES)
    def clone(self, data: st.DataObject, name: str) -> None:
        """A clone is a new running computer in the same workspace with the source's disk."""
        computer_id = self._pick(data, list(self.computers), "computer")
        source = self.computers[computer_id]
        response = self.http.post(f"/computers/{computer_id}/clone", json={"name": name})
        if any(
            c.name == name and c.workspace_id == source.workspace_id
            for c in self.computers.values()
        ):
            assert "already exists" in self._error(response, 400)
            return
        body = self._ok(response, 201)
        assert (body["name"], body["workspace_id"], body["status"]) == (
            name,
            source.workspace_id,
            "running",
        )
        self.computers[body["id"]] = ComputerModel(
            name,
            source.workspace_id,
            body["instance_id"],
            body["vnc_password"],
            "running",
            dict(source.disk),
        )

    @precondition(lambda self: self.deleted_desktops)
    @rule()
    def deleted_computers_are_freed(self) -> None:
        """Churn leaves nothing behind: no deleted desktop survives a collection, and the
        clock holds at most one pending timer (idle) per computer still there."""
        gc.collect()
        alive = [ref for ref in self.deleted_desktops if ref() is not None]
        assert not alive, f"{len(alive)} deleted computers are still in memory"
        self.deleted_desktops.clear()
        assert self.fake.clock.pending() <= len(self.computers)

    @precondition(lambda self: self.computers and self.workspaces)
    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        computer_id = self._pick(data, list(self.computers), "computer")
        target = self._pick(data, list(self.workspaces), "target")
        model = self.computers[computer_id]
        response = self.http.patch(f"/computers/{computer_id}/move", json={"workspace_id": target})
        clash = any(
            c.name == model.name and c.workspace_id == target for c in self.computers.values()
        )
        if target == model.workspace_id:
            assert "already in that workspace" in self._error(response, 400)
        elif clash:
            assert "already exists" in self._error(response, 400)
        else:
            body = self._ok(response)
            assert body == {"success": True, "workspace_id": target, "project_id": target}
            model.workspace_id = target

    @precondition(lambda self: self.computers)
    @rule(data=st.data(), text=st.text(max_size=8))
    def type_text(self, data: st.DataObject, text: str) -> None:
        """Actions need a running computer: 400 "Desktop instance not available" else."""
        computer_id = self._pick(data, list(self.computers), "computer")
        response = self.http.post(f"/computers/{computer_id}/type", json={"text": text})
        if self.computers[computer_id].status != "running":
            assert self._error(response, 400) == "Desktop instance not available"
        else:
            assert self._ok(response)["details"] == {"text_length": len(text)}

    # -- files --------------------------------------------------------------------------

    @precondition(lambda self: self.workspaces)
    @rule(data=st.data(), filename=FILENAMES, content=CONTENTS, on_desktop=st.booleans())
    def upload(self, data: st.DataObject, filename: str, content: bytes, on_desktop: bool) -> None:
        desktop_id = None
        if on_desktop and self.computers:
            desktop_id = self._pick(data, list(self.computers), "desktop")
            workspace_id = self.computers[desktop_id].workspace_id
        else:
            workspace_id = self._pick(data, list(self.workspaces), "workspace")
        fields = {"workspaceId": workspace_id}
        if desktop_id is not None:
            fields["desktopId"] = desktop_id
        response = self.http.post(
            "/files/upload", data=fields, files={"file": (filename, content, "text/plain")}
        )
        info = self._ok(response)["file"]
        assert (info["filename"], info["size_bytes"], info["desktop_id"]) == (
            filename,
            len(content),
            desktop_id,
        )
        self.files[info["id"]] = FileModel(workspace_id, desktop_id, filename, content, "upload")
        if desktop_id is not None:  # stopped or not: the disk is there
            self.computers[desktop_id].disk[f"{HOME}/Desktop/{filename}"] = content

    @precondition(lambda self: self.computers)
    @rule(data=st.data(), form=st.sampled_from(["absolute", "relative", "tilde", "outside"]))
    def export(self, data: st.DataObject, form: str) -> None:
        with_files = [c for c, m in self.computers.items() if m.disk]
        computer_id = self._pick(data, with_files or list(self.computers), "computer")
        model = self.computers[computer_id]
        known = [*sorted(model.disk), f"{HOME}/Desktop/missing.txt"]
        path = data.draw(st.sampled_from(known), label="path")
        sent = {
            "absolute": path,
            "relative": path.removeprefix(HOME + "/"),
            "tilde": "~/" + path.removeprefix(HOME + "/"),
            "outside": "/etc/hostname",
        }[form]
        response = self.http.post("/files/export", json={"desktopId": computer_id, "path": sent})
        if model.status != "running":
            assert self._error(response, 400) == "Desktop instance not available"
        elif form == "outside":
            assert "/home/user" in self._error(response, 403)
        elif path not in model.disk:
            self._error(response, 404)
        else:
            body = self._ok(response)
            info = body["file"]
            assert (info["source"], info["desktop_id"]) == ("export", computer_id)
            served = self.anonymous.get(body["url"])
            assert served.status_code == 200 and served.content == model.disk[path]
            self.files[info["id"]] = FileModel(
                model.workspace_id, computer_id, info["filename"], model.disk[path], "export"
            )

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def download(self, data: st.DataObject) -> None:
        file_id = self._pick(data, list(self.files), "file")
        url = self._ok(self.http.get("/files/download", params={"id": file_id}))["url"]
        served = self.anonymous.get(url)
        assert served.status_code == 200 and served.content == self.files[file_id].content

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def delete_file(self, data: st.DataObject) -> None:
        file_id = self._pick(data, list(self.files), "file")
        response = self.http.delete("/files/delete", params={"id": file_id})
        assert self._ok(response) == {"success": True}
        del self.files[file_id]
        self.gone.append(file_id)

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def workspaces_match(self) -> None:
        for alias, key in (("/workspaces", "workspaces"), ("/projects", "projects")):
            listed = self._ok(self.http.get(alias))[key]
            assert {w["id"]: w["name"] for w in listed} == self.workspaces
        for workspace_id in self.workspaces:
            desktops = self._ok(self.http.get(f"/workspaces/{workspace_id}"))["desktops"]
            expected = {c for c, m in self.computers.items() if m.workspace_id == workspace_id}
            assert {d["id"] for d in desktops} == expected

    @invariant()
    def computers_match(self) -> None:
        for computer_id, model in self.computers.items():
            body = self._ok(self.http.get(f"/computers/{model.instance_id}"))
            assert body["id"] == computer_id
            assert (body["name"], body["workspace_id"], body["status"]) == (
                model.name,
                model.workspace_id,
                model.status,
            )
            assert body["vnc_password"] == model.password
            handle = self.fake.desktop(computer_id)
            for path, content in model.disk.items():
                assert handle.read_file(path) == content

    @invariant()
    def files_match(self) -> None:
        for workspace_id in self.workspaces:
            listed = self._ok(self.http.get("/files", params={"workspaceId": workspace_id}))
            expected = {f: m for f, m in self.files.items() if m.workspace_id == workspace_id}
            assert {f["id"] for f in listed["files"]} == set(expected)
            for info in listed["files"]:
                model = expected[info["id"]]
                assert (info["filename"], info["size_bytes"], info["source"]) == (
                    model.filename,
                    len(model.content),
                    model.source,
                )

    @invariant()
    def deleted_things_are_404(self) -> None:
        for ident in self.gone[-3:]:  # the latest few: the rest were checked when latest
            for path, params in (
                (f"/computers/{ident}", None),
                (f"/workspaces/{ident}", None),
                ("/files/download", {"id": ident}),
            ):
                response = self.http.get(path, params=params)
                assert response.status_code == 404, (path, response.text)
                assert json.loads(response.text)["error"]


OrgoApiMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestOrgoApi = OrgoApiMachine.TestCase
