"""``awk``: a POSIX awk as mawk (Debian's and Ubuntu's awk) runs it, on the simulated disk.

:mod:`.lexer` makes tokens, :mod:`.parser` the program tree, :mod:`.machine` runs it over
records and fields with :mod:`.values`' conversions and :mod:`.builtins`' functions.
``awk``, ``mawk`` and ``gawk`` are the same command here; ``-F``, ``-v``, ``-f`` and
``var=value`` operands are read; what awk refuses is refused with its message and exit 2.
"""

from fake_server.desktop.shell.awk.command import COMMANDS

__all__ = ["COMMANDS"]
