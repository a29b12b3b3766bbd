"""What the agent fronts accept: models, the WebSocket ``start`` config, the
chat-completions body, the threads bodies (pydantic at the edges)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

DEFAULT_MODEL = "claude-sonnet-4-6"
# decision 23: the union of the docs' dotted pair and the newest list's hyphenated four
CHAT_MODELS = frozenset(
    {
        "claude-opus-4-7",
        "claude-opus-4-6",
        "claude-sonnet-4-6",
        "claude-haiku-4-5",
        "claude-opus-4.7",
        "claude-opus-4.6",
        "claude-sonnet-4.6",
        "claude-haiku-4.5",
    }
)
# the hosted agent also took the dated id SDK 0.0.40 sent
AGENT_MODELS = CHAT_MODELS | {"claude-sonnet-4-5-20250929"}


class StartConfig(BaseModel):
    """The ``config`` of the hosted agent's ``start`` frame (SDK 0.0.47's fields)."""

    model_config = ConfigDict(extra="ignore")

    computer_id: StrictStr = Field(min_length=1)
    instruction: StrictStr = Field(min_length=1)
    model: StrictStr = DEFAULT_MODEL
    display_width: StrictInt = Field(default=1024, ge=1, le=10_000)
    display_height: StrictInt = Field(default=768, ge=1, le=10_000)
    thinking_enabled: StrictBool = True
    thinking_budget: StrictInt = Field(default=1024, ge=0)
    max_tokens: StrictInt = Field(default=8192, ge=1)
    max_iterations: StrictInt = Field(default=100, ge=1, le=10_000)
    system_prompt: StrictStr | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["user", "assistant", "system"]
    content: Any = ""

    def text(self) -> str:
        """The content as text: a string, or the text parts of a content list."""
        if isinstance(self.content, str):
            return self.content
        if isinstance(self.content, list):
            return "".join(
                str(part.get("text", ""))
                for part in self.content
                if isinstance(part, dict) and part.get("type") == "text"
            )
        return str(self.content)


class ChatRequest(BaseModel):
    """``POST /api/v1/chat/completions``; fields checked one by one in the route, so each
    problem gets its documented code rather than one generic message."""

    model_config = ConfigDict(extra="ignore")

    computer_id: StrictStr | None = None
    messages: list[ChatMessage] | None = None
    model: StrictStr = DEFAULT_MODEL
    stream: StrictBool = False
    thread_id: StrictStr | None = None
    max_steps: StrictInt = Field(default=100, ge=1, le=10_000)


class ThreadCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    desktopId: StrictStr | None = None
    localId: StrictStr | None = None


class ThreadPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: StrictStr | None = None
    messages: list[dict[str, Any]] | None = None
    archive: StrictBool | None = None
    unarchive: StrictBool | None = None


class TitleRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    messages: list[dict[str, Any]] = Field(default_factory=list)
