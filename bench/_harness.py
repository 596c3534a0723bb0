"""Shared helpers for benches: a throwaway edge site in a temp dir, started as a real process."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from edge_server.app import READY_MARKER  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def run_main(*args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                         env=env, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"main.py {' '.join(args)} failed: {out.stderr}")
    return out.stdout


@contextlib.contextmanager
def edge_site(
    site_file: Path | None = None,
    extra_env: dict[str, str] | None = None,
    prepare: Callable[[Path], None] | None = None,
) -> Iterator[dict]:
    """Yield {data_dir, address, pub, webchat, desktop_config, proc} for a fresh edge running as a subprocess.

    ``prepare(data_dir)`` runs before anything is written there (e.g. to copy a pre-built store in).
    """
    with tempfile.TemporaryDirectory(prefix="sb-bench-") as tmp:
        data = Path(tmp) / "data"
        if prepare is not None:
            data.mkdir(parents=True)
            prepare(data)
        run_main("keys", "init", "--data-dir", str(data))
        site = site_file or ROOT / "resources" / "demo" / "site.toml"
        run_main("admin", "--data-dir", str(data), "import", str(site))
        # Approve the bench's desktop key before the edge starts (the address is known only later).
        run_main("keys", "issue", "bench", "--data-dir", str(data), "--out", str(Path(tmp) / "client"))
        env = dict(os.environ, SWITCHBOARD__EDGE__DATA_DIR=str(data),
                   SWITCHBOARD__EDGE__LOG_DIR=str(Path(tmp) / "log"),
                   SWITCHBOARD__BUS__ROUTER_ENDPOINT="tcp://127.0.0.1:0",
                   SWITCHBOARD__BUS__PUB_ENDPOINT="tcp://127.0.0.1:0",
                   SWITCHBOARD__EDGE__LOG_LEVEL="WARNING")
        env.setdefault("SWITCHBOARD__WEBCHAT__PORT", "0")
        env.setdefault("SWITCHBOARD__CHANNELS__WEBHOOK_PORT", "0")
        env.update(extra_env or {})
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "edge"], env=env,
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            deadline = time.monotonic() + 30
            line = ""
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line or READY_MARKER in line:
                    break
            if READY_MARKER not in line:
                raise RuntimeError("edge did not start")
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            address = fields["router"]
            yield {"data_dir": data, "address": address, "pub": fields["pub"], "proc": proc,
                   "webchat": fields.get("webchat", ""),
                   "desktop_config": Path(tmp) / "client" / "desktop.toml"}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
