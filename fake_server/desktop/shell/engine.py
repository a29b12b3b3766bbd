"""What the interpreter's helpers need of it: :class:`Interpreter`.

The compound commands (:mod:`~fake_server.desktop.shell.flow`) and the redirections
(:mod:`~fake_server.desktop.shell.redirect`) call back into the running interpreter
(:class:`~fake_server.desktop.shell.interpreter.Bash`) to run bodies, pipelines and
subshells. They see it through this protocol, which extends what the commands see
(:class:`~fake_server.desktop.shell.runtime.Context`), so neither helper module imports
the interpreter that imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from fake_server.desktop.shell.expand import Expander
from fake_server.desktop.shell.parser import Body, Node, Redirect
from fake_server.desktop.shell.runtime import Context, Io


class Interpreter(Context, Protocol):
    expander: Expander

    def run_body(self, items: Body, io: Io, *, condition: bool = False) -> int: ...

    def run_pipeline(self, commands: list[Node], io: Io) -> int: ...

    def run_redirected(self, redirs: list[Redirect], io: Io, run: Callable[[Io], int]) -> int:
        """Apply ``redirs``, call ``run`` with the redirected streams, write the files."""
        ...

    def child(self) -> Interpreter | None:
        """A subshell (None past the nesting limit)."""
        ...

    def finish(self, status: int) -> int:
        """Record ``status`` as ``$?`` and return it."""
        ...
