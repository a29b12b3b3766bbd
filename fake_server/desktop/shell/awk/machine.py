"""Running a parsed awk program over the simulated disk's files and the command's stdin.

Records and fields, the special variables (``NR``, ``NF``, ``FS``, ``OFS``, ``ORS``,
``RS``, ``FILENAME``, ``SUBSEP``, ``RSTART``/``RLENGTH``, ``CONVFMT``/``OFMT``,
``ENVIRON``), patterns and ranges, user functions with array arguments by reference,
``getline`` in its file, command and plain forms, output redirected to files or
commands, and the builtins. Regular expressions run under the shell's deadline."""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import Iterator
from typing import Any

import regex

from fake_server.desktop.filesystem import FsError
from fake_server.desktop.shell.awk import builtins
from fake_server.desktop.shell.awk.parser import Node, Program
from fake_server.desktop.shell.awk.runtime import MAX_FIELDS, Array, AwkError, Scope, bounded
from fake_server.desktop.shell.awk.values import (
    RELATIONS,
    UNINIT,
    StrNum,
    Value,
    arithmetic,
    compare,
    to_num,
    to_str,
    truth,
)
from fake_server.desktop.shell.regexes import run_regex
from fake_server.desktop.shell.runtime import Buffer, Context, Io, decode


class _Next(Exception):
    pass


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Return(Exception):
    def __init__(self, value: Value) -> None:
        self.value = value


