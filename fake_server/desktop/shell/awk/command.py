"""The ``awk`` command: its options, then the program run by :class:`.machine.Machine`."""

from __future__ import annotations

from fake_server.desktop.filesystem import FsError
from fake_server.desktop.shell.awk.builtins import unescape_assignment
from fake_server.desktop.shell.awk.lexer import AwkSyntaxError
from fake_server.desktop.shell.awk.machine import Machine
from fake_server.desktop.shell.awk.parser import parse
from fake_server.desktop.shell.awk.runtime import AwkError
from fake_server.desktop.shell.awk.values import StrNum
from fake_server.desktop.shell.runtime import Builtin, Context, Io, decode, registrar

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)
USAGE = (
    "Usage: mawk [Options] [Program] [file ...]\n\n"
    "Program:\n"
    "    The -f option value is the name of a file containing program text.\n"
    '    If no -f option is given, a "--" ends option processing; the following\n'
    "    parameters are the program text.\n\n"
    "Options:\n"
    "    -f program-file  Program  text is read from file instead of from the\n"
    "                     command-line.  Multiple -f options are accepted.\n"
    "    -F value         sets the field separator, FS, to value.\n"
    "    -v var=value     assigns value to program variable var.\n"
    "    --               unambiguous end of options.\n"
)


@command("awk", "mawk", "gawk")
def awk(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    name = "awk"
    args = argv[1:]
    separator: str | None = None
    assignments: list[tuple[str, str]] = []
    program_text: str | None = None
    while args and args[0].startswith("-") and args[0] != "-":
        arg = args.pop(0)
        if arg == "--":
            break
        option, value = arg[:2], arg[2:]
        if option in ("-F", "-v", "-f") and not value:
            if not args:
                io.err.write(f"{name}: option requires an argument -- {option[1]}\n{USAGE}")
                return 2
            value = args.pop(0)
        if option == "-F":
            separator = unescape_assignment(value)  # mawk: -Ft is the letter t
        elif option == "-v":
            variable, equals, text = value.partition("=")
            if not equals or not variable.isidentifier():
                io.err.write(f"{name}: improper assignment: -v {value}\n")
                return 2
            assignments.append((variable, text))
        elif option == "-f":
            try:
                program_text = decode(ctx.fs.read(ctx.path(value)))
            except FsError as exc:
                io.err.write(f"{name}: couldn't open file {value} ({exc.reason})\n")
                return 2
        else:
            io.err.write(f"{name}: not an option: {arg}\n")
            return 2
    if program_text is None:
        if not args:  # mawk prints its usage and exits 0
            io.err.write(USAGE)
            return 0
        program_text = args.pop(0)
    try:
        program = parse(program_text)
    except AwkSyntaxError as exc:
        io.err.write(f"{name}: {exc}\n")
        return 2
    except RecursionError:
        io.err.write(f"{name}: program too deeply nested\n")
        return 2
    machine = Machine(ctx, io, program, env)
    if separator is not None:
        machine.globals["FS"] = separator
    for variable, text in assignments:
        machine.globals[variable] = StrNum(unescape_assignment(text))
    try:
        return machine.run(args)
    except AwkError as exc:
        details = (
            f'\tFILENAME="{machine.str_of("FILENAME")}" FNR={machine.str_of("FNR")} '
            f"NR={machine.str_of('NR')}\n"
        )
        message = str(exc)
        if message.startswith("cannot open"):
            io.err.write(f"{name}: {message}\n")
        else:
            io.err.write(f"{name}: run time error: {message}\n{details}")
        return 2
    except RecursionError:
        io.err.write(f"{name}: run time error: function call nesting too deep\n")
        return 2
