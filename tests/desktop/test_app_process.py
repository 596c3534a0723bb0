"""desktop.app.run in a real process: start offscreen with a temp profile, quit, say nothing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from desktop.app import DesktopOptions, run\n"
        f"sys.exit(run(DesktopOptions(offscreen=True, profile_dir=Path({str(tmp_path / 'profile')!r}), {options})))\n"
    )
    full_env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    full_env.update(PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=full_env,
                          capture_output=True, text=True, timeout=30)


def test_starts_and_quits_cleanly_and_silently(tmp_path: Path) -> None:
    out = _run(tmp_path, "quit_after_s=0.4")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and out.stderr == ""  # any unexpected output is a failure
    log = (tmp_path / "profile" / "logs" / "desktop.log").read_text(encoding="utf-8")
    assert "starting" in log and "shut down" in log and "exit code 0" in log
    ini = (tmp_path / "profile" / "desktop.ini").read_text(encoding="utf-8")
    assert "[client]" in ini and "id=" in ini  # the stable client id was created


def test_bad_config_file_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "desktop.toml"
    cfg.write_text("edge = 7\n")
    out = _run(tmp_path, f"config_path=Path({str(cfg)!r})")
    assert out.returncode == 2
    assert str(cfg) in out.stderr and "$.edge" in out.stderr


def test_unattended_without_the_password_variable(tmp_path: Path) -> None:
    cfg = tmp_path / "desktop.toml"
    cfg.write_text('edge = "tcp://127.0.0.1:9"\nusername = "alice"\n')
    out = _run(tmp_path, f"config_path=Path({str(cfg)!r}), password_env='SB_NO_SUCH_VAR'")
    assert out.returncode == 2
    assert "SB_NO_SUCH_VAR" in out.stderr
