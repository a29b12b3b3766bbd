"""Chat threads: the conversations chat completions hold, per computer (``desktopId``).

A thread belongs to the account that made it; another account gets 403. Messages are
OpenAI-style ``{role, content}`` dicts, appended by each completion on the thread and
replaced wholesale by a PATCH with ``messages`` (as the threads API documents).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from fake_server.errors import ApiError
from fake_server.views import iso

ThreadStatus = Literal["active", "archived"]


@dataclass
class ChatThread:
    id: str
    account_id: str
    desktop_id: str
    updated_at: float
    external_id: str | None = None
    status: ThreadStatus = "active"
    title: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The list item shape (``GET /api/chat/threads``)."""
        out: dict[str, Any] = {"id": self.id, "remoteId": self.id, "status": self.status}
        if self.title is not None:
            out["title"] = self.title
        out["messages"] = self.messages
        out["updated_at"] = iso(self.updated_at)
        return out

    def detail(self, *, with_messages: bool = True) -> dict[str, Any]:
        """``GET`` / ``PATCH`` answers: remoteId, status, title? (and messages on GET)."""
        out: dict[str, Any] = {"remoteId": self.id, "status": self.status}
        if self.title is not None:
            out["title"] = self.title
        if with_messages:
            out["messages"] = self.messages
        return out


class ThreadStore:
    def __init__(self) -> None:
        self._threads: dict[str, ChatThread] = {}
        self._lock = threading.Lock()

    def create(
        self,
        thread_id: str,
        *,
        account_id: str,
        desktop_id: str,
        now: float,
        external_id: str | None = None,
    ) -> ChatThread:
        thread = ChatThread(thread_id, account_id, desktop_id, now, external_id)
        with self._lock:
            self._threads[thread_id] = thread
        return thread

    def get(self, account_id: str, thread_id: str) -> ChatThread:
        with self._lock:
            thread = self._threads.get(thread_id)
        if thread is None:
            raise ApiError(404, "Thread not found")
        if thread.account_id != account_id:
            raise ApiError(403, "Forbidden")
        return thread

    def for_desktop(self, account_id: str, desktop_id: str) -> list[ChatThread]:
        """Newest first."""
        with self._lock:
            threads = [
                t
                for t in self._threads.values()
                if t.account_id == account_id and t.desktop_id == desktop_id
            ]
        return sorted(threads, key=lambda t: t.updated_at, reverse=True)

    def delete(self, account_id: str, thread_id: str) -> None:
        self.get(account_id, thread_id)
        with self._lock:
            self._threads.pop(thread_id, None)

    def all(self) -> list[ChatThread]:
        with self._lock:
            return list(self._threads.values())

    def clear(self) -> None:
        with self._lock:
            self._threads.clear()
