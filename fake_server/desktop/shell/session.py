"""What a shell remembers between command lines, and what a command line returns.

These types sit below everything else in the shell: the public front end
(:mod:`fake_server.desktop.shell`), the interpreter, the commands and
:class:`~fake_server.desktop.shell.host.HostShell` all share them, so they live
apart to keep those modules free of import cycles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from fake_server.desktop.filesystem import HOME

USER: Final = "user"
SHELL_PID: Final = 999
TIMEOUT_EXIT_CODE: Final = 124


def default_env() -> dict[str, str]:
    """The exported variables a fresh login shell on the desktop starts with."""
    return {
        "HOME": HOME,
        "USER": USER,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "SHELL": "/bin/bash",
        "PWD": HOME,
        "DISPLAY": ":1",
    }


@dataclass(frozen=True)
class CommandResult:
    """What ``bash -c`` would have printed (stdout and stderr interleaved) and its status."""

    output: str
    exit_code: int


@dataclass
class ShellSession:
    """State a terminal keeps between lines; the bash endpoint starts a fresh one per call.

    ``env`` holds exported variables (what ``env`` prints and child programs
    see); ``variables`` holds plain shell variables set by ``NAME=value``.
    ``exited`` is set by ``exit N``: the owner of the terminal decides what
    closing means.
    """

    cwd: str = HOME
    env: dict[str, str] = field(default_factory=default_env)
    last_exit_code: int = 0
    exited: int | None = None
    interactive: bool = False  # a terminal, not ``bash -c``: job lines like "[1] 1234"
    variables: dict[str, str] = field(default_factory=dict)
    jobs: dict[int, int] = field(default_factory=dict)
    last_background_pid: int | None = None
    positional: list[str] = field(default_factory=list)
    #: Function definitions by name (parser nodes, typed loosely to keep this module below them).
    functions: dict[str, Any] = field(default_factory=dict)
    errexit: bool = False  # ``set -e``
    nounset: bool = False  # ``set -u``: expanding an unset variable is an error
    pipefail: bool = False  # ``set -o pipefail``: a pipeline fails if any element fails
    #: Indexed arrays (``a=(x y)``, ``a[3]=z``) by name: index to value, sparse as bash's.
    arrays: dict[str, dict[int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.env.get("PWD") != self.cwd:
            self.env["PWD"] = self.cwd

    def get(self, name: str) -> str | None:
        """A variable's value; an array's is its element 0, as ``$a`` reads in bash."""
        if name in self.arrays:
            return self.arrays[name].get(0)
        value = self.variables.get(name)
        return value if value is not None else self.env.get(name)

    def set(self, name: str, value: str) -> None:
        """Assign like bash: an exported variable stays exported; ``a=x`` on an array
        sets its element 0."""
        if name in self.arrays:
            self.arrays[name][0] = value
        elif name in self.env:
            self.env[name] = value
        else:
            self.variables[name] = value

    def export(self, name: str, value: str | None = None) -> None:
        current = self.variables.pop(name, None)
        if value is not None:
            self.env[name] = value
        elif current is not None:
            self.env[name] = current

    def set_array(
        self, name: str, values: list[tuple[int | None, str]], *, append: bool = False
    ) -> None:
        """``a=(x [5]=y z)``, or ``a+=(...)`` after the highest index (a scalar becomes
        element 0); a value without its own index goes after the one before it."""
        current = self.elements(name) if append else {}
        if name not in self.arrays:
            self.variables.pop(name, None)
            self.env.pop(name, None)
        index = max(current, default=-1) + 1
        for given, value in values:
            index = index if given is None else given
            current[index] = value
            index += 1
        self.arrays[name] = current

    def set_element(self, name: str, index: int, value: str) -> None:
        """``a[i]=x``; a scalar ``a`` becomes the array's element 0 first."""
        if name not in self.arrays:
            self.set_array(name, [], append=True)
        self.arrays[name][index] = value

    def elements(self, name: str) -> dict[int, str]:
        """An array's values by index (a copy); a scalar is element 0; empty if unset."""
        if name in self.arrays:
            return dict(self.arrays[name])
        value = self.get(name)
        return {} if value is None else {0: value}

    def array_values(self, name: str) -> list[str]:
        """``"${a[@]}"``: the values in index order."""
        return [value for _, value in sorted(self.elements(name).items())]

    def unset(self, name: str) -> None:
        self.arrays.pop(name, None)
        self.variables.pop(name, None)
        self.env.pop(name, None)

    def subshell(self) -> ShellSession:
        """A copy for ``bash -c``/``$(...)``: changes there must not leak back."""
        return ShellSession(
            cwd=self.cwd,
            env=dict(self.env),
            last_exit_code=self.last_exit_code,
            variables=dict(self.variables),
            jobs=dict(self.jobs),
            last_background_pid=self.last_background_pid,
            interactive=self.interactive,
            positional=list(self.positional),
            functions=dict(self.functions),
            errexit=self.errexit,
            nounset=self.nounset,
            pipefail=self.pipefail,
            arrays={name: dict(items) for name, items in self.arrays.items()},
        )
