"""The store is headless: importing it loads no Qt and starts nothing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_import_loads_no_qt_and_starts_no_thread() -> None:
    code = (
        "import sys, threading\n"
        "import edge_server.store, edge_server.store.repos, edge_server.store.fts\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'qasync'))]\n"
        "assert threading.active_count() == 1, threading.enumerate()\n"
        "assert sys.modules.get('pandas', 'untouched') == 'untouched'  # only Store.open does\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
