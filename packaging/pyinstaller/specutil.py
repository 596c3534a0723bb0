"""What the PyInstaller spec files bundle, derived from the code rather than kept by hand.

Both specs call these helpers, so a new module under a project package or a new
file under ``resources/`` is picked up by the next build without editing a list.
Qt-free and PyInstaller-free (the tests import it from the plain venv).
"""
from __future__ import annotations

import importlib.util
import pkgutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Project packages the agent bundle carries (edge_server for the contract and the bus client,
#: and for the offline admin/keys roles main.py offers).
DESKTOP_PACKAGES = ("edge_server", "desktop", "softphone", "designer")
#: The edge bundle: no Qt, no GUI packages (the import-linter contract says the same for the code).
EDGE_PACKAGES = ("edge_server",)
#: What must never reach the edge bundle; the build fails if any of it did.
EDGE_FORBIDDEN = ("PySide6", "shiboken6", "qasync", "desktop", "designer", "softphone")

#: Modules imported by name at run time that the static analysis cannot see. Each has its reason.
THIRD_PARTY_HIDDEN = {
    # pjsua2 imports its SWIG extension lazily: without it the frozen app fails at start.
    "pjsua2": ("pjsua2.pjsua2",),
    # The FTS extension is a data file loaded by path; the package only locates it.
    "duckdb_extension_fts": ("duckdb_extension_fts",),
}
#: Third-party packages whose data files must travel with the bundle (DuckDB's FTS extension binary).
COLLECT_DATA = ("duckdb_extension_fts",)
#: Our own non-Python files, by folder (PyInstaller's collect_data_files cannot import our packages
#: from the spec's process): the web widget the edge serves.
PROJECT_DATA_DIRS = ("edge_server/channels/webchat/static",)
#: Resource folders per bundle (relative to resources/). The edge needs only the demo site.
DESKTOP_RESOURCES = ("icons", "i18n", "styles", "fonts", "sounds", "demo")
EDGE_RESOURCES = ("demo",)
#: Translation sources are compiled to .qm by `make setup`; the sources stay out of the bundle.
RESOURCE_SKIP_SUFFIXES = (".ts",)


def project_modules(packages: Iterable[str], root: Path = ROOT) -> list[str]:
    """Every module under ``packages``, found on disk (nothing is imported).

    Not pkgutil.walk_packages: it recurses into sub-packages only by importing them, which
    from a spec (project root not yet on sys.path) silently finds no sub-packages at all.
    A folder without ``__init__.py`` is not a package and is skipped with everything below it.
    """
    found: list[str] = []
    for name in packages:
        pkg_dir = root / name
        if not (pkg_dir / "__init__.py").exists():
            raise FileNotFoundError(f"{pkg_dir} is not a package")
        for info in pkgutil.iter_modules([str(pkg_dir)]):
            found.append(f"{name}.{info.name}")
            if info.ispkg:
                found.extend(f"{name}.{sub}" for sub in project_modules([info.name], root=pkg_dir))
        found.append(name)
    return sorted(set(found))


def third_party_hidden(packages: Iterable[str]) -> list[str]:
    """Hidden imports for third-party packages that are installed (a missing one fails later, loudly)."""
    out: list[str] = []
    for pkg in packages:
        for mod in THIRD_PARTY_HIDDEN.get(pkg, ()):
            out.append(mod)
    return out


def resource_datas(folders: Sequence[str], root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, destination folder) pairs for PyInstaller's ``datas``, one per resource file.

    Files rather than folders so empty folders are skipped and ``.ts`` sources are left out.
    """
    out: list[tuple[str, str]] = []
    base = root / "resources"
    for folder in folders:
        top = base / folder
        if not top.is_dir():
            continue
        for f in sorted(top.rglob("*")):
            if f.is_file() and f.suffix not in RESOURCE_SKIP_SUFFIXES:
                out.append((str(f), str(Path("resources") / f.parent.relative_to(base))))
    return out


def project_datas(folders: Sequence[str] = PROJECT_DATA_DIRS, root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, destination folder) pairs for our packages' data folders, kept at their package path."""
    out: list[tuple[str, str]] = []
    for folder in folders:
        top = root / folder
        if not top.is_dir():
            raise SystemExit(f"packaging: data folder {folder} is missing")
        for f in sorted(top.rglob("*")):
            if f.is_file():
                out.append((str(f), str(f.parent.relative_to(root))))
    return out


def missing_translations(root: Path = ROOT) -> list[Path]:
    """.ts files without a compiled .qm next to them (run `make setup`)."""
    return [ts for ts in sorted((root / "resources" / "i18n").glob("*.ts")) if not ts.with_suffix(".qm").exists()]


def forbidden_in_toc(names: Iterable[str], forbidden: Sequence[str] = EDGE_FORBIDDEN) -> list[str]:
    """Entries of a bundle's table of contents (module names or bundle paths) from a forbidden package."""
    bad: list[str] = []
    for name in names:
        head = name.replace("\\", "/").split("/")[0].split(".")[0]
        if head in forbidden or _is_qt_library(head):
            bad.append(name)
    return sorted(set(bad))


def _is_qt_library(file_name: str) -> bool:
    low = file_name.lower()
    return low.startswith(("libqt6", "libpyside6", "libshiboken6"))


def forbidden_in_tree(bundle: Path, forbidden: Sequence[str] = EDGE_FORBIDDEN) -> list[Path]:
    """Files or folders of a built bundle named after a forbidden package (PySide6/, libQt6*, ...)."""
    bad: list[Path] = []
    lowered = [f.lower() for f in forbidden]
    for p in bundle.rglob("*"):
        name = p.name.lower()
        if name in lowered or _is_qt_library(name):
            bad.append(p)
    return bad


def installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def check_build_inputs() -> None:
    """Stop the build early with a message IT can act on, instead of a bundle that fails at start."""
    problems: list[str] = []
    if missing_translations():
        problems.append("translations are not compiled: run `make setup`")
    for mod in ("pjsua2", "duckdb_extension_fts"):
        if not installed(mod):
            problems.append(f"{mod} is not installed in {sys.executable}")
    if problems:
        raise SystemExit("cannot build the bundles: " + "; ".join(problems))