class Machine:
    def __init__(self, ctx: Context, io: Io, program: Program, env: dict[str, str]) -> None:
        self.ctx, self.io, self.program = ctx, io, program
        self.globals: Scope = {
            "FS": " ", "OFS": " ", "ORS": "\n", "RS": "\n", "NR": 0.0, "FNR": 0.0, "NF": 0.0,
            "SUBSEP": "\x1c", "CONVFMT": "%.6g", "OFMT": "%.6g", "FILENAME": "",
            "RSTART": 0.0, "RLENGTH": -1.0,
            "ENVIRON": {name: StrNum(value) for name, value in env.items()},
        }  # fmt: skip
        self.frames: list[Scope] = []
        # per frame: parameters given an unset variable, which becomes the caller's array
        # if the function uses it as one (arrays are passed by reference, even new ones)
        self.pending: list[dict[str, tuple[Scope, str]]] = []
        self.record = ""
        self.fields: list[str] | None = []
        self.ranges: dict[int, bool] = {}
        self.outputs: dict[str, Buffer] = {}
        self.regexes: dict[str, Any] = {}
        self.random = random.Random(0)
        self.seed = 0.0
        self.inputs: Iterator[str] | None = None
        self.files: dict[str, Iterator[str]] = {}
        self.steps = 0
        self.operands: list[str] = []

    # -- running -------------------------------------------------------------------

    def run(self, operands: list[str]) -> int:
        self.operands = operands
        code = 0
        try:
            try:
                for block in self.program.begin:
                    self.block(block)
                if self.program.rules or self.program.end:
                    self.inputs = self.records(operands)
                    for text in self.inputs:
                        self.set_record(text)
                        try:
                            self.rules()
                        except _Next:
                            continue
            except _Exit as exc:
                code = exc.code
            try:
                for block in self.program.end:
                    self.block(block)
            except _Exit as exc:
                code = exc.code
        finally:
            self.flush_outputs()
        return code

    def rules(self) -> None:
        for number, rule in enumerate(self.program.rules):
            if rule.end_pattern is not None:
                active = self.ranges.get(number, False)
                if not active and truth(self.eval(rule.pattern)):  # type: ignore[arg-type]
                    active = True
                    self.ranges[number] = True
                if not active:
                    continue
                if truth(self.eval(rule.end_pattern)):
                    self.ranges[number] = False
            elif rule.pattern is not None and not truth(self.eval(rule.pattern)):
                continue
            if rule.action is None:
                self.io.out.write(self.record + self.str_of("ORS"))
            else:
                self.block(rule.action)

    def records(self, operands: list[str]) -> Iterator[str]:
        files = [op for op in operands if not _is_assignment(op)]
        for operand in operands if files else [*operands, "-"]:
            if _is_assignment(operand):
                name, _, value = operand.partition("=")
                self.globals[name] = StrNum(builtins.unescape_assignment(value))
                continue
            if operand == "-" or operand == "/dev/stdin":
                text, name = self.io.stdin, "" if not files else "-"
            else:
                try:
                    text, name = decode(self.ctx.fs.read(self.ctx.path(operand))), operand
                except FsError as exc:
                    raise AwkError(f"cannot open {operand} ({exc.reason})") from None
            self.globals["FILENAME"] = name
            self.globals["FNR"] = 0.0
            for record in self.split_records(text):
                self.globals["NR"] = to_num(self.scalar("NR")) + 1
                self.globals["FNR"] = to_num(self.scalar("FNR")) + 1
                yield record

    def split_records(self, text: str) -> list[str]:
        separator = self.str_of("RS")
        if separator == "\n":
            records = text.split("\n")
        elif separator == "":
            records = re.split(r"\n\n+", text.strip("\n"))
            return [] if records == [""] else records
        elif len(separator) == 1:
            records = text.split(separator)
        else:
            records = self.regex(separator).split(text)
        if records and records[-1] == "":
            records.pop()
        return records

    # -- records and fields ----------------------------------------------------------

    def set_record(self, text: str) -> None:
        self.record = text
        self.fields = None

    def split_fields(self) -> list[str]:
        if self.fields is None:
            self.fields = builtins.split_text(self, self.record, self.str_of("FS"))
            self.globals["NF"] = float(len(self.fields))
        return self.fields

    def get_field(self, index: float) -> Value:
        number = int(index)
        if number < 0:
            raise AwkError(f"negative field index ${number}")
        if number == 0:
            return StrNum(self.record)
        fields = self.split_fields()
        return StrNum(fields[number - 1]) if number <= len(fields) else UNINIT

    def set_field(self, index: float, value: Value) -> None:
        number = int(index)
        if number < 0:
            raise AwkError(f"negative field index ${number}")
        if number == 0:
            self.set_record(self.text(value))
            return
        fields = self.split_fields()
        if number > MAX_FIELDS:
            raise AwkError(f"program limit exceeded: maximum number of fields size={MAX_FIELDS}")
        fields.extend([""] * (number - len(fields)))
        fields[number - 1] = self.text(value)
        self.globals["NF"] = float(len(fields))
        self.rebuild()

    def rebuild(self) -> None:
        self.record = self.str_of("OFS").join(self.fields or [])

    def set_nf(self, value: Value) -> None:
        fields = self.split_fields()
        count = max(int(to_num(value)), 0)
        if count > MAX_FIELDS:
            raise AwkError(f"program limit exceeded: maximum number of fields size={MAX_FIELDS}")
        self.fields = (fields + [""] * count)[:count]
        self.globals["NF"] = float(count)
        self.rebuild()

    # -- variables -----------------------------------------------------------------

    def scope_of(self, name: str) -> Scope:
        if self.frames and name in self.frames[-1]:
            return self.frames[-1]
        return self.globals

    def scalar(self, name: str) -> Value:
        if name == "NF":
            self.split_fields()
        value = self.scope_of(name).get(name, UNINIT)
        if isinstance(value, dict):
            raise AwkError(f"can't use array {name} in scalar context")
        return value

    def array(self, name: str) -> Array:
        scope = self.scope_of(name)
        value = scope.get(name, UNINIT)
        if isinstance(value, dict):
            return value
        if value is not UNINIT:
            raise AwkError(f"can't use scalar {name} as array")
        created: Array = {}
        scope[name] = created
        if self.frames and scope is self.frames[-1] and name in self.pending[-1]:
            caller_scope, caller_name = self.pending[-1].pop(name)
            if caller_scope.get(caller_name, UNINIT) is UNINIT:
                caller_scope[caller_name] = created
        return created

    def assign_var(self, name: str, value: Value) -> None:
        if name == "NF":
            self.set_nf(value)
            return
        scope = self.scope_of(name)
        if isinstance(scope.get(name), dict):
            raise AwkError(f"can't assign to {name}; it's an array name.")
        scope[name] = value  # a new FS or RS takes effect from the next record, as in awk

    def str_of(self, name: str) -> str:
        return to_str(self.scalar(name))

    def text(self, value: Value) -> str:
        return to_str(value, self.str_of("CONVFMT"))

    def output_text(self, value: Value) -> str:
        return to_str(value, self.str_of("OFMT"))

    def key(self, keys: list[Node]) -> str:
        return self.str_of("SUBSEP").join(self.text(self.eval(k)) for k in keys)

    # -- statements ----------------------------------------------------------------

    def block(self, statements: list[Node]) -> None:
        for statement in statements:
            self.execute(statement)

    def tick(self) -> None:
        self.steps += 1
        if self.steps % 256 == 0:
            self.ctx.check_deadline()

    def execute(self, node: Node) -> None:
        self.tick()
        kind = node[0]
        if kind == "expr":
            self.eval(node[1])
        elif kind == "block":
            self.block(node[1])
        elif kind in ("print", "printf"):
            self.print_statement(node)
        elif kind == "if":
            if truth(self.eval(node[1])):
                self.execute(node[2])
            elif node[3] is not None:
                self.execute(node[3])
        elif kind == "while":
            while truth(self.eval(node[1])):
                if self.loop_body(node[2]):
                    break
        elif kind == "do":
            while True:
                if self.loop_body(node[1]) or not truth(self.eval(node[2])):
                    break
        elif kind == "for":
            _, init, condition, step, body = node
            if init is not None:
                self.execute(init)
            while condition is None or truth(self.eval(condition)):
                if self.loop_body(body):
                    break
                if step is not None:
                    self.execute(step)
        elif kind == "forin":
            _, var, name, body = node
            for key in list(self.array(name)):
                self.assign_var(var, StrNum(key))
                if self.loop_body(body):
                    break
        elif kind == "next":
            if self.inputs is None:
                raise AwkError("improper use of next")
            raise _Next
        elif kind == "nextfile":
            raise _Next
        elif kind == "exit":
            raise _Exit(int(to_num(self.eval(node[1]))) & 255 if node[1] is not None else 0)
        elif kind == "return":
            raise _Return(self.eval(node[1]) if node[1] is not None else UNINIT)
        elif kind == "break":
            raise _Break
        elif kind == "continue":
            raise _Continue
        elif kind == "delete":
            array = self.array(node[1])
            if node[2] is None:
                array.clear()
            else:
                array.pop(self.key(node[2]), None)
        else:  # pragma: no cover - the parser makes no other kind
            raise AssertionError(kind)

    def loop_body(self, body: Node) -> bool:
        """Run one iteration; True when it broke out of the loop."""
        try:
            self.execute(body)
        except _Break:
            return True
        except _Continue:
            pass
        return False

    def print_statement(self, node: Node) -> None:
        kind, args, destination = node
        if kind == "print":
            values = [self.eval(arg) for arg in args] if args else [StrNum(self.record)]
            text = self.str_of("OFS").join(self.output_text(v) for v in values)
            text += self.str_of("ORS")
        else:
            values = [self.eval(arg) for arg in args]
            text = bounded(builtins.sprintf(self, values))
        if destination is None:
            self.io.out.write(text)
            return
        mode, target = destination
        name = self.text(self.eval(target))
        if mode == "|":
            sink = self.outputs.setdefault("|" + name, Buffer())
        else:
            sink = self.outputs.get(name) or self.open_file(name, append=mode == ">>")
        sink.write(text)

    def open_file(self, name: str, *, append: bool) -> Buffer:
        buffer = Buffer()
        if append:
            with contextlib.suppress(FsError):  # a file that is not there yet starts empty
                buffer.write(decode(self.ctx.fs.read(self.ctx.path(name))))
        self.outputs[name] = buffer
        return buffer

    def flush_outputs(self) -> None:
        for name, buffer in self.outputs.items():
            if name.startswith("|"):
                self.ctx.subshell(name[1:], Io(buffer.text, self.io.out, self.io.err))
            elif name in ("/dev/stdout", "-"):
                self.io.out.write(buffer.text)
            elif name == "/dev/stderr":
                self.io.err.write(buffer.text)
            else:
                try:
                    self.ctx.fs.write(self.ctx.path(name), buffer.text.encode())
                except FsError as exc:
                    raise AwkError(f'cannot open "{name}" for output ({exc.reason})') from None
        self.outputs.clear()

    # -- expressions ---------------------------------------------------------------

    def eval(self, node: Node) -> Value:
        kind = node[0]
        if kind == "num":
            return float(node[1])
        if kind == "str":
            return str(node[1])
        if kind == "var":
            return self.scalar(node[1])
        if kind == "paren":
            return self.eval(node[1])
        if kind == "field":
            return self.get_field(to_num(self.eval(node[1])))
        if kind == "index":
            return self.array(node[1]).setdefault(self.key(node[2]), UNINIT)
        if kind == "regex":
            return 1.0 if self.search(node[1], self.record) else 0.0
        if kind == "concat":
            return bounded(self.text(self.eval(node[1])) + self.text(self.eval(node[2])))
        if kind == "binary":
            return arithmetic(node[1], to_num(self.eval(node[2])), to_num(self.eval(node[3])))
        if kind == "negate":
            return -to_num(self.eval(node[1]))
        if kind == "plus":
            return to_num(self.eval(node[1]))
        if kind == "not":
            return 0.0 if truth(self.eval(node[1])) else 1.0
        if kind == "and":
            return 1.0 if truth(self.eval(node[1])) and truth(self.eval(node[2])) else 0.0
        if kind == "or":
            return 1.0 if truth(self.eval(node[1])) or truth(self.eval(node[2])) else 0.0
        if kind == "cond":
            return self.eval(node[2]) if truth(self.eval(node[1])) else self.eval(node[3])
        if kind == "compare":
            return (
                1.0 if RELATIONS[node[1]](compare(self.eval(node[2]), self.eval(node[3]))) else 0.0
            )
        if kind == "match":
            _, negate, left, right = node
            pattern = right[1] if right[0] == "regex" else self.text(self.eval(right))
            found = self.search(pattern, self.text(self.eval(left))) is not None
            return 1.0 if found != negate else 0.0
        if kind == "in":
            return 1.0 if self.key(node[1]) in self.array(node[2]) else 0.0
        if kind == "assign":
            _, op, target, expression = node
            value = self.eval(expression)
            if op != "=":  # a plain "=" keeps the value's kind (a field stays a strnum)
                value = arithmetic(op[0], to_num(self.eval(target)), to_num(value))
            self.assign(target, value)
            return value
        if kind in ("preinc", "postinc"):
            _, op, target = node
            old = to_num(self.eval(target))
            new = old + (1 if op == "++" else -1)
            self.assign(target, new)
            return new if kind == "preinc" else old
        if kind == "group":
            raise AwkError("a parenthesised list needs print or in")
        if kind == "builtin":
            return builtins.call(self, node[1], node[2])
        if kind == "call":
            return self.call(node[1], node[2])
        if kind == "getline":
            return builtins.getline(self, node[1], node[2], node[3])
        raise AssertionError(kind)  # pragma: no cover

    def assign(self, target: Node, value: Value) -> None:
        if isinstance(value, str):
            bounded(value)
        kind = target[0]
        if kind == "var":
            self.assign_var(target[1], value)
        elif kind == "index":
            self.array(target[1])[self.key(target[2])] = value
        elif kind == "field":
            self.set_field(to_num(self.eval(target[1])), value)
        else:
            raise AwkError("assignment to a value that is not a variable")

    def call(self, name: str, args: list[Node]) -> Value:
        function = self.program.functions.get(name)
        if function is None:
            raise AwkError(f"function {name} never defined")
        if len(args) > len(function.params):
            raise AwkError(f"too many arguments in call to {name}")
        if len(self.frames) > 200:
            raise AwkError("function call nesting too deep")
        frame: Scope = {}
        pending: dict[str, tuple[Scope, str]] = {}
        for param, arg in zip(
            function.params, [*args, *([None] * len(function.params))], strict=False
        ):
            if arg is None:
                frame[param] = UNINIT
            elif arg[0] == "var" and isinstance(self.scope_of(arg[1]).get(arg[1]), dict):
                frame[param] = self.array(arg[1])  # arrays go by reference
            elif arg[0] == "var" and self.scope_of(arg[1]).get(arg[1], UNINIT) is UNINIT:
                frame[param] = UNINIT
                pending[param] = (self.scope_of(arg[1]), arg[1])
            else:
                frame[param] = self.eval(arg)
        self.frames.append(frame)
        self.pending.append(pending)
        try:
            self.block(function.body)
        except _Return as done:
            return done.value
        finally:
            self.frames.pop()
            self.pending.pop()
        return UNINIT

    # -- regular expressions -------------------------------------------------------

    def regex(self, pattern: str) -> Any:
        compiled = self.regexes.get(pattern)
        if compiled is None:
            try:
                compiled = regex.compile(builtins.ere_to_python(pattern))
            except regex.error as exc:
                raise AwkError(f"regular expression compile failed ({exc})\n{pattern}") from None
            self.regexes[pattern] = compiled
        return compiled

    def search(self, pattern: str, text: str) -> Any:
        return run_regex(self.ctx, self.regex(pattern).search, text)

    def pattern_of(self, node: Node) -> str:
        return str(node[1]) if node[0] == "regex" else self.text(self.eval(node))


def _is_assignment(operand: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", operand, re.DOTALL) is not None


__all__ = ["AwkError", "Machine"]
