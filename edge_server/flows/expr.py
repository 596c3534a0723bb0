"""The one expression language of flows and forms: tokenizer, Pratt parser, evaluator.

The designer (live validation, preview, simulator), the edge (flow runtime, form
re-check) and the desktop (screen-pop form) import this module, so a condition
means the same thing everywhere; edge_server/flows/conformance/expr_cases.json
is the shared conformance table.

Grammar, loosest first:
    or ||  <  and &&  <  == !=  <  < <= > >= in "not in"  <  + -  <  * / %  <  prefix ! not -
    primary: 12  1.5  'text'  "text"  true false null  [a, b]  a.b.c  f(x, y)  ( ... )
Prefix operators bind tightest (``!a == b`` and ``not a == b`` are ``(!a) == b``, as in C/JS: write
``!(a == b)``, ``a != b`` or ``x not in list``). Comparisons do not chain. Texts take \\n \\t \\r \\\\ \\' \\";
any other backslash stays as written so regexes read naturally (``matches(x, '\\d+')``).
Functions: see FUNCTIONS (len lower upper trim contains starts_with ends_with matches is_empty number
text round abs floor ceil min max substr replace split join coalesce today now_hour); today() and
now_hour() read ``now.date`` / ``now.hour`` from the scope when present (the simulator fixes the clock).

Semantics (what a supervisor expects, decided once here):
- ``==``/``!=``: numbers compare numerically (``1 == 1.0``); a number and a *numeric* text compare
  numerically (``last.input == 1`` is true when the caller pressed "1"); texts compare exactly
  (case-sensitive); booleans only equal booleans; ``null`` equals only ``null``; lists element-wise.
- ``< <= > >=``: numbers (numeric texts are coerced against a number), or two texts (alphabetical);
  any comparison with ``null`` is false; other mixes raise ExprError.
- ``+`` joins as text when either side is a text (``null`` joins as ""), adds numbers, concatenates lists.
  ``- * / %`` need numbers (numeric texts are coerced). Division by zero raises ExprError;
  ``7 / 2`` is 3.5, ``6 / 2`` is 3.
- ``a in b``: membership in a list (with ``==`` semantics) or substring of a text; ``in null`` is false.
- ``&& ||`` short-circuit and always give booleans; truthiness: null, false, 0, "", [] are false.
- Unknown names evaluate to null (the validator reports them statically).
"""
from __future__ import annotations

import datetime as _dt
import decimal
import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 1000  # characters of expression text
MAX_DEPTH = 50  # AST nesting
MAX_PATTERN = 200  # characters of a matches() regex
MAX_MATCH_TEXT = 10_000  # characters matches() will scan: keeps a pathological regex bounded

__all__ = [
    "FUNCTIONS",
    "Expr",
    "ExprError",
    "compile_expr",
    "rename_names",
    "render_template",
    "template_names",
    "to_number",
    "to_text",
    "truthy",
    "values_equal",
]


