"""The one error shape the Orgo API uses: ``{"error": ..., "request_id": ...}``.

Every failure in the fake is an :class:`ApiError` raised from wherever it is found
(validation, state, auth); the dispatcher turns it into JSON. Nothing else may escape
as a 500 or a framework's default error page.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message, "request_id": request_id}
        if self.code is not None:
            body["code"] = self.code
        body.update(self.extra)
        return body


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str = "Not found") -> ApiError:
    return ApiError(404, message)


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def forbidden(message: str = "Access denied") -> ApiError:
    return ApiError(403, message)


def not_available() -> ApiError:
    return ApiError(400, "Desktop instance not available")


def scope_mismatch(key_workspace_id: str, target_workspace_id: str | None) -> ApiError:
    target = target_workspace_id or "another workspace"
    return ApiError(
        403,
        f"This API key is scoped to workspace {key_workspace_id}. It cannot access workspace "
        f"{target}. Use an account-wide key, or create a key scoped to the target workspace.",
        code="workspace_scope_mismatch",
        extra={"key_workspace_id": key_workspace_id, "target_workspace_id": target_workspace_id},
    )
