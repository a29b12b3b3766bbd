"""The agent's REST routes, bound to one fake's :class:`AgentService`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fake_server.agent.chat import chat_router
from fake_server.agent.control import agent_control_router
from fake_server.agent.threads_api import threads_router
from fake_server.framework import Router

if TYPE_CHECKING:
    from fake_server.agent.service import AgentService

__all__ = ["agent_api_router", "agent_control_router"]


def agent_api_router(agent: AgentService) -> Router:
    """``/api/v1/chat/completions`` and ``/api/chat/threads...``."""
    router = Router()
    router.include(chat_router(agent))
    router.include(threads_router(agent))
    return router