class ExprError(ValueError):
    """A syntax or evaluation error; ``position`` is the character offset it points at."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(f"{message} (at character {position})")
        self.message = message
        self.position = position


# --- AST ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    pos: int
    value: Any


@dataclass(frozen=True, slots=True)
class Name:
    pos: int
    name: str  # dotted


@dataclass(frozen=True, slots=True)
class ListLit:
    pos: int
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    pos: int
    op: str  # "!" or "-"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    pos: int
    op: str  # canonical: "||" "&&" "==" "!=" "<" "<=" ">" ">=" "in" "not in" "+" "-" "*" "/" "%"
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    pos: int
    func: str
    args: tuple[Node, ...]


Node = Literal | Name | ListLit | Unary | Binary | Call


# --- tokenizer ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "num" "str" "name" "op" "eof"
    value: Any
    pos: int


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_KEYWORDS = {"true", "false", "null", "and", "or", "not", "in"}
_OPS2 = ("&&", "||", "==", "!=", "<=", ">=")
_OPS1 = "!<>+-*/%()[],"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if "0" <= c <= "9":
            m = _NUMBER.match(text, i)
            assert m is not None
            s = m.group()
            if m.end() < n and (text[m.end()] == "." or _IDENT.match(text, m.end())):
                raise ExprError(f"malformed number '{text[i:m.end() + 1]}'", i)
            toks.append(_Tok("num", float(s) if "." in s else int(s), i))
            i = m.end()
            continue
        if c.isascii() and (c.isalpha() or c == "_"):
            m = _NAME.match(text, i)
            assert m is not None
            if m.end() < n and text[m.end()] == ".":
                raise ExprError("expected a name part after '.'", m.end() + 1)
            s = m.group()
            if "." in s and s.split(".", 1)[0] in _KEYWORDS:
                raise ExprError(f"'{s.split('.', 1)[0]}' is a keyword, not a name", i)
            toks.append(_Tok("kw" if s in _KEYWORDS else "name", s, i))
            i = m.end()
            continue
        if c in "'\"":
            start = i
            i, s = _read_string(text, i)
            toks.append(_Tok("str", s, start))
            continue
        two = text[i:i + 2]
        if two in _OPS2:
            toks.append(_Tok("op", two, i))
            i += 2
            continue
        if c == "&" or c == "|":
            raise ExprError(f"expected '{c}{c}' (single '{c}' is not an operator)", i)
        if c == "=":
            raise ExprError("expected '==' to compare ('=' alone is not an operator)", i)
        if c in _OPS1:
            toks.append(_Tok("op", c, i))
            i += 1
            continue
        raise ExprError(f"unexpected character {c!r}", i)
    toks.append(_Tok("eof", None, n))
    return toks


def _read_string(text: str, start: int) -> tuple[int, str]:
    quote = text[start]
    out: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        c = text[i]
        if c == quote:
            return i + 1, "".join(out)
        if c == "\\":
            if i + 1 >= n:
                break
            e = text[i + 1]
            # Other backslashes stay as written, so regexes read naturally: matches(x, '\d+').
            out.append(_ESCAPES.get(e, "\\" + e))
            i += 2
            continue
        out.append(c)
        i += 1
    raise ExprError(f"unterminated text: expected a closing {quote}", start)


# --- parser ------------------------------------------------------------------------------

# Binding powers (higher binds tighter).
_INFIX: dict[str, tuple[int, str]] = {
    "||": (10, "||"), "or": (10, "||"),
    "&&": (20, "&&"), "and": (20, "&&"),
    "==": (30, "=="), "!=": (30, "!="),
    "<": (40, "<"), "<=": (40, "<="), ">": (40, ">"), ">=": (40, ">="), "in": (40, "in"),
    "+": (50, "+"), "-": (50, "-"),
    "*": (60, "*"), "/": (60, "/"), "%": (60, "%"),
}
_NON_CHAINING = {30, 40}
_PREFIX_BP = 70


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.i = 0
        self.nesting = 0
        self.depth: dict[int, int] = {}  # id(node) -> AST depth (nodes live as long as the parser)
        self.names: set[str] = set()

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def next(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, value: str, what: str) -> _Tok:
        t = self.peek()
        if t.kind == "op" and t.value == value:
            return self.next()
        raise ExprError(f"expected {what}, found {_describe(t)}", t.pos)

    def mk(self, node: Node, *children: Node) -> Node:
        d = 1 + max((self.depth[id(c)] for c in children), default=0)
        if d > MAX_DEPTH:
            raise ExprError(f"expression nested too deeply (more than {MAX_DEPTH} levels)", node.pos)
        self.depth[id(node)] = d
        return node

    def parse(self) -> Node:
        node = self.expr(0)
        t = self.peek()
        if t.kind != "eof":
            raise ExprError(f"expected an operator or the end, found {_describe(t)}", t.pos)
        return node

    def infix_of(self, t: _Tok) -> tuple[int, str] | None:
        if t.kind == "op" or t.kind == "kw":
            if t.kind == "kw" and t.value == "not":
                nxt = self.toks[self.i + 1]
                if nxt.kind == "kw" and nxt.value == "in":
                    return 40, "not in"
                return None
            return _INFIX.get(t.value)
        return None

    def expr(self, min_bp: int) -> Node:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise ExprError(f"expression nested too deeply (more than {MAX_DEPTH} levels)", self.peek().pos)
        left = self.prefix()
        last_bp = -1
        while True:
            t = self.peek()
            inf = self.infix_of(t)
            if inf is None or inf[0] <= min_bp:
                break
            bp, op = inf
            if bp in _NON_CHAINING and last_bp == bp:
                raise ExprError("comparisons cannot be chained: use && between them", t.pos)
            self.next()
            if op == "not in":
                self.next()
            right = self.expr(bp)
            left = self.mk(Binary(t.pos, op, left, right), left, right)
            last_bp = bp
        self.nesting -= 1
        return left

    def prefix(self) -> Node:
        t = self.next()
        if t.kind == "num" or t.kind == "str":
            return self.mk(Literal(t.pos, t.value))
        if t.kind == "kw":
            if t.value in ("true", "false"):
                return self.mk(Literal(t.pos, t.value == "true"))
            if t.value == "null":
                return self.mk(Literal(t.pos, None))
            if t.value == "not":
                operand = self.expr(_PREFIX_BP)
                return self.mk(Unary(t.pos, "!", operand), operand)
            raise ExprError(f"expected a value, found {_describe(t)}", t.pos)
        if t.kind == "name":
            nxt = self.peek()
            if nxt.kind == "op" and nxt.value == "(":
                return self.call(t)
            self.names.add(t.value)
            return self.mk(Name(t.pos, t.value))
        if t.kind == "op":
            if t.value in ("!", "-"):
                operand = self.expr(_PREFIX_BP)
                if t.value == "-" and isinstance(operand, Literal) and _is_number(operand.value):
                    return self.mk(Literal(t.pos, -operand.value))
                return self.mk(Unary(t.pos, t.value, operand), operand)
            if t.value == "(":
                inner = self.expr(0)
                self.expect(")", "')'")
                return inner
            if t.value == "[":
                items = self.sequence("]")
                return self.mk(ListLit(t.pos, tuple(items)), *items)
        raise ExprError(f"expected a value, found {_describe(t)}", t.pos)

    def sequence(self, close: str) -> list[Node]:
        items: list[Node] = []
        if self.peek().kind == "op" and self.peek().value == close:
            self.next()
            return items
        while True:
            items.append(self.expr(0))
            t = self.next()
            if t.kind == "op" and t.value == close:
                return items
            if not (t.kind == "op" and t.value == ","):
                raise ExprError(f"expected ',' or '{close}', found {_describe(t)}", t.pos)

    def call(self, name_tok: _Tok) -> Node:
        fname = name_tok.value
        spec = FUNCTIONS.get(fname)
        if spec is None:
            raise ExprError(f"unknown function '{fname}'", name_tok.pos)
        self.next()  # "("
        args = self.sequence(")")
        lo, hi, _ = spec
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise ExprError(f"{fname}() takes {want} argument(s), got {len(args)}", name_tok.pos)
        return self.mk(Call(name_tok.pos, fname, tuple(args)), *args)


def _describe(t: _Tok) -> str:
    if t.kind == "eof":
        return "the end"
    if t.kind == "str":
        return "a text"
    if t.kind == "num":
        return f"number {t.value}"
    return f"'{t.value}'"


# --- values ------------------------------------------------------------------------------

_NUMERIC_TEXT = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def to_number(v: Any) -> int | float | None:
    """A number from a number or a numeric text ("12", " 1.5 "); None when it is neither."""
    if _is_number(v):
        return v
    if isinstance(v, str) and _NUMERIC_TEXT.fullmatch(v):
        s = v.strip()
        return float(s) if "." in s else int(s)
    return None


def to_text(v: Any) -> str:
    """How a value reads in a message or a comparison log: null -> "", true -> "true", 2.0 -> "2"."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(to_text(x) for x in v)
    return str(v)


