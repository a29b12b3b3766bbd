"""The ``exec`` endpoint's Python subset: results, errors as CPython reports them, the disk."""

from __future__ import annotations

import pytest

from fake_server.desktop.filesystem import HOME, FileSystem
from fake_server.desktop.processes import ProcessTable
from fake_server.desktop.python_eval import PythonResult
from fake_server.desktop.shell import SimulatedShell


@pytest.fixture
def events() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def fs(events: list[tuple[str, str]]) -> FileSystem:
    disk = FileSystem(on_change=lambda path, action: events.append((path, action)))
    disk.write("~/Desktop/todo.txt", b"buy milk\ncall bob\n")
    events.clear()
    return disk


@pytest.fixture
def shell(fs: FileSystem) -> SimulatedShell:
    return SimulatedShell(fs, ProcessTable(), python_max_steps=20_000)


def run(shell: SimulatedShell, code: str) -> PythonResult:
    return shell.run_python(code, timeout=10)


HAPPY: list[tuple[str, str]] = [
    ("print('hello')", "hello\n"),
    ("print(1, 2, sep='-', end='!')", "1-2!"),
    ("x = 7\ny = x * 6\nprint(y, y / 4, y // 4, y % 5, 2 ** 10, -x)", "42 10.5 10 2 1024 -7\n"),
    ("print(1 < 2 <= 2, 3 == 4 or 'fallback', not 0, 1 if [] else 2)", "True fallback True 2\n"),
    (
        "name = 'Orgo'\nprint(f'{name!r} has {len(name)} letters, pi={3.14159:.2f}')",
        "'Orgo' has 4 letters, pi=3.14\n",
    ),
    (
        "words = 'b a c'.split()\nwords.append('d')\nprint(sorted(words), '-'.join(words).upper())",
        "['a', 'b', 'c', 'd'] B-A-C-D\n",
    ),
    (
        "d = {'a': 1}\nd['b'] = 2\nd.update(c=3)\nprint(d, list(d.keys()), d.get('z', 0))",
        "{'a': 1, 'b': 2, 'c': 3} ['a', 'b', 'c'] 0\n",
    ),
    (
        "total = 0\nfor i in range(5):\n    if i % 2:\n        continue\n"
        "    total += i\nprint(total)",
        "6\n",
    ),
    ("n = 0\nwhile True:\n    n += 1\n    if n == 3:\n        break\nprint(n)", "3\n"),
    (
        "print(sum([1, 2, 3]), min(4, 2), max('abc'), str(5) + '!', int('12') + 1, float('2.5'))",
        "6 2 c 5! 13 2.5\n",
    ),
    (
        "squares = [i * i for i in range(4) if i]\n"
        "print(squares, {k: v for k, v in zip('ab', [1, 2])})",
        "[1, 4, 9] {'a': 1, 'b': 2}\n",
    ),
    ("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(10))", "55\n"),
    ("first, *rest = [1, 2, 3]\nprint(first, rest)", "1 [2, 3]\n"),
    ("print(sorted(['b', 'A', 'c'], key=lambda s: s.lower()))", "['A', 'b', 'c']\n"),
    (
        "try:\n    {}['k']\nexcept KeyError as e:\n    print('missing', e)\n"
        "finally:\n    print('done')",
        "missing 'k'\ndone\n",
    ),
    ("import json, math\nprint(json.dumps({'n': math.floor(2.7)}))", '{"n": 2}\n'),
    ("import sys\nsys.stdout.write('raw\\n')", "raw\n"),
    ("if __name__ == '__main__':\n    print('main')", "main\n"),
]


@pytest.mark.parametrize(("code", "output"), HAPPY)
def test_happy_paths(shell: SimulatedShell, code: str, output: str) -> None:
    assert run(shell, code) == PythonResult(output, True)


def test_os_and_open_work_on_the_simulated_disk(
    shell: SimulatedShell, fs: FileSystem, events: list[tuple[str, str]]
) -> None:
    code = (
        "import os\n"
        "print(os.listdir('Desktop'), os.path.exists('~/Desktop/todo.txt'), os.getcwd())\n"
        "print(open('Desktop/todo.txt').read().splitlines())\n"
        "open('/home/user/Desktop/out.txt', 'w').write('written by python')\n"
        "with open('Desktop/log.txt', 'a') as f:\n"
        "    f.write('one\\n')\n"
        "    f.write('two\\n')\n"
        "os.makedirs('a/b', exist_ok=True)\n"
        "print(os.path.isdir('a/b'), os.path.getsize('Desktop/out.txt'))\n"
    )
    result = run(shell, code)
    assert result == PythonResult(
        f"['todo.txt'] True {HOME}\n['buy milk', 'call bob']\nTrue 17\n", True
    )
    assert fs.read("~/Desktop/out.txt") == b"written by python"
    assert fs.read("~/Desktop/log.txt") == b"one\ntwo\n"
    assert events == [
        (f"{HOME}/Desktop/out.txt", "created"),
        (f"{HOME}/Desktop/log.txt", "created"),
        (f"{HOME}/Desktop/log.txt", "modified"),
        (f"{HOME}/a", "created"),
        (f"{HOME}/a/b", "created"),
    ]


