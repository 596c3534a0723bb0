"""The .deb files installed into a clean root by the real dpkg, then the installed programs run.

`dpkg --root=R --force-script-chrootless` unpacks into R, tracks conffiles and runs the maintainer
scripts on the host with DPKG_ROOT=R; the scripts then take every path under R and skip what
belongs to the host (the system user, systemctl). So this exercises: file layout, conffile
handling, first-install key generation, provisioning, upgrade, remove and purge; the installed
edge and desktop run from R. Not exercised here: the systemd unit and the `switchboard` user
(documented in docs/packaging.md). Dependencies are forced: R has no Debian base system, the
programs run against the host's libraries.
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import specutil as su  # type: ignore[import-not-found]
from edge_server.app import READY_MARKER

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
EDGE_BIN = "opt/switchboard/switchboard-edge/switchboard-edge"
DESKTOP_BIN = "opt/switchboard/switchboard/switchboard"
PASSWORD = "switchboard"
_EDGE_INFO_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO +sb\.\w+: ")


def _deb(name: str) -> Path:
    found = sorted(DIST.glob(f"{name}_*.deb"))
    if not found:
        pytest.fail(f"no {name}_*.deb in {DIST}: run `make package`")
    return found[-1]


def _dpkg(root: Path, *args: str) -> str:
    out = subprocess.run(["dpkg", f"--root={root}", "--force-script-chrootless", "--force-not-root",
                          "--force-depends", "--log=/dev/null", *args],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"dpkg {args}: {out.stdout}\n{out.stderr}"
    return out.stdout


def _status(root: Path, package: str) -> str:
    out = subprocess.run(["dpkg-query", f"--admindir={root}/var/lib/dpkg", "-W", "-f=${db:Status-Abbrev}",
                          package], capture_output=True, text=True)
    return out.stdout.strip()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "root"
    for d in ("info", "updates", "triggers"):
        (r / "var/lib/dpkg" / d).mkdir(parents=True)
    for f in ("status", "available"):
        (r / "var/lib/dpkg" / f).touch()
    return r


def _edge_env(root: Path, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD")}
    # The installed edge.toml names /var/lib/switchboard; inside the test root that is R/var/lib/...
    env.update(SWITCHBOARD_EDGE_CONFIG=str(root / "etc/switchboard/edge.toml"),
               SWITCHBOARD__EDGE__DATA_DIR=str(root / "var/lib/switchboard"),
               SWITCHBOARD__EDGE__LOG_DIR=str(root / "var/log/switchboard"),
               SWITCHBOARD__BUS__ROUTER_ENDPOINT="tcp://127.0.0.1:0",
               SWITCHBOARD__BUS__PUB_ENDPOINT="tcp://127.0.0.1:0",
               SWITCHBOARD__WEBCHAT__PORT="0", SWITCHBOARD__CHANNELS__WEBHOOK_PORT="0")
    return env


def _run(cmd: list[str], env: dict[str, str]) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0 and out.stderr == "", f"{cmd}: rc={out.returncode}\n{out.stdout}\n{out.stderr}"
    return out.stdout


class _Proc:
    """A started program whose stdout/stderr go to files (no pipe can fill up and stall it)."""

    def __init__(self, cmd: list[str], env: dict[str, str], out_dir: Path, name: str) -> None:
        self.stdout_path, self.stderr_path = out_dir / f"{name}.out", out_dir / f"{name}.err"
        with open(self.stdout_path, "w") as o, open(self.stderr_path, "w") as e:
            self.proc = subprocess.Popen(cmd, env=env, stdout=o, stderr=e, cwd=out_dir)

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def stdout(self) -> str:
        return self.stdout_path.read_text()

    def stderr(self) -> str:
        return self.stderr_path.read_text()


def _wait_for_text(path: Path, pattern: str, proc: _Proc, timeout: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if found := re.search(pattern, text):
            return found
        if proc.proc.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{pattern!r} not in {path} within {timeout} s (rc={proc.proc.poll()}):\n"
                         f"{path.read_text() if path.exists() else '(missing)'}\nstderr: {proc.stderr()}")


async def _web_chat_through_the_flow(webchat: str) -> str:
    """A visitor on the installed edge's widget protocol: the demo flow greets, offers the menu; "3" asks for a
    person. The interaction id (= the routing task id the desktop is offered)."""
    from edge_server.channels.webchat.visitor import Visitor

    async with Visitor(webchat) as v:
        assert v.welcome is not None and v.welcome.available
        await v.start("你好，我想查一下账单", name="王小明")
        await v.wait_for(lambda: any("3. 人工客服" in msg.text for msg in v.messages.values()), 20, "the menu")
        await v.send("3")
        await v.wait_for(lambda: v.interaction is not None and v.interaction.state != "flow", 20, "the queue")
        assert v.interaction is not None
        return v.interaction.interaction_id


@pytest.fixture
def procs() -> Iterator[list[_Proc]]:
    started: list[_Proc] = []
    yield started
    for p in reversed(started):
        if p.proc.poll() is None:
            p.proc.kill()
            p.proc.wait()


def test_bundles_as_built(tmp_path: Path) -> None:
    edge = DIST / "switchboard-edge"
    assert (edge / "switchboard-edge").is_file() and (DIST / "switchboard" / "switchboard").is_file()
    assert su.forbidden_in_tree(edge) == []  # the edge bundle is Qt-free
    assert list((DIST / "switchboard").rglob("libQt6Core.so*"))
    assert list((DIST / "switchboard").rglob("libpjsua2*")) or list((DIST / "switchboard").rglob("_pjsua2*"))
    assert list((DIST / "switchboard").rglob("fts.duckdb_extension"))
    assert list((DIST / "switchboard").rglob("switchboard_zh_CN.qm"))
    assert list((DIST / "switchboard").rglob("libqoffscreen.so")) and list((DIST / "switchboard").rglob("libqxcb.so"))


def test_install_run_upgrade_remove_purge(root: Path, tmp_path: Path, procs: list[_Proc]) -> None:
    edge_deb, desk_deb = _deb("switchboard-edge"), _deb("switchboard")
    out = _dpkg(root, "-i", str(edge_deb), str(desk_deb))
    assert "created the edge key pair" in out
    assert _status(root, "switchboard-edge") == "ii" and _status(root, "switchboard") == "ii"
    # Layout: programs under /opt/switchboard, commands, menu entries with icons, service, config, data.
    assert os.readlink(root / "usr/bin/switchboard") == "/" + DESKTOP_BIN
    assert (root / "usr/bin/switchboard-edge").stat().st_mode & 0o111
    for entry, icon in (("org.switchboard.Desktop.desktop", "switchboard"),
                        ("org.switchboard.Designer.desktop", "switchboard-designer")):
        text = (root / "usr/share/applications" / entry).read_text()
        assert f"Icon={icon}\n" in text and "Exec=/usr/bin/switchboard " in text
        assert (root / f"usr/share/icons/hicolor/scalable/apps/{icon}.svg").is_file()
    unit = (root / "lib/systemd/system/switchboard-edge.service").read_text()
    assert "User=switchboard" in unit and "--config /etc/switchboard/edge.toml" in unit
    conffiles = (root / "var/lib/dpkg/info/switchboard-edge.conffiles").read_text().split()
    assert conffiles == ["/etc/switchboard/edge.toml"]
    data = root / "var/lib/switchboard"
    secret = data / "keys/server.key_secret"
    assert secret.is_file() and secret.stat().st_mode & 0o077 == 0
    first_secret = secret.read_bytes()

    # IT's steps with the installed commands: site, a key per desktop, provisioning the agent PC.
    env = _edge_env(root, tmp_path)
    edge_bin, desk_bin = str(root / EDGE_BIN), str(root / DESKTOP_BIN)
    site = root / "opt/switchboard/switchboard-edge/_internal/resources/demo/site.toml"
    assert "imported" in _run([edge_bin, "admin", "import", str(site)], env)
    designs = site.parent / "designs"
    published = _run([edge_bin, "admin", "import-design", str(designs / "webchat_flow.json"),
                      str(designs / "billing_form.json"), "--bind", "webchat:default=demo-webchat-flow",
                      "--bind", "queue_form:billing.zh=demo-billing-form"], env)
    assert published.count("revision 1 is live") == 2, published
    issued = tmp_path / "issued"
    for name in ("pc-001", "sup-pc"):
        _run([edge_bin, "keys", "issue", name, "--edge", "tcp://127.0.0.1:7700", "--out", str(issued / name)], env)
    assert _run([edge_bin, "keys", "list"], env).split() == ["pc-001", "sup-pc"]  # data dir from edge.toml
    _run([str(root / "usr/sbin/switchboard-provision"), str(issued / "pc-001")], dict(env, DPKG_ROOT=str(root)))
    assert (root / "etc/switchboard/desktop.toml").is_file() and (root / "etc/switchboard/pc-001.key_secret").is_file()

    # The installed edge.
    edge = _Proc([edge_bin, "edge"], env, tmp_path, "edge")
    procs.append(edge)
    ready = _wait_for_text(edge.stdout_path, READY_MARKER + r" router=(\S+) pub=(\S+) webchat=(\S+)", edge, 60)
    router, webchat = ready.group(1), ready.group(3)
    for toml in (root / "etc/switchboard/desktop.toml", issued / "sup-pc" / "desktop.toml"):
        toml.write_text(toml.read_text().replace("tcp://127.0.0.1:7700", router))

    # The installed desktop, offscreen, provisioned by /etc/switchboard/desktop.toml (no --config).
    denv = {k: v for k, v in os.environ.items() if not k.startswith(("SWITCHBOARD", "QT_"))}
    denv.update(SWITCHBOARD_DESKTOP_CONFIG=str(root / "etc/switchboard/desktop.toml"), SB_TEST_PW=PASSWORD,
                LANG="C.UTF-8")
    profile = tmp_path / "profile"
    desk = _Proc([desk_bin, "desktop", "--offscreen", "--username", "alice", "--password-env", "SB_TEST_PW",
                  "--auto-ready", "--profile-dir", str(profile), "--quit-after", "120"], denv, tmp_path, "desktop")
    procs.append(desk)
    log = profile / "logs" / "desktop.log"
    _wait_for_text(log, r"logged in as alice", desk, 60)
    _wait_for_text(log, r"own state: ready", desk, 30)
    # A web chat through the published demo flow reaches the installed desktop.
    task_id = asyncio.run(_web_chat_through_the_flow(webchat))
    _wait_for_text(log, rf"offer \d+: task {re.escape(task_id)} from queue billing.zh", desk, 30)
    assert desk.stop() == 0
    assert desk.stdout() == "" and desk.stderr() == "", desk.stderr()  # any unexpected output fails
    # The designer is in the same bundle (menu entry above): its role answers.
    assert "designer" in _run([desk_bin, "designer", "--help"], denv)
    assert "client config " + str(root / "etc/switchboard/desktop.toml") in log.read_text()
    assert edge.stop() == 0
    # The edge logs to stderr by design (journald under systemd): nothing but INFO lines may be there.
    unexpected = [ln for ln in edge.stderr().splitlines() if not _EDGE_INFO_LINE.match(ln)]
    assert unexpected == [], edge.stderr()

    # doctor from the installed bundle: keys, ports, the store (opened through the frozen store process).
    doc = subprocess.run([edge_bin, "doctor", "--sip-port", "0"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert doc.returncode == 0 and doc.stderr == "", doc.stdout + doc.stderr
    assert "opened and migrated" in doc.stdout and "2 desktop(s) admitted" in doc.stdout

    # Upgrade (same version reinstalled): config edits, keys and data kept.
    cfg = root / "etc/switchboard/edge.toml"
    cfg.write_text(cfg.read_text().replace('site_name = "Switchboard"', 'site_name = "Shanghai"'))
    _dpkg(root, "-i", str(edge_deb), str(desk_deb))
    assert 'site_name = "Shanghai"' in cfg.read_text()
    assert secret.read_bytes() == first_secret
    assert _run([edge_bin, "keys", "list"], env).split() == ["pc-001", "sup-pc"]
    assert "alice" in _run([edge_bin, "admin", "users"], env)  # the store survived and opens

    # Remove keeps data and config; purge deletes them.
    _dpkg(root, "-r", "switchboard-edge", "switchboard")
    assert not (root / EDGE_BIN).exists() and not (root / DESKTOP_BIN).exists()
    assert secret.read_bytes() == first_secret and (data / "store").is_dir() and cfg.is_file()
    assert (root / "etc/switchboard/desktop.toml").is_file()
    _dpkg(root, "-P", "switchboard-edge", "switchboard")
    assert not data.exists() and not cfg.exists() and not (root / "etc/switchboard").exists()
    assert _status(root, "switchboard-edge") in ("", "pn", "un")