def truthy(value: Any) -> bool:
    """null, false, 0, "" and [] are false; everything else is true."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if _is_number(value):
        return value != 0
    if isinstance(value, (str, list, tuple, dict)):
        return len(value) > 0
    return True


def values_equal(a: Any, b: Any) -> bool:
    """The ``==`` of the language (see the module docstring)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) or _is_number(b):
        x, y = to_number(a), to_number(b)
        return x is not None and y is not None and x == y
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if _is_number(v):
        return "a number"
    if isinstance(v, str):
        return "a text"
    if isinstance(v, (list, tuple)):
        return "a list"
    return type(v).__name__


def _num(v: Any, pos: int, what: str) -> int | float:
    n = to_number(v)
    if n is None:
        raise ExprError(f"{what} needs a number, got {_type_name(v)}", pos)
    return n


def _tidy(n: float | int) -> int | float:
    """Whole floats from division become ints so that 6 / 2 shows as 3."""
    if isinstance(n, float) and n.is_integer() and abs(n) < 2**53:
        return int(n)
    return n


def _compare(op: str, a: Any, b: Any, pos: int) -> bool:
    if a is None or b is None:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        raise ExprError(f"cannot order {_type_name(a)} and {_type_name(b)} with '{op}'", pos)
    x: Any
    y: Any
    if _is_number(a) or _is_number(b):
        x, y = to_number(a), to_number(b)
        if x is None or y is None:
            raise ExprError(f"cannot compare {_type_name(a)} and {_type_name(b)} with '{op}'", pos)
    elif isinstance(a, str) and isinstance(b, str):
        x, y = a, b
    else:
        raise ExprError(f"cannot compare {_type_name(a)} and {_type_name(b)} with '{op}'", pos)
    if op == "<":
        return bool(x < y)
    if op == "<=":
        return bool(x <= y)
    if op == ">":
        return bool(x > y)
    return bool(x >= y)


