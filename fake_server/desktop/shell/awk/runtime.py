"""What the builtins see of the running program (:class:`Runtime`, implemented by
:class:`.machine.Machine`), and the run-time error with the simulation's bounds - apart, so
that :mod:`.builtins` never imports the machine that calls it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any, Protocol

from fake_server.desktop.python_eval import DEFAULT_MAX_BYTES
from fake_server.desktop.shell.awk.parser import Node
from fake_server.desktop.shell.awk.values import Value
from fake_server.desktop.shell.runtime import Buffer, Context, Io

Array = dict[str, Value]
Scope = dict[str, "Value | Array"]
MAX_FIELDS = 1_000_000  # the simulation's bounds: a real awk would exhaust memory instead
MAX_TEXT = DEFAULT_MAX_BYTES


class AwkError(Exception):
    """A run-time error: ``awk: run time error: ...``, exit status 2."""


def bounded(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise AwkError(f"string longer than the simulation allows ({MAX_TEXT} characters)")
    return text


class Runtime(Protocol):
    ctx: Context
    io: Io
    globals: Scope
    record: str
    random: random.Random
    seed: float
    files: dict[str, Iterator[str]]
    outputs: dict[str, Buffer]
    inputs: Iterator[str] | None
    operands: list[str]

    def eval(self, node: Node) -> Value: ...
    def text(self, value: Value) -> str: ...
    def str_of(self, name: str) -> str: ...
    def scalar(self, name: str) -> Value: ...
    def array(self, name: str) -> Array: ...
    def scope_of(self, name: str) -> Scope: ...
    def assign(self, target: Node, value: Value) -> None: ...
    def regex(self, pattern: str) -> Any: ...
    def search(self, pattern: str, text: str) -> Any: ...
    def pattern_of(self, node: Node) -> str: ...
    def set_record(self, text: str) -> None: ...
    def split_records(self, text: str) -> list[str]: ...
    def records(self, operands: list[str]) -> Iterator[str]: ...
    def flush_outputs(self) -> None: ...
