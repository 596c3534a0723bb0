"""Exceptions across the process boundary: described in the store process, rebuilt in the edge.

Callers keep catching what they caught when DuckDB ran in their process:
StoreError and StoreTooNewError, DuckDB's exception classes (a bad query in a
read function is still ``duckdb.CatalogException``), builtin exceptions, and
classes of any module the edge has itself imported. Anything else arrives as
StoreProcessError naming the original type. The store process's traceback is
attached as a note, so the log shows where it really happened.
"""
from __future__ import annotations

import builtins
import importlib
import sys
import traceback

from edge_server.store.errors import StoreError, StoreTooNewError
from edge_server.store.ipc import RemoteError

#: Modules whose exception classes are rebuilt even if the edge has not imported
#: them yet (importing DuckDB in the edge only happens on this error path).
_IMPORTABLE = frozenset({"duckdb", "_duckdb"})
_OURS: dict[str, type[BaseException]] = {
    f"{cls.__module__}.{cls.__qualname__}": cls for cls in (StoreError, StoreTooNewError)
}


class StoreProcessError(Exception):
    """An exception of a type the edge cannot rebuild, raised in the store process."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name


def describe(exc: BaseException) -> RemoteError:
    cls = type(exc)
    return RemoteError(
        type=f"{cls.__module__}.{cls.__qualname__}",
        message=str(exc),
        traceback="".join(traceback.format_exception(exc)),
    )


def rebuild(error: RemoteError) -> Exception:
    """An exception of the original type if possible, with the remote traceback as a note."""
    exc = _instantiate(_resolve(error.type), error)
    if error.traceback:
        exc.add_note(f"raised in the store process:\n{error.traceback.rstrip()}")
    return exc


def _resolve(type_name: str) -> type[BaseException] | None:
    if type_name in _OURS:
        return _OURS[type_name]
    module_name, _, qualname = type_name.rpartition(".")
    if module_name == "builtins":
        module: object = builtins
    elif module_name in sys.modules:
        module = sys.modules[module_name]
    elif module_name in _IMPORTABLE:
        module = importlib.import_module(module_name)
    else:
        return None
    cls = getattr(module, qualname, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        return cls
    return None


def _instantiate(cls: type[BaseException] | None, error: RemoteError) -> Exception:
    if cls is not None:
        try:
            exc = cls(error.message)
        except Exception:  # a constructor that wants more than a message (UnicodeDecodeError...)
            pass
        else:
            if isinstance(exc, Exception):
                return exc
    return StoreProcessError(error.type, error.message)