def _contains(container: Any, item: Any, pos: int) -> bool:
    if container is None:
        return False
    if isinstance(container, str):
        return to_text(item) in container
    if isinstance(container, (list, tuple)):
        return any(values_equal(item, x) for x in container)
    raise ExprError(f"'in' needs a list or a text on its right, got {_type_name(container)}", pos)


def _arith(op: str, a: Any, b: Any, pos: int) -> Any:
    if op == "+":
        if isinstance(a, str) or isinstance(b, str):
            return to_text(a) + to_text(b)
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return list(a) + list(b)
    if isinstance(a, bool) or isinstance(b, bool):
        raise ExprError(f"'{op}' needs numbers, got {_type_name(a)} and {_type_name(b)}", pos)
    x, y = _num(a, pos, f"'{op}'"), _num(b, pos, f"'{op}'")
    if op == "+":
        r: int | float = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "/":
        if y == 0:
            raise ExprError("division by zero", pos)
        r = _tidy(x / y)
    else:
        if y == 0:
            raise ExprError("division by zero ('%')", pos)
        r = x % y
    if isinstance(r, float) and not math.isfinite(r):
        raise ExprError("number too large", pos)
    return r


# --- functions ---------------------------------------------------------------------------


def _f_len(pos: int, x: Any) -> int:
    if x is None:
        return 0
    if isinstance(x, (str, list, tuple)):
        return len(x)
    return len(to_text(x))


def _f_contains(pos: int, a: Any, b: Any) -> bool:
    return _contains(a, b, pos)


def _f_matches(pos: int, text: Any, pattern: Any) -> bool:
    if not isinstance(pattern, str):
        raise ExprError("matches() needs a text pattern", pos)
    if len(pattern) > MAX_PATTERN:
        raise ExprError(f"matches() pattern longer than {MAX_PATTERN} characters", pos)
    s = to_text(text)
    if len(s) > MAX_MATCH_TEXT:
        raise ExprError(f"matches() text longer than {MAX_MATCH_TEXT} characters", pos)
    try:
        rx = re.compile(pattern)
    except re.error as e:
        raise ExprError(f"matches() pattern is not a valid regular expression: {e}", pos) from e
    return rx.fullmatch(s) is not None


def _f_is_empty(pos: int, x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, str):
        return x.strip() == ""
    if isinstance(x, (list, tuple, dict)):
        return len(x) == 0
    return False


def _f_number(pos: int, x: Any) -> int | float | None:
    if isinstance(x, bool):
        return 1 if x else 0
    return to_number(x)


def _f_round(pos: int, x: Any, n: Any = 0) -> int | float:
    v = _num(x, pos, "round()")
    d = _num(n, pos, "round()")
    if not isinstance(d, int) or not -10 <= d <= 10:
        raise ExprError("round() digits must be a whole number from -10 to 10", pos)
    # Half away from zero on the decimal digits the supervisor sees (round(1.005, 2) is 1.01), as on a
    # calculator; Python's round() is banker's rounding on binary floats.
    try:
        q = decimal.Decimal(repr(v)).quantize(decimal.Decimal(1).scaleb(-d), rounding=decimal.ROUND_HALF_UP)
    except decimal.InvalidOperation as e:
        raise ExprError("round(): number too large", pos) from e
    return _tidy(float(q)) if d > 0 else int(q)


