"""The edge side must run without Qt: prove it in a fresh interpreter."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADLESS = [
    "edge_server.contract.wire",
    "edge_server.contract.messages",
    "edge_server.contract.events",
    "edge_server.store",
    "edge_server.bus.server",
    "edge_server.bus.client",
    "edge_server.routing",
    "edge_server.app",
    "edge_server.cli.admin",
]


def test_headless_modules_do_not_load_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {HEADLESS!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync', 'desktop', 'designer', 'softphone'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt/GUI modules loaded by the edge side: {out.stdout}"


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--config", "pyproject.toml"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
