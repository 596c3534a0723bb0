"""`switchboard-edge doctor` (`main.py doctor`): check an edge installation and say what to fix.

Checks, in order: configuration, data directory, keys, ports, store, sound devices, SIP.
Read-only except for opening an existing store (which is what the edge does at start,
migrations included). Exit code 0 when nothing failed, 1 otherwise.
"""
from __future__ import annotations

import argparse
import asyncio
import enum
import errno
import os
import secrets
import shutil
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from edge_server.config import ConfigError, EdgeConfig, load_config
from edge_server.site_paths import SitePaths

#: The voice gateway does not exist yet; this is the port it will listen on by default.
DEFAULT_SIP_PORT = 5060
#: Below this much free space the journal may fill the disk within a busy day.
MIN_FREE_BYTES = 1 << 30
SIP_TIMEOUT_S = 2.0


class Status(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's result; ``fix`` tells IT what to do about a warning or failure."""

    check: str
    status: Status
    detail: str
    fix: str = ""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("doctor", help="check ports, keys, store, sound devices and SIP; say what to fix")
    p.add_argument("--config", type=Path, help="edge.toml (default: $XDG_CONFIG_HOME/switchboard/edge.toml)")
    p.add_argument("--data-dir", type=Path, help="override edge.data_dir")
    p.add_argument("--sip-target", metavar="HOST:PORT",
                   help="a SIP trunk or PBX to probe with an OPTIONS request over UDP")
    p.add_argument("--sip-port", type=int, default=DEFAULT_SIP_PORT,
                   help=f"the voice gateway's local SIP port (default {DEFAULT_SIP_PORT})")
    p.set_defaults(func=run)


# --- checks --------------------------------------------------------------------------------------


def check_data_dir(paths: SitePaths) -> Finding:
    root = paths.root
    if not root.exists():
        return Finding("data directory", Status.FAIL, f"{root} does not exist",
                       "create it: `switchboard-edge keys init` (as the edge's user)")
    if not os.access(root, os.W_OK | os.X_OK):
        return Finding("data directory", Status.FAIL, f"{root} is not writable by uid {os.getuid()}",
                       f"run as the edge's user, or chown it: `chown -R switchboard: {root}`")
    free = shutil.disk_usage(root).free
    if free < MIN_FREE_BYTES:
        return Finding("data directory", Status.WARN, f"{root}: only {free >> 20} MB free",
                       "free disk space: the store journal grows with every event")
    return Finding("data directory", Status.OK, f"{root} ({free >> 30} GB free)")


def check_keys(paths: SitePaths, curve: bool) -> list[Finding]:
    from edge_server.bus import keys as bus_keys

    if not curve:
        return [Finding("keys", Status.WARN, "bus.curve = false: desktop traffic is not encrypted",
                        "set [bus] curve = true in edge.toml")]
    if not paths.server_secret.exists():
        return [Finding("keys", Status.FAIL, f"no edge key pair in {paths.keys_dir}",
                        "create it: `switchboard-edge keys init`")]
    try:
        bus_keys.load_keypair(paths.server_secret)
    except Exception as e:  # noqa: BLE001 - any failure to load is the finding itself
        return [Finding("keys", Status.FAIL, f"{paths.server_secret} cannot be loaded: {e}",
                        "restore the key pair from backup; a new pair means re-issuing every desktop")]
    found = [Finding("keys", Status.OK, f"edge key pair in {paths.keys_dir}")]
    clients = sorted(paths.clients_dir.glob("*.key")) if paths.clients_dir.is_dir() else []
    if clients:
        found.append(Finding("desktop keys", Status.OK, f"{len(clients)} desktop(s) admitted"))
    else:
        found.append(Finding("desktop keys", Status.WARN, "no desktop is admitted yet",
                             "issue one per agent PC: `switchboard-edge keys issue pc-001 --edge tcp://HOST:7700`"))
    return found


def _tcp_host_port(endpoint: str) -> tuple[str, int] | None:
    if not endpoint.startswith("tcp://"):
        return None
    host, _, port = endpoint[len("tcp://"):].rpartition(":")
    if not port.isdigit():
        return None
    host = host.strip("[]")
    return ("0.0.0.0" if host in ("*", "") else host), int(port)


def check_port(label: str, endpoint: str) -> tuple[Finding, bool]:
    """Can the edge bind ``endpoint``? Returns the finding and whether something already listens there."""
    hp = _tcp_host_port(endpoint)
    if hp is None:
        return Finding(label, Status.OK, f"{endpoint} (not a TCP endpoint; not checked)"), False
    host, port = hp
    if port == 0:
        return Finding(label, Status.OK, f"{endpoint}: a random port is chosen at start"), False
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as libzmq does
            s.bind((host, port))
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            return Finding(label, Status.WARN, f"{endpoint} is in use",
                           "if the edge is running that is expected (`systemctl status switchboard-edge`); "
                           "otherwise another program holds the port: change bus endpoints in edge.toml"), True
        if e.errno == errno.EADDRNOTAVAIL:
            return Finding(label, Status.FAIL, f"{endpoint}: {host} is not an address of this machine",
                           "use 0.0.0.0 or one of this machine's addresses in edge.toml"), False
        if e.errno == errno.EACCES:
            return Finding(label, Status.FAIL, f"{endpoint}: permission denied",
                           "use a port above 1023"), False
        return Finding(label, Status.FAIL, f"{endpoint}: {e.strerror}", "check the [bus] endpoints"), False
    return Finding(label, Status.OK, f"{endpoint} is free"), False


async def _open_store(store_dir: Path) -> None:
    from edge_server.store import Store
    from edge_server.work import projections as _work  # noqa: F401 - every event kind needs its projection

    store = await Store.open(store_dir, fsync=False, readers=1)
    await store.close()


def check_store(paths: SitePaths, edge_running: bool) -> Finding:
    from edge_server.store import StoreError

    store_dir = paths.store_dir
    if edge_running:
        return Finding("store", Status.OK, f"{store_dir}: in use by the running edge (not opened)")
    if not store_dir.exists():
        return Finding("store", Status.OK, f"{store_dir}: none yet; the edge creates it on first start")
    t0 = time.monotonic()
    try:
        asyncio.run(_open_store(store_dir))
    except StoreError as e:
        return Finding("store", Status.FAIL, f"{store_dir}: {e}",
                       "if another edge runs on this data directory stop it; otherwise keep the folder "
                       "and send the edge log to support")
    except Exception as e:  # noqa: BLE001 - a doctor reports every failure instead of dying on it
        return Finding("store", Status.FAIL, f"{store_dir}: unexpected {type(e).__name__}: {e}",
                       "this is a bug or a broken install: keep the folder and send this output to support")
    return Finding("store", Status.OK, f"{store_dir}: opened and migrated in {time.monotonic() - t0:.1f} s")


def check_sound() -> Finding:
    """The edge itself needs no sound device (pjsua2 uses its null device); report what is there."""
    try:
        import sounddevice
    except OSError as e:  # the PortAudio library is missing
        return Finding("sound devices", Status.OK, f"PortAudio not available ({e}); the edge does not need it",
                       "only agent PCs need sound: install libportaudio2 there")
    try:
        devices = sounddevice.query_devices()
    except sounddevice.PortAudioError as e:
        return Finding("sound devices", Status.OK, f"PortAudio error: {e}; the edge does not need sound")
    count = len(devices)  # type: ignore[arg-type]
    if count == 0:
        return Finding("sound devices", Status.OK,
                       "none (normal on a server: the voice gateway mixes audio without a sound card)")
    return Finding("sound devices", Status.OK, f"{count} device(s)")


def sip_options_request(target: tuple[str, int], local: tuple[str, int]) -> bytes:
    branch = "z9hG4bK" + secrets.token_hex(8)
    tag = secrets.token_hex(4)
    host, port = target
    return (
        f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {local[0]}:{local[1]};branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:doctor@{local[0]}>;tag={tag}\r\n"
        f"To: <sip:{host}:{port}>\r\n"
        f"Call-ID: {secrets.token_hex(12)}@switchboard-doctor\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Accept: application/sdp\r\n"
        "User-Agent: switchboard-edge-doctor\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode("ascii")


def check_sip(sip_port: int, target: str | None, timeout_s: float = SIP_TIMEOUT_S) -> list[Finding]:
    found: list[Finding] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("0.0.0.0", sip_port))
        found.append(Finding("SIP port", Status.OK, f"UDP {sip_port} is free for the voice gateway"))
    except OSError as e:
        found.append(Finding("SIP port", Status.WARN, f"UDP {sip_port}: {e.strerror}",
                             "another SIP program (a PBX?) holds it: stop it or give the gateway another port"))
    if not target:
        found.append(Finding("SIP trunk", Status.OK,
                             "no SIP trunk configured (the voice gateway is not part of this release)"))
        return found
    host, _, port_text = target.rpartition(":")
    if not host or not port_text.isdigit():
        found.append(Finding("SIP trunk", Status.FAIL, f"--sip-target {target!r}", "expected HOST:PORT"))
        return found
    addr = (host, int(port_text))
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout_s)
            s.connect(addr)
            s.send(sip_options_request(addr, s.getsockname()))
            reply = s.recv(65535)
    except TimeoutError:
        found.append(Finding("SIP trunk", Status.FAIL, f"{target}: no answer to OPTIONS within {timeout_s:.0f} s",
                             "check the address, the trunk's allow-list and any firewall for UDP"))
        return found
    except OSError as e:
        found.append(Finding("SIP trunk", Status.FAIL, f"{target}: {e.strerror or e}",
                             "check the address and that the trunk listens on UDP"))
        return found
    status_line = reply.split(b"\r\n", 1)[0].decode("ascii", "replace")
    if status_line.startswith("SIP/2.0 "):
        found.append(Finding("SIP trunk", Status.OK, f"{target} answered: {status_line}"))
    else:
        found.append(Finding("SIP trunk", Status.FAIL, f"{target} answered something that is not SIP",
                             "check the port"))
    return found


