"""Redirections of the simulated shell: ``>``, ``>>``, ``<``, ``2>&1``, ``&>``, ``>&-``,
here-documents and here-strings, applied left to right for one command.

Output bound for a file is collected in a :class:`~fake_server.desktop.shell.runtime.FileSink`
and written when the command ends (one change notification per redirection); the
interpreter (:class:`~fake_server.desktop.shell.interpreter.Bash`) does that writing.
"""

from __future__ import annotations

import posixpath

from fake_server.desktop.filesystem import IS_A_DIRECTORY, NO_SUCH_FILE, NOT_A_DIRECTORY, FsError
from fake_server.desktop.shell.engine import Interpreter
from fake_server.desktop.shell.parser import Redirect
from fake_server.desktop.shell.runtime import Discard, ExpansionError, FileSink, Io, Sink, decode
from fake_server.desktop.shell.syntax import HereDoc


def redirect(bash: Interpreter, redirs: list[Redirect], io: Io) -> tuple[Io | None, list[FileSink]]:
    """Apply redirections left to right; None (after printing why) when one fails."""
    fds: dict[int, Sink] = {1: io.out, 2: io.err}
    stdin = io.stdin
    files: list[FileSink] = []
    for fd, op, word in redirs:
        if isinstance(word, HereDoc):
            stdin = word.body if word.quoted else bash.expander.expand_text(word.body, io)
            continue
        if op == "<<<":
            stdin = "".join(bash.expander.expand(word, io, split=False)) + "\n"
            continue
        targets = bash.expander.expand(word, io)
        if len(targets) != 1:
            io.err.write(f"bash: {word.source}: ambiguous redirect\n")
            return None, files
        target = targets[0]
        if op == ">&" and (target.isdigit() or target == "-"):
            source = 1 if fd is None else fd
            if target == "-":
                fds[source] = Discard()
            elif int(target) not in fds:
                io.err.write(f"bash: {target}: Bad file descriptor\n")
                return None, files
            else:
                fds[source] = fds[int(target)]
            continue
        if op == "<":
            if fd not in (None, 0):
                raise ExpansionError(f"{fd}<{target}: only file descriptor 0 can be read")
            try:
                data = b"" if target == "/dev/null" else bash.fs.read(bash.path(target))
                stdin = decode(data)
            except FsError as exc:
                io.err.write(f"bash: {target}: {exc.reason}\n")
                return None, files
            continue
        if fd is not None and fd not in (1, 2):
            raise ExpansionError(f"{fd}>: only file descriptors 1 and 2 are simulated")
        sink = open_output(bash, target, op.endswith(">>"), fds, io, files)
        if sink is None:
            return None, files
        if op.startswith("&") or op == ">&":
            fds[1] = fds[2] = sink
        else:
            fds[1 if fd is None else fd] = sink
    if stdin is not io.stdin:
        return Io(stdin, fds[1], fds[2]), files
    return Io(stdin, fds[1], fds[2], io.reader), files


def open_output(
    bash: Interpreter,
    target: str,
    append: bool,
    fds: dict[int, Sink],
    io: Io,
    files: list[FileSink],
) -> Sink | None:
    special = {"/dev/null": Discard(), "/dev/stdout": fds[1], "/dev/stderr": fds[2]}
    if target in special:
        return special[target]
    path = bash.path(target)
    if bash.fs.is_dir(path):
        reason = IS_A_DIRECTORY
    else:
        parent = posixpath.dirname(path)
        if bash.fs.is_dir(parent):
            sink = FileSink(path, append)
            files.append(sink)
            return sink
        reason = NOT_A_DIRECTORY if bash.fs.is_file(parent) else NO_SUCH_FILE
    io.err.write(f"bash: {target}: {reason}\n")
    return None
