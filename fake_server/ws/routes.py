"""The platform's WebSockets as Starlette routes: the three desktop sockets (events,
terminal, audio) and the hosted agent's prompt socket.

Both the documented ``/desktops/{id}/ws/{kind}`` paths and the legacy ``/{kind}`` paths
(routed by a ``{computer_id}.`` prefix on the Host header) are served.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from fake_server.agent.service import AgentService
from fake_server.agent.ws import prompt_endpoint
from fake_server.backend import Backend
from fake_server.ws.audio import audio_endpoint
from fake_server.ws.events import events_endpoint
from fake_server.ws.terminal import terminal_endpoint

Endpoint = Callable[[Backend, WebSocket], Awaitable[None]]
ENDPOINTS: dict[str, Endpoint] = {
    "events": events_endpoint,
    "terminal": terminal_endpoint,
    "audio": audio_endpoint,
}


def websocket_routes(backend: Backend, agent: AgentService) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for kind, endpoint in ENDPOINTS.items():

        async def serve(websocket: WebSocket, endpoint: Endpoint = endpoint) -> None:
            await endpoint(backend, websocket)

        routes.append(WebSocketRoute(f"/desktops/{{computer_id}}/ws/{kind}", serve))
        routes.append(WebSocketRoute(f"/api/desktops/{{computer_id}}/ws/{kind}", serve))
        routes.append(WebSocketRoute(f"/{kind}", serve))

    async def prompt(websocket: WebSocket) -> None:
        await prompt_endpoint(agent, websocket)

    routes.append(WebSocketRoute("/ws/prompt", prompt))  # wss://agent.orgo.ai/ws/prompt
    return routes
