"""Cold start of the frozen agent desktop (dist/switchboard, from `make package`), offscreen.

login_window_ms: from exec to the first event-loop turn after the login dialog opened (the desktop
started with `--quit-after 0`: the quit timer fires on that turn and logs "quit requested").
ready_ms: from exec to "own state: ready" (unattended login to a running edge + auto Ready).
rss_idle_mb: resident memory of the Ready desktop after IDLE_S seconds with nothing to do.
Each figure is the median of RUNS runs after one warm-up run (file cache warm, as on a PC in use).
Last line: login_window_ms=… ready_ms=… rss_idle_mb=…
"""
from __future__ import annotations

import datetime as dt
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import ROOT, edge_site  # type: ignore[import-not-found]

BUNDLE = ROOT / "dist" / "switchboard" / "switchboard"
RUNS = 3
IDLE_S = 3.0


def _log_time(log: Path, text: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> float:
    """Wall-clock time (epoch s) of the first log line containing ``text``."""
    pattern = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*" + re.escape(text), re.M)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and (found := pattern.search(log.read_text(encoding="utf-8"))):
            stamp = dt.datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f")
            return stamp.timestamp()  # logging's asctime is local time, as is this conversion
        if proc.poll() is not None and not (log.exists() and pattern.search(log.read_text("utf-8"))):
            raise RuntimeError(f"desktop exited ({proc.returncode}) before logging {text!r}")
        time.sleep(0.01)
    raise RuntimeError(f"{text!r} not logged within {timeout} s")


def _env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "SWITCHBOARD"))}
    env.update(SWITCHBOARD_DESKTOP_CONFIG=str(config), SB_BENCH_PW="switchboard", LANG="C.UTF-8")
    return env


def login_window_ms(config: Path, tmp: Path, run: int) -> float:
    profile = tmp / f"login{run}"
    t0 = time.time()
    proc = subprocess.Popen([str(BUNDLE), "desktop", "--offscreen", "--profile-dir", str(profile),
                             "--quit-after", "0"], env=_env(config), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        shown = _log_time(profile / "logs" / "desktop.log", "quit requested", proc)
    finally:
        proc.wait(timeout=30)
    return (shown - t0) * 1000


def ready_and_rss(config: Path, tmp: Path, run: int) -> tuple[float, float]:
    profile = tmp / f"ready{run}"
    t0 = time.time()
    proc = subprocess.Popen([str(BUNDLE), "desktop", "--offscreen", "--profile-dir", str(profile),
                             "--username", "alice", "--password-env", "SB_BENCH_PW", "--auto-ready"],
                            env=_env(config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = _log_time(profile / "logs" / "desktop.log", "own state: ready", proc)
        time.sleep(IDLE_S)
        status = Path(f"/proc/{proc.pid}/status").read_text()
        rss_kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    return (ready - t0) * 1000, rss_kb / 1024


def main() -> int:
    if not BUNDLE.is_file():
        print(f"no frozen desktop at {BUNDLE}: run `make package` first", file=sys.stderr)
        return 1
    with edge_site() as site, tempfile.TemporaryDirectory(prefix="sb-cold-") as tmp_name:
        tmp = Path(tmp_name)
        config = site["desktop_config"]
        config.write_text(config.read_text().replace("tcp://127.0.0.1:7700", site["address"]))
        login_window_ms(config, tmp, -1)  # warm-up
        logins = [login_window_ms(config, tmp, i) for i in range(RUNS)]
        ready_and_rss(config, tmp, -1)
        readies, rsses = zip(*(ready_and_rss(config, tmp, i) for i in range(RUNS)))
    print(f"bundle: {BUNDLE}; runs: {RUNS} after one warm-up; login window runs (ms): "
          f"{', '.join(f'{v:.0f}' for v in logins)}; ready runs (ms): {', '.join(f'{v:.0f}' for v in readies)}")
    print(f"login_window_ms={statistics.median(logins):.0f} ready_ms={statistics.median(readies):.0f} "
          f"rss_idle_mb={statistics.median(rsses):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
