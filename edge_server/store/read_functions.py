"""Read functions named across the process boundary: ``"module:qualname"`` plus typed msgpack.

``Store.read(fn, *args)`` runs ``fn(cursor, *args)`` in the store process, so
``fn`` must be a module-level function the store process can import, its
arguments and result msgspec-encodable (Structs, lists, dicts, scalars). The
annotations are the wire types: the edge decodes the result against the
return annotation (``-> list[UserRow]`` comes back as UserRow structs, not
dicts), the store process decodes each argument against its parameter's.
A missing annotation means "whatever msgpack gives" (lists, dicts, scalars).
"""
from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

_NO_ARGS = msgspec.msgpack.encode([])


@dataclass(frozen=True, slots=True)
class ReadRef:
    """The edge's handle on a read function: its name and its result decoder."""

    name: str
    _result: msgspec.msgpack.Decoder[Any]

    def decode_result(self, raw: bytes | msgspec.Raw) -> Any:
        try:
            return self._result.decode(raw)
        except msgspec.ValidationError as e:
            raise TypeError(
                f"read function {self.name} returned a value that does not match its return "
                f"annotation: {e}"
            ) from e


_refs: dict[Callable[..., Any], ReadRef] = {}


def reference(fn: Callable[..., Any]) -> ReadRef:
    """The name and result decoder of ``fn``; TypeError unless it is importable by name."""
    ref = _refs.get(fn)
    if ref is None:
        name = _name_of(fn)
        ref = ReadRef(name, msgspec.msgpack.Decoder(_annotation(fn, "return", strict=True)))
        _refs[fn] = ref
    return ref


def encode_args(args: tuple[Any, ...]) -> bytes:
    """The arguments as one msgpack array; TypeError if one cannot cross the boundary."""
    if not args:
        return _NO_ARGS
    try:
        return msgspec.msgpack.encode(args)
    except TypeError as e:
        raise TypeError(f"store.read arguments must be msgspec-encodable: {e}") from e


def _name_of(fn: Callable[..., Any]) -> str:
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", None)
    problem = ""
    if not isinstance(module, str) or not isinstance(qualname, str):
        problem = "it has no module and qualified name"
    elif "<" in qualname:  # <lambda>, <locals>
        problem = "lambdas and nested functions cannot be named in another process"
    elif module == "__main__":
        problem = "__main__ is not importable by the store process"
    elif _lookup(module, qualname) is not fn:
        problem = f"{module}:{qualname} does not name this object"
    if problem:
        raise TypeError(
            f"store.read needs a module-level function that the store process can import "
            f"({problem}); got {fn!r}"
        )
    return f"{module}:{qualname}"


def _lookup(module: str, qualname: str) -> object:
    obj: object = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    return obj


def _annotation(fn: Callable[..., Any], name: str, *, strict: bool) -> Any:
    """The evaluated annotation ``name`` of ``fn`` (Any when absent)."""
    ann = getattr(fn, "__annotations__", {}).get(name, Any)
    if isinstance(ann, str):  # ``from __future__ import annotations``
        try:
            # What typing.get_type_hints does, for one annotation only: the others (the
            # cursor's, often a TYPE_CHECKING-only name) need not resolve here.
            ann = eval(ann, getattr(fn, "__globals__", {}))  # noqa: S307 - our own source
        except Exception as e:
            if strict:
                raise TypeError(
                    f"cannot evaluate the {name} annotation {ann!r} of {fn!r}: {e}"
                ) from e
            return Any
    return ann


# --- the store process's side ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResolvedRead:
    fn: Callable[..., Any]
    arg_decoders: tuple[msgspec.msgpack.Decoder[Any], ...]  # for the arguments after the cursor
    rest: msgspec.msgpack.Decoder[Any] | None  # for *args beyond them

    def decode_args(self, raw: bytes | msgspec.Raw) -> list[Any]:
        items = msgspec.msgpack.decode(raw, type=list[msgspec.Raw])
        out = []
        for i, item in enumerate(items):
            if i < len(self.arg_decoders):
                out.append(self.arg_decoders[i].decode(item))
            elif self.rest is not None:
                out.append(self.rest.decode(item))
            else:
                raise TypeError(f"{self.fn.__qualname__} takes {len(self.arg_decoders)} arguments "
                                f"after the cursor, got {len(items)}")
        return out


_resolved: dict[str, ResolvedRead] = {}


def resolve(name: str) -> ResolvedRead:
    """Import the function named ``module:qualname`` (cached)."""
    found = _resolved.get(name)
    if found is not None:
        return found
    module, sep, qualname = name.partition(":")
    fn = _lookup(module, qualname) if sep else None
    if not callable(fn):
        raise LookupError(f"no read function {name!r} in the store process")
    decoders: list[msgspec.msgpack.Decoder[Any]] = []
    rest: msgspec.msgpack.Decoder[Any] | None = None
    params = list(inspect.signature(fn).parameters.values())[1:]  # the first is the cursor
    for p in params:
        dec = msgspec.msgpack.Decoder(_annotation(fn, p.name, strict=False))
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            rest = dec
            break
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            decoders.append(dec)
    found = ResolvedRead(fn, tuple(decoders), rest)
    _resolved[name] = found
    return found