def run_checks(cfg: EdgeConfig, *, sip_port: int = DEFAULT_SIP_PORT, sip_target: str | None = None) -> list[Finding]:
    """Every check against ``cfg``; the configuration itself was already loaded."""
    paths = SitePaths(cfg.data_path)
    found = [check_data_dir(paths)]
    found += check_keys(paths, cfg.bus.curve)
    router, router_busy = check_port("router port", cfg.bus.router_endpoint)
    pub, pub_busy = check_port("pub port", cfg.bus.pub_endpoint)
    found += [router, pub]
    if paths.root.exists():
        found.append(check_store(paths, edge_running=router_busy or pub_busy))
    found.append(check_sound())
    found += check_sip(sip_port, sip_target)
    return found


def format_finding(f: Finding) -> str:
    line = f"[{f.status.value:>4}] {f.check}: {f.detail}"
    if f.fix and f.status is not Status.OK:
        line += f"\n       fix: {f.fix}"
    elif f.fix:
        line += f" ({f.fix})"
    return line


def run(args: argparse.Namespace) -> int:
    from edge_server.paths import default_config_dir

    path = args.config or default_config_dir() / "edge.toml"
    env = dict(os.environ)
    if args.data_dir:
        env["SWITCHBOARD__EDGE__DATA_DIR"] = str(args.data_dir)
    try:
        cfg = load_config(path, env)
    except ConfigError as e:
        print(format_finding(Finding("configuration", Status.FAIL, str(e), "fix the key named above")))
        return 1
    source = str(path) if path.exists() else f"defaults ({path} does not exist)"
    findings = [Finding("configuration", Status.OK, source)]
    findings += run_checks(cfg, sip_port=args.sip_port, sip_target=args.sip_target)
    for f in findings:
        print(format_finding(f))
    failed = sum(f.status is Status.FAIL for f in findings)
    warned = sum(f.status is Status.WARN for f in findings)
    print(f"{failed} problem(s), {warned} warning(s)" if failed or warned else "all checks passed")
    sys.stdout.flush()
    return 1 if failed else 0
