#!/usr/bin/env python3
"""Switchboard: one entry point for every role.

  python main.py edge      the on-premises edge server
  python main.py desktop   the agent desktop (and supervisor views)
  python main.py designer  the designer: forms and flows (supervisors and admins)
  python main.py demo      first-run demo: edge + desktop on this machine
  python main.py keys      CURVE keys for the edge and its desktops
  python main.py admin     site import and user administration
  python main.py doctor    check an edge installation and say what to fix
  python main.py relay     the cloud relay: platform pushes in, handed to the edge over CURVE
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _desktop_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="desktop.toml issued by `main.py keys issue`")
    p.add_argument("--offscreen", action="store_true", help="no window system: render offscreen (tests, CI)")
    p.add_argument("--language", help="UI language, e.g. zh_CN or en (default: system locale)")
    p.add_argument("--username", help="pre-fill (or, with --password-env, log in as) this user")
    p.add_argument("--password-env", help="name of an environment variable holding the password: log in unattended")
    p.add_argument("--auto-ready", action="store_true", help="go Ready right after logging in")
    p.add_argument("--quit-after", type=float, metavar="SECONDS", help="quit after this many seconds")
    p.add_argument("--profile-dir", type=Path, help="settings and logs here instead of the user profile")


def _desktop_options(args: argparse.Namespace, config: Path | None = None):  # noqa: ANN202
    from desktop.app import DesktopOptions

    return DesktopOptions(
        config_path=config or args.config,
        offscreen=args.offscreen,
        language=args.language,
        username=args.username,
        password_env=args.password_env,
        auto_ready=args.auto_ready,
        quit_after_s=args.quit_after,
        profile_dir=args.profile_dir,
    )


def _display_problem(offscreen: bool) -> str | None:
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    from desktop.display import display_problem

    return display_problem()


def run_desktop(args: argparse.Namespace) -> int:
    from desktop.client_config import find_client_config  # IT's /etc/switchboard/desktop.toml when no --config
    args.config = find_client_config(args.config)
    problem = _display_problem(args.offscreen)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from desktop.app import run

    return run(_desktop_options(args))


def run_designer(args: argparse.Namespace) -> int:
    from desktop.client_config import find_client_config  # the desktop's desktop.toml: same edge, same keys
    args.config = find_client_config(args.config)
    problem = _display_problem(args.offscreen)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from designer.app import run
    from designer.options import DesignerOptions

    return run(DesignerOptions(
        config_path=args.config,
        offscreen=args.offscreen,
        language=args.language,
        username=args.username,
        password_env=args.password_env,
        quit_after_s=args.quit_after,
        profile_dir=args.profile_dir,
    ))


def run_demo(args: argparse.Namespace) -> int:
    from edge_server.cli.demo import prepare
    from edge_server.paths import default_data_dir

    problem = None if args.no_desktop else _display_problem(args.offscreen)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    data_dir = args.data_dir or default_data_dir()
    address = f"tcp://127.0.0.1:{args.port}"
    cfg = prepare(data_dir, address)
    env = dict(os.environ,
               SWITCHBOARD__EDGE__DATA_DIR=str(data_dir),
               SWITCHBOARD__BUS__ROUTER_ENDPOINT=address,
               SWITCHBOARD__BUS__PUB_ENDPOINT=f"tcp://127.0.0.1:{args.port + 1}")
    # A frozen bundle is its own interpreter + entry point; from source, run this file.
    cmd = [sys.executable, "edge"] if getattr(sys, "frozen", False) else [sys.executable, str(ROOT / "main.py"), "edge"]
    edge = subprocess.Popen(cmd, env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        from edge_server.app import READY_MARKER

        deadline = time.monotonic() + 30
        assert edge.stdout is not None
        line = ""
        while time.monotonic() < deadline:
            line = edge.stdout.readline()
            if not line or READY_MARKER in line:
                break
        if READY_MARKER not in line:
            print("the edge did not start; see its log above", file=sys.stderr)
            return 1
        print(f"edge running ({address}); data in {data_dir}")
        from edge_server.cli.demo import start_simulator, webchat_url

        chat_url = webchat_url(line)
        if chat_url:
            print(f"Web chat test page: {chat_url}/widget/test.html", flush=True)
            if args.simulate:
                start_simulator(chat_url, args.simulate, data_dir)
        elif args.simulate:
            print("this edge serves no web chat (no webchat= in its ready line): --simulate ignored",
                  file=sys.stderr)
        print("demo users: alice, bob, li.wei, zhang.min (agents), sup (supervisor), admin — "
              "password: switchboard")
        if args.no_desktop:
            print("press Ctrl+C to stop")
            try:
                edge.wait()
            except KeyboardInterrupt:
                pass
            return 0
        from desktop.app import run

        opts = _desktop_options(args, config=cfg)
        return run(opts)
    finally:
        edge.terminate()
        try:
            edge.wait(timeout=10)
        except subprocess.TimeoutExpired:
            edge.kill()


def build_parser() -> argparse.ArgumentParser:
    from edge_server.cli import admin, edge, keys
    from edge_server.cli import doctor

    parser = argparse.ArgumentParser(
        prog="main.py", description="Switchboard omnichannel contact center",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__,
    )
    sub = parser.add_subparsers(dest="role", required=True, metavar="ROLE")
    edge.add_parser(sub)
    d = sub.add_parser("desktop", help="the agent desktop")
    _desktop_args(d)
    d.set_defaults(func=run_desktop)
    g = sub.add_parser("designer", help="the designer: build, simulate and publish forms and flows")
    g.add_argument("--config", type=Path, help="desktop.toml issued by `main.py keys issue`")
    g.add_argument("--offscreen", action="store_true", help="no window system: render offscreen (tests, CI)")
    g.add_argument("--language", help="UI language, e.g. zh_CN or en (default: system locale)")
    g.add_argument("--username", help="pre-fill (or, with --password-env, log in as) this user")
    g.add_argument("--password-env", help="name of an environment variable holding the password: log in unattended")
    g.add_argument("--quit-after", type=float, metavar="SECONDS", help="quit after this many seconds")
    g.add_argument("--profile-dir", type=Path, help="settings and logs here instead of the user profile")
    g.set_defaults(func=run_designer)
    demo = sub.add_parser("demo", help="set up a demo site on this machine and run edge + desktop")
    _desktop_args(demo)
    demo.add_argument("--data-dir", type=Path, help="edge data directory (default: per-user data dir)")
    demo.add_argument("--port", type=int, default=7700, help="edge port (PUB uses the next one)")
    demo.add_argument("--no-desktop", action="store_true", help="only prepare and run the edge")
    demo.add_argument("--simulate", type=int, default=0, metavar="N",
                      help="N simulated web chat visitors (Chinese and English) chatting with the agents")
    demo.set_defaults(func=run_demo)
    keys.add_parser(sub)
    admin.add_parser(sub)
    doctor.add_parser(sub)
    from edge_server.relay import cli as relay_cli

    relay_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["store-process"]:
        # Internal: the edge's DuckDB child process (a frozen bundle cannot run `python -m`).
        from edge_server.store import db_process

        return db_process.main(argv[1:])
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
