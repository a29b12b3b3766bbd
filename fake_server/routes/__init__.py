"""The REST API as route tables: one module per part of the API, merged here."""

from __future__ import annotations

from fake_server.framework import Router
from fake_server.routes import actions, builds, computers, files, workspaces


def api_router() -> Router:
    """Every route under ``/api``."""
    router = Router()
    for module in (workspaces, computers, actions, files, builds):
        router.include(module.router)
    return router