ERRORS: list[tuple[str, str, str, str]] = [
    (
        "print('before')\nprint(undefined)",
        "before\n",
        "NameError",
        "name 'undefined' is not defined",
    ),
    ("print(1)\nprint(1 / 0)", "1\n", "ZeroDivisionError", "division by zero"),
    ("def broken(:\n    pass", "", "SyntaxError", "invalid syntax (<string>, line 1)"),
    ("return 1", "", "SyntaxError", "'return' outside function (<string>, line 1)"),
    ("'a' + 1", "", "TypeError", 'can only concatenate str (not "int") to str'),
    ("[1][5]", "", "IndexError", "list index out of range"),
    ("int('x')", "", "ValueError", "invalid literal for int() with base 10: 'x'"),
    (
        "open('nope.txt')",
        "",
        "FileNotFoundError",
        "[Errno 2] No such file or directory: 'nope.txt'",
    ),
    ("open('Desktop').read()", "", "IsADirectoryError", "[Errno 21] Is a directory: 'Desktop'"),
    ("raise ValueError('custom')", "", "ValueError", "custom"),
    (
        "import subprocess",
        "",
        "ModuleNotFoundError",
        "No module named 'subprocess' (the simulated Python provides: json, math, os, os.path, "
        "re, sys, time)",
    ),
    (
        "class A:\n    pass",
        "",
        "NotImplementedError",
        "the simulated Python does not support ClassDef statements",
    ),
    ("print(().__class__)", "", "AttributeError", "'tuple' object has no attribute '__class__'"),
    (
        "'{0.__class__}'.format(1)",
        "",
        "NotImplementedError",
        "the simulated Python does not support attribute or index lookups in format fields",
    ),
    ("import os\nos.system('ls')", "", "AttributeError", "module 'os' has no attribute 'system'"),
    ("'x' * 10 ** 9", "", "MemoryError", "result too large for the simulated Python"),
    ("import sys\nsys.exit(3)", "", "SystemExit", "3"),
]


@pytest.mark.parametrize(("code", "output", "error_type", "error"), ERRORS)
def test_errors_are_reported_like_cpython(
    shell: SimulatedShell, code: str, output: str, error_type: str, error: str
) -> None:
    assert run(shell, code) == PythonResult(output, False, error, error_type)


@pytest.mark.parametrize(
    "code",
    [
        "while True:\n    pass",
        "x = 0\nwhile x >= 0:\n    x += 1",
        "print(list(range(10 ** 9)))",
        "print(''.join(map(str, range(10 ** 9))))",
        "def f():\n    while True:\n        yield_ = 1\nf()",
    ],
)
def test_runaway_programs_time_out(shell: SimulatedShell, code: str) -> None:
    result = run(shell, code)
    assert result.timed_out
    assert not result.success
    assert result.error_type == "TimeoutError"


def test_wall_clock_timeout_applies_even_with_a_large_step_budget(fs: FileSystem) -> None:
    shell = SimulatedShell(fs, ProcessTable(), python_max_steps=10**12)
    result = shell.run_python("print('started')\nwhile True:\n    pass", timeout=0.2)
    assert result == PythonResult("started\n", False, "Execution timed out", "TimeoutError", True)


def test_time_sleep_uses_the_virtual_clock(fs: FileSystem) -> None:
    slept: list[float] = []
    shell = SimulatedShell(fs, ProcessTable(), sleep=slept.append)
    assert run(shell, "import time\ntime.sleep(2.5)\nprint('awake')").output == "awake\n"
    assert slept == [2.5]


def test_scripted_python_answers_take_precedence_with_side_effects(
    shell: SimulatedShell, fs: FileSystem
) -> None:
    shell.script("print(1 + 1)", "3\n", python=True)
    assert run(shell, "print(1 + 1)\n") == PythonResult("3\n", True)
    shell.script(
        "import requests",
        "Traceback (most recent call last):\nConnectionError: offline\n",
        exit_code=1,
        side_effect=lambda disk, _processes: disk.write("/tmp/attempted", b""),
        python=True,
    )
    assert run(shell, "import requests") == PythonResult(
        "Traceback (most recent call last):\nConnectionError: offline\n",
        False,
        "offline",
        "ConnectionError",
    )
    assert fs.exists("/tmp/attempted")
    assert run(shell, "print(2 + 2)") == PythonResult("4\n", True)
