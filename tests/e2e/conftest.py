"""End-to-end fixtures: a real edge process on a random port with a fresh site in tmp_path.

The helpers live in e2e_support.py (imported by that unique name: several test folders have a conftest)."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# importlib import mode: let the tests here import e2e_support by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e_support import DESKTOPS, ROOT, EdgeProcess, run_main  # noqa: E402


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A data dir with keys, the demo site, and approved desktop keys (the address is set per test)."""
    data = tmp_path / "data"
    run_main("keys", "init", "--data-dir", str(data))
    run_main("admin", "--data-dir", str(data), "import", str(ROOT / "resources" / "demo" / "site.toml"))
    for name in DESKTOPS:
        run_main("keys", "issue", name, "--data-dir", str(data), "--out", str(tmp_path / "clients" / name))
    return data


@pytest.fixture
def edge(tmp_path: Path, site: Path) -> Iterator[EdgeProcess]:
    e = EdgeProcess(tmp=tmp_path, data_dir=site)
    e.start()
    yield e
    e.stop()
