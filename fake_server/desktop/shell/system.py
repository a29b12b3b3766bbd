"""Process and machine commands of the simulated shell: ``ps``, ``kill``, ``pkill``,
``pgrep``, ``killall``, ``sleep``, ``whoami``, ``hostname``, ``uname`` and ``clear``.

Processes are the simulated :class:`~fake_server.desktop.processes.ProcessTable`;
``sleep`` spends the run's virtual time (so a ``timeout`` can end it) instead of
waiting; the machine is the fake desktop's fixed identity.
"""

from __future__ import annotations

import re

from fake_server.desktop.processes import ProcessError
from fake_server.desktop.shell.runtime import (
    Builtin,
    Context,
    Io,
    missing_operand,
    options,
    registrar,
)
from fake_server.desktop.shell.session import SHELL_PID, USER

COMMANDS: dict[str, Builtin] = {}
command = registrar(COMMANDS)


def _forget_jobs(ctx: Context, pid: int) -> None:
    """Drop the session's job entries for a process that was stopped."""
    for job, job_pid in list(ctx.session.jobs.items()):
        if job_pid == pid:
            del ctx.session.jobs[job]


@command("ps")
def ps(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    flags = "".join(argv[1:])
    processes = ctx.processes.list()
    if "u" in flags.lstrip("-") and not flags.startswith("-"):
        io.out.write("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n")
        for p in processes:
            io.out.write(
                f"{USER:<8} {p.pid:>7}  0.0  0.0      0     0 ?        S    00:00   0:00 {p.name}\n"
            )
    elif "f" in flags:
        io.out.write("UID          PID    PPID  C STIME TTY          TIME CMD\n")
        for p in processes:
            io.out.write(
                f"{USER:<8} {p.pid:>7} {SHELL_PID:>7}  0 00:00 ?        00:00:00 {p.name}\n"
            )
    else:
        io.out.write("    PID TTY          TIME CMD\n")
        for p in processes:
            io.out.write(f"{p.pid:>7} pts/0    00:00:00 {p.name}\n")
    return 0


@command("kill")
def kill(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = argv[1:]
    if args and args[0] in ("-s", "-n") and len(args) > 1:
        args = args[2:]
    elif args and args[0] == "-l":
        io.out.write("HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM\n")
        return 0
    elif args and re.fullmatch(r"-(\d+|[A-Z][A-Z0-9]*)", args[0]):
        args = args[1:]
    if not args:
        io.err.write(
            "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec "
            "... or kill -l [sigspec]\n"
        )
        return 2
    status = 0
    for arg in args:
        if arg.startswith("%"):
            job = ctx.session.jobs.get(int(arg[1:])) if arg[1:].isdigit() else None
            if job is None:
                io.err.write(f"bash: kill: {arg}: no such job\n")
                status = 1
                continue
            pid = job
        elif arg.isdigit():
            pid = int(arg)
        else:
            io.err.write(f"bash: kill: {arg}: arguments must be process or job IDs\n")
            status = 1
            continue
        try:
            ctx.processes.stop(pid)
        except ProcessError as exc:
            io.err.write(f"bash: kill: {exc}\n")
            status = 1
            continue
        _forget_jobs(ctx, pid)
    return status


@command("pkill", "pgrep")
def pkill(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    args = [a for a in argv[1:] if not re.fullmatch(r"-(\d+|[A-Z][A-Z0-9]*|f|e)", a)]
    exact = "-x" in args
    args = [a for a in args if a != "-x"]
    if len(args) != 1:
        io.err.write(
            f"{argv[0]}: no matching criteria specified\n"
            if not args
            else f"{argv[0]}: only one pattern can be provided\n"
        )
        return 2
    try:
        pattern = re.compile(args[0])
    except re.error as exc:
        io.err.write(f"{argv[0]}: invalid pattern: {exc}\n")
        return 2
    matches = [
        p
        for p in ctx.processes.list()
        if (pattern.fullmatch(p.name) if exact else pattern.search(p.name))
    ]
    if argv[0] == "pgrep":
        for p in matches:
            io.out.write(f"{p.pid}\n")
    else:
        for p in matches:
            ctx.processes.stop(p.pid)
            _forget_jobs(ctx, p.pid)
    return 0 if matches else 1


@command("killall")
def killall(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    names = [a for a in argv[1:] if not a.startswith("-")]
    status = 0
    for name in names:
        stopped = ctx.processes.stop_by_name(name)
        for process in stopped:
            _forget_jobs(ctx, process.pid)
        if not stopped:
            io.err.write(f"{name}: no process found\n")
            status = 1
    return status


@command("sleep")
def sleep(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    if len(argv) < 2:
        return missing_operand("sleep", io)
    total = 0.0
    units = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
    for arg in argv[1:]:
        match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
        if match is None:
            io.err.write(
                f"sleep: invalid time interval '{arg}'\nTry 'sleep --help' for more information.\n"
            )
            return 1
        total += float(match.group(1)) * units[match.group(2)]
    ctx.advance(total)
    return 0


@command("whoami")
def whoami(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    io.out.write(USER + "\n")
    return 0


@command("hostname")
def hostname(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    io.out.write(ctx.hostname + "\n")
    return 0


@command("uname")
def uname(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    # fmt: off
    fields = {"s": "Linux", "n": ctx.hostname, "r": "6.1.0-orgo",
              "v": "#1 SMP", "m": "x86_64", "o": "GNU/Linux"}
    # fmt: on
    flags, _ = options(argv, "asnrvmo")
    wanted = "snrvmo" if "a" in flags else "".join(f for f in "snrvmo" if f in flags) or "s"
    io.out.write(" ".join(fields[f] for f in wanted) + "\n")
    return 0


@command("clear")
def clear(ctx: Context, argv: list[str], io: Io, env: dict[str, str]) -> int:
    io.out.write("\x1b[H\x1b[2J\x1b[3J")
    return 0
