"""``/_fake/agent/...``: the agent's control surface, for tests in another process.

Mirrors :class:`~fake_server.agent.service.AgentService`: queue a script, set a
default, read the runs and threads, set the credit balance, forget it all. Policies
are Python callables and so exist only in-process; over HTTP a script is a list of
steps in their JSON form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from fake_server.agent.script import InvalidScript
from fake_server.errors import bad_request, not_found
from fake_server.framework import ApiRequest, ApiResponse, Router, ok
from fake_server.state import State

if TYPE_CHECKING:
    from fake_server.agent.service import AgentService


class ScriptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: list[dict[str, Any]] | None = Field(min_length=1)
    computer_id: StrictStr | None = None


class CreditsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cents: StrictInt | None = Field(ge=0)


def agent_control_router(agent: AgentService) -> Router:
    router = Router()

    def computer(state: State, ident: str | None) -> str | None:
        if ident is not None and state.find_computer(ident) is None:
            raise not_found("Computer not found")
        return ident

    @router.post("/agent/scripts", auth=False)
    def add_script(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(ScriptBody)
        if body.steps is None:
            raise bad_request("steps is required")
        try:
            agent.add_script(body.steps, computer_id=computer(state, body.computer_id))
        except InvalidScript as exc:
            raise bad_request(str(exc)) from None
        return ok({"pending": agent.pending(body.computer_id)}, 201)

    @router.put("/agent/default", auth=False)
    def set_default(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(ScriptBody)
        try:
            agent.set_default(body.steps, computer_id=computer(state, body.computer_id))
        except InvalidScript as exc:
            raise bad_request(str(exc)) from None
        return ok({"success": True})

    @router.get("/agent/runs", auth=False)
    def runs(state: State, request: ApiRequest) -> ApiResponse:
        ident = computer(state, request.query.get("computer_id"))
        return ok({"runs": [run.to_json() for run in agent.runs(ident)]})

    @router.get("/agent/threads", auth=False)
    def threads(state: State, request: ApiRequest) -> ApiResponse:
        found = agent.threads.all()
        return ok({"threads": [{**t.summary(), "desktopId": t.desktop_id} for t in found]})

    @router.get("/agent/credits", auth=False)
    def get_credits(state: State, request: ApiRequest) -> ApiResponse:
        return ok({"cents": agent.credits_cents})

    @router.put("/agent/credits", auth=False)
    def set_credits(state: State, request: ApiRequest) -> ApiResponse:
        body = request.model(CreditsBody)
        agent.set_credits(body.cents)
        return ok({"cents": agent.credits_cents})

    @router.delete("/agent", auth=False)
    def reset(state: State, request: ApiRequest) -> ApiResponse:
        agent.reset()
        return ok({"success": True})

    return router
