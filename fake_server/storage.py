"""Stored objects that live outside a computer: uploaded/exported files, screenshots.

Files belong to a workspace (and optionally to the computer they came from); their
download URLs are signed and expire after an hour of fake-clock time, like the real
service's. Screenshots taken with ``response_format=url`` are kept (a bounded number)
so the URL really serves the PNG to the same account.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from dataclasses import dataclass

from fake_server.clock import Clock
from fake_server.ids import IdFactory

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
URL_LIFETIME_SECONDS = 3600
MAX_STORED_SCREENSHOTS = 256


@dataclass
class StoredFile:
    id: str
    workspace_id: str
    desktop_id: str | None
    filename: str
    content: bytes
    content_type: str
    source: str  # "upload" | "export"
    created_at: float


@dataclass(frozen=True)
class StoredScreenshot:
    id: str
    account_id: str
    png: bytes
    created_at: float

    @property
    def storage_path(self) -> str:
        return f"screenshots/{self.id}.png"


class Storage:
    def __init__(self, clock: Clock, ids: IdFactory) -> None:
        self.clock = clock
        self.ids = ids
        self.files: dict[str, StoredFile] = {}
        self.screenshots: OrderedDict[str, StoredScreenshot] = OrderedDict()
        self._secret = ids.password(32).encode()

    # -- files ------------------------------------------------------------------------

    def add_file(
        self,
        *,
        workspace_id: str,
        desktop_id: str | None,
        filename: str,
        content: bytes,
        content_type: str,
        source: str,
    ) -> StoredFile:
        stored = StoredFile(
            self.ids.uuid(),
            workspace_id,
            desktop_id,
            filename,
            content,
            content_type,
            source,
            self.clock.now(),
        )
        self.files[stored.id] = stored
        return stored

    def files_in(self, workspace_id: str, desktop_id: str | None = None) -> list[StoredFile]:
        return sorted(
            (
                f
                for f in self.files.values()
                if f.workspace_id == workspace_id and desktop_id in (None, f.desktop_id)
            ),
            key=lambda f: (f.created_at, f.id),
        )

    def drop_workspace(self, workspace_id: str) -> None:
        for file_id in [f.id for f in self.files.values() if f.workspace_id == workspace_id]:
            del self.files[file_id]

    def _signature(self, file_id: str, expires: int) -> str:
        message = f"{file_id}:{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def signed_path(self, file_id: str) -> str:
        expires = int(self.clock.now()) + URL_LIFETIME_SECONDS
        signature = self._signature(file_id, expires)
        return f"/api/storage/files/{file_id}?expires={expires}&signature={signature}"

    def check_signature(self, file_id: str, expires: str, signature: str) -> bool:
        try:
            expires_at = int(expires)
        except ValueError:
            return False
        if expires_at < self.clock.now():
            return False
        return hmac.compare_digest(self._signature(file_id, expires_at), signature)

    # -- screenshots ------------------------------------------------------------------

    def add_screenshot(self, account_id: str, png: bytes) -> StoredScreenshot:
        shot = StoredScreenshot(self.ids.uuid(), account_id, png, self.clock.now())
        self.screenshots[shot.id] = shot
        while len(self.screenshots) > MAX_STORED_SCREENSHOTS:
            self.screenshots.popitem(last=False)
        return shot
