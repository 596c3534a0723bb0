"""Edge-side preparation of the demo: keys, the demo site, and a desktop config pointing at it."""
from __future__ import annotations

import asyncio
from pathlib import Path

from edge_server.cli.keys import init_server_keys, issue_client
from edge_server.site_paths import SitePaths

DEMO_CLIENT = "demo-desktop"


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def prepare(data_dir: Path, edge_address: str, site_file: Path | None = None) -> Path:
    """Idempotent first-run set-up; returns the desktop.toml to start the desktop with."""
    from edge_server.cli.admin import run_offline
    from edge_server.contract import messages as m

    paths = SitePaths(data_dir)
    if init_server_keys(paths):
        print(f"created edge keys in {paths.keys_dir}")
    out = paths.issued_dir / DEMO_CLIENT
    cfg = out / "desktop.toml"
    if not cfg.exists() or not (paths.clients_dir / f"{DEMO_CLIENT}.key").exists():
        issue_client(paths, DEMO_CLIENT, edge_address, out)
    else:
        _point_at(cfg, edge_address)
    users = asyncio.run(run_offline(data_dir, [m.ListUsers()]))[0]
    assert isinstance(users, m.UserList)
    if not users.users:
        site = site_file or repo_root() / "resources" / "demo" / "site.toml"
        result = asyncio.run(run_offline(data_dir, [m.ImportSite(toml_text=site.read_text("utf-8"))]))[0]
        assert isinstance(result, m.ImportResult)
        print(f"imported the demo site: {result.users} users, {result.queues} queues")
    _seed_demo_designs(data_dir)
    return cfg


#: The demo's published designs and where they are bound (resources/demo/designs/).
DEMO_DESIGNS = ("webchat_flow.json", "billing_form.json")
DEMO_BINDINGS = ("webchat:default=demo-webchat-flow", "queue_form:billing.zh=demo-billing-form")


def _seed_demo_designs(data_dir: Path) -> None:
    """First run only (a supervisor's later edits are never overwritten): the web chat goes through the demo
    flow and billing chats pop the demo form."""
    from edge_server.cli.admin import import_designs

    folder = repo_root() / "resources" / "demo" / "designs"
    for line in asyncio.run(import_designs(data_dir, [folder / f for f in DEMO_DESIGNS], DEMO_BINDINGS,
                                           "demo", only_if_empty=True)):
        print(f"demo design {line}")


def _point_at(cfg: Path, edge_address: str) -> None:
    """Keep the issued desktop config's key, but follow ``--port`` when it changed since the first run."""
    import tomllib

    import msgspec

    from edge_server.bus.client_config import ClientConfigFile, write_client_config

    try:
        current = msgspec.convert(tomllib.loads(cfg.read_text("utf-8")), ClientConfigFile)
    except (OSError, tomllib.TOMLDecodeError, msgspec.ValidationError) as e:
        raise SystemExit(f"the demo desktop config {cfg} is unreadable ({e}); delete it to issue a new one") from e
    if current.edge != edge_address:
        write_client_config(cfg, msgspec.structs.replace(current, edge=edge_address))
        print(f"the demo desktop now connects to {edge_address}")


def webchat_url(ready_line: str) -> str:
    """The widget's base address from the edge's ready line (``... webchat=http://127.0.0.1:8480 ...``)."""
    for part in ready_line.split():
        if part.startswith("webchat="):
            return part.split("=", 1)[1]
    return ""


def start_simulator(base_url: str, count: int, data_dir: Path, identity_secret: str = "") -> None:
    """Run ``count`` simulated visitors in a daemon thread with its own loop until the process ends."""
    import threading

    from edge_server.channels.webchat.simulator import Simulator

    sim = Simulator(base_url, count, data_dir / "demo", identity_secret=identity_secret)

    def run() -> None:
        try:
            asyncio.run(sim.run())
        except Exception:  # the demo goes on without simulated visitors; say why
            import logging

            logging.getLogger("sb.webchat.sim").exception("the visitor simulator stopped")

    threading.Thread(target=run, name="webchat-simulator", daemon=True).start()
    print(f"simulating {count} web chat visitors")