def _f_minmax(pick: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def f(pos: int, a: Any, b: Any) -> Any:
        if a is None:
            return b
        if b is None:
            return a
        _compare("<", a, b, pos)  # type check: same rules as comparisons
        if _is_number(a) or _is_number(b):
            return pick(to_number(a), to_number(b))
        return pick(a, b)

    return f


def _f_substr(pos: int, s: Any, start: Any, length: Any = None) -> str:
    t = to_text(s)
    i = _num(start, pos, "substr()")
    if not isinstance(i, int):
        raise ExprError("substr() start must be a whole number", pos)
    if length is None:
        return t[i:]
    n = _num(length, pos, "substr()")
    if not isinstance(n, int) or n < 0:
        raise ExprError("substr() length must be a whole number >= 0", pos)
    return t[i:i + n]


def _f_replace(pos: int, s: Any, old: Any, new: Any) -> str:
    o = to_text(old)
    if o == "":
        raise ExprError("replace() needs a non-empty text to replace", pos)
    return to_text(s).replace(o, to_text(new))


def _f_split(pos: int, s: Any, sep: Any) -> list[str]:
    t, p = to_text(s), to_text(sep)
    if p == "":
        raise ExprError("split() needs a non-empty separator", pos)
    return [] if t == "" else t.split(p)


def _f_join(pos: int, items: Any, sep: Any = ", ") -> str:
    if items is None:
        return ""
    if not isinstance(items, (list, tuple)):
        raise ExprError(f"join() needs a list, got {_type_name(items)}", pos)
    return to_text(sep).join(to_text(x) for x in items)


# Functions that read the clock take the scope (the simulator fixes now.* there).
def _f_today(pos: int, scope: Mapping[str, Any]) -> str:
    d = scope.get("now.date")
    return str(d) if d else _dt.date.today().isoformat()


def _f_now_hour(pos: int, scope: Mapping[str, Any]) -> int:
    h = to_number(scope.get("now.hour"))
    return int(h) if h is not None else _dt.datetime.now().hour


_SCOPED = {"today", "now_hour"}

#: name -> (min args, max args, implementation(pos, *args)). Shown by the designer's expression help.
FUNCTIONS: dict[str, tuple[int, int, Callable[..., Any]]] = {
    "len": (1, 1, _f_len),
    "lower": (1, 1, lambda pos, x: to_text(x).lower()),
    "upper": (1, 1, lambda pos, x: to_text(x).upper()),
    "trim": (1, 1, lambda pos, x: to_text(x).strip()),
    "contains": (2, 2, _f_contains),
    "starts_with": (2, 2, lambda pos, a, b: to_text(a).startswith(to_text(b))),
    "ends_with": (2, 2, lambda pos, a, b: to_text(a).endswith(to_text(b))),
    "matches": (2, 2, _f_matches),
    "is_empty": (1, 1, _f_is_empty),
    "number": (1, 1, _f_number),
    "text": (1, 1, lambda pos, x: to_text(x)),
    "round": (1, 2, _f_round),
    "abs": (1, 1, lambda pos, x: abs(_num(x, pos, "abs()"))),
    "floor": (1, 1, lambda pos, x: math.floor(_num(x, pos, "floor()"))),
    "ceil": (1, 1, lambda pos, x: math.ceil(_num(x, pos, "ceil()"))),
    "min": (2, 2, _f_minmax(min)),
    "max": (2, 2, _f_minmax(max)),
    "substr": (2, 3, _f_substr),
    "replace": (3, 3, _f_replace),
    "split": (2, 2, _f_split),
    "join": (1, 2, _f_join),
    "coalesce": (2, 2, lambda pos, a, b: b if a is None or a == "" else a),
    "today": (0, 0, _f_today),
    "now_hour": (0, 0, _f_now_hour),
}


# --- evaluation --------------------------------------------------------------------------


def _lookup(scope: Mapping[str, Any], name: str) -> Any:
    if name in scope:
        return scope[name]
    # "customer.attributes.plan" may also live as scope["customer.attributes"] = {"plan": ...}.
    head, _, rest = name.rpartition(".")
    parts = [rest]
    while head:
        if head in scope:
            v = scope[head]
            for p in reversed(parts):
                if not isinstance(v, Mapping):
                    return None
                v = v.get(p)
            return v
        head, _, part = head.rpartition(".")
        parts.append(part)
    return None


def _eval(node: Node, scope: Mapping[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Name):
        return _lookup(scope, node.name)
    if isinstance(node, Binary):
        op = node.op
        if op == "&&":
            return truthy(_eval(node.left, scope)) and truthy(_eval(node.right, scope))
        if op == "||":
            return truthy(_eval(node.left, scope)) or truthy(_eval(node.right, scope))
        a, b = _eval(node.left, scope), _eval(node.right, scope)
        if op == "==":
            return values_equal(a, b)
        if op == "!=":
            return not values_equal(a, b)
        if op == "in":
            return _contains(b, a, node.pos)
        if op == "not in":
            return not _contains(b, a, node.pos)
        if op in ("<", "<=", ">", ">="):
            return _compare(op, a, b, node.pos)
        return _arith(op, a, b, node.pos)
    if isinstance(node, Unary):
        v = _eval(node.operand, scope)
        if node.op == "!":
            return not truthy(v)
        if isinstance(v, bool):
            raise ExprError("'-' needs a number, got a boolean", node.pos)
        return -_num(v, node.pos, "'-'")
    if isinstance(node, ListLit):
        return [_eval(x, scope) for x in node.items]
    if isinstance(node, Call):
        impl = FUNCTIONS[node.func][2]
        if node.func in _SCOPED:
            return impl(node.pos, scope)
        args = [_eval(x, scope) for x in node.args]
        try:
            return impl(node.pos, *args)
        except ExprError:
            raise
        except (TypeError, ValueError, OverflowError) as e:
            raise ExprError(f"{node.func}(): {e}", node.pos) from e
    raise ExprError(f"unknown node {node!r}", 0)  # pragma: no cover - the parser makes only the above


@dataclass(frozen=True)
class Expr:
    """A compiled expression; immutable and shared (compile_expr caches)."""

    text: str
    names: frozenset[str]  # dotted names referenced (function names excluded)
    root: Node

    def evaluate(self, scope: Mapping[str, Any]) -> Any:
        """Value of the expression; scope keys are dotted names. Type errors raise ExprError."""
        return _eval(self.root, scope)

    def test(self, scope: Mapping[str, Any]) -> bool:
        """truthy(evaluate(scope))."""
        return truthy(_eval(self.root, scope))


@functools.lru_cache(maxsize=2048)
def compile_expr(text: str) -> Expr:
    """Parse ``text``; raises ExprError (with the character position) on a syntax error."""
    if not isinstance(text, str):
        raise ExprError("an expression must be a text", 0)
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression longer than {MAX_LENGTH} characters", MAX_LENGTH)
    if not text.strip():
        raise ExprError("expected an expression, found nothing", 0)
    p = _Parser(text)
    root = p.parse()
    return Expr(text, frozenset(p.names), root)


def rename_names(text: str, renames: Mapping[str, str]) -> str:
    """``text`` with every name in ``renames`` replaced (whole dotted names only; texts and functions untouched).

    For "rename variable" and for pasted form fields whose keys got a suffix. A text that does
    not tokenize is returned unchanged (the validator reports it).
    """
    try:
        toks = _tokenize(text)
    except ExprError:
        return text
    out: list[str] = []
    last = 0
    for i, t in enumerate(toks):
        if t.kind != "name" or t.value not in renames:
            continue
        nxt = toks[i + 1]
        if nxt.kind == "op" and nxt.value == "(":
            continue
        out.append(text[last:t.pos])
        out.append(renames[t.value])
        last = t.pos + len(t.value)
    out.append(text[last:])
    return "".join(out)


# --- templates ---------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{\s*(" + _NAME.pattern + r")\s*\}")


def render_template(template: str, scope: Mapping[str, Any]) -> str:
    """Replace ``{name}`` / ``{customer.name}`` by the value's text (missing -> ""); ``{{`` -> ``{``, ``}}`` -> ``}``.

    A brace that does not enclose a dotted name is left as written.
    """

    def sub(m: re.Match[str]) -> str:
        s = m.group(0)
        if s == "{{":
            return "{"
        if s == "}}":
            return "}"
        return to_text(_lookup(scope, m.group(1)))

    return _PLACEHOLDER.sub(sub, template)


def template_names(template: str) -> list[str]:
    """The dotted names a template's placeholders refer to, in order (for static checks)."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(template) if m.group(1)]


def names_in(texts: Sequence[str]) -> frozenset[str]:
    """Names referenced by several expressions; syntax errors are skipped (the validator reports them)."""
    out: set[str] = set()
    for t in texts:
        try:
            out |= compile_expr(t).names
        except ExprError:
            continue
    return frozenset(out)
