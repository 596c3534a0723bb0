"""Packaging tests. Those that need the built bundles and .deb files are marked `package` and run
only with SB_PACKAGE_TEST=1 (`make package-test`), so `make test` stays fast."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging" / "pyinstaller"))  # specutil, edge_main


def pytest_configure(config: pytest.Config) -> None:
    # The lead may move this into pyproject.toml's markers; registering twice is harmless.
    config.addinivalue_line("markers", "package: needs the built bundles and .deb files (make package-test)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("SB_PACKAGE_TEST") == "1":
        return
    skip = pytest.mark.skip(reason="needs `make package` first; run with `make package-test` (SB_PACKAGE_TEST=1)")
    for item in items:
        if "package" in item.keywords:
            item.add_marker(skip)
