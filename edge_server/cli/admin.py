"""`main.py admin`: set up a site and manage users.

Offline (edge stopped): opens the store directly and runs the same admin code the
edge runs. Online (`--edge`): logs in as an admin over the normal, encrypted protocol.
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from edge_server.contract import messages as m
from edge_server.contract.errors import SwitchboardError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="edge data directory (offline mode)")
    common.add_argument("--edge-config", type=Path, default=argparse.SUPPRESS,
                        help="edge.toml (offline mode: for the data dir)")
    common.add_argument("--client-config", type=Path, default=argparse.SUPPRESS,
                        help="online mode: a desktop.toml issued by `keys issue` (edge address and keys)")
    common.add_argument("--user", default=argparse.SUPPRESS, help="online mode: admin user name")
    p = sub.add_parser("admin", help="site set-up and user administration", parents=[common])
    a = p.add_subparsers(dest="admin_cmd", required=True)
    imp = a.add_parser("import", help="create/update users, skills, queues, reason codes from a site TOML",
                       parents=[common])
    imp.add_argument("site_file", type=Path)
    a.add_parser("users", help="list users", parents=[common])
    add = a.add_parser("add-user", help="add a user (password from $SB_NEW_PASSWORD or a prompt)",
                       parents=[common])
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--role", choices=[r.value for r in m.Role], default="agent")
    add.add_argument("--team", default="")
    add.add_argument("--skill", action="append", default=[], metavar="SKILL=LEVEL")
    for name, text in (("disable", "disable a user (logs them out)"), ("enable", "enable a user")):
        sp = a.add_parser(name, help=text, parents=[common])
        sp.add_argument("username")
    pw = a.add_parser("passwd", help="set a user's password ($SB_NEW_PASSWORD or a prompt)", parents=[common])
    pw.add_argument("username")
    des = a.add_parser("import-design", parents=[common],
                       help="publish form/flow documents (JSON, as the designer saves them) into a stopped edge")
    des.add_argument("files", type=Path, nargs="+")
    des.add_argument("--bind", action="append", default=[], metavar="KIND:KEY=DESIGN_ID",
                     help="also bind, e.g. webchat:default=demo-webchat-flow or queue_form:billing.zh=FORM_ID")
    des.add_argument("--message", default="imported", help="the revision message")
    p.set_defaults(func=run)


def _bindings(specs: Sequence[str]) -> list[tuple[str, str, str]]:
    from edge_server.flows.seed import SeedError, parse_binding

    out = []
    for spec in specs:
        entry, sep, design_id = spec.rpartition("=")
        if not sep or not design_id:
            raise SeedError(f"--bind {spec!r}: use KIND:KEY=DESIGN_ID")
        out.append((*parse_binding(entry), design_id))
    return out


async def import_designs(data_dir: Path, files: Sequence[Path], bind: Sequence[str], message: str, *,
                         only_if_empty: bool = False) -> list[str]:
    """Validate and publish design documents into a stopped edge's store; lines to print.

    ``only_if_empty``: do nothing when the site has any design already (the demo's first run)."""
    from edge_server.agents.service import wall_ms
    from edge_server.flows import flow_reads
    from edge_server.flows.seed import load_document, seed_designs
    from edge_server.site_paths import SitePaths
    from edge_server.store import Store

    docs = [load_document(f) for f in files]
    bindings = _bindings(bind)
    async with await Store.open(SitePaths(data_dir).store_dir) as store:
        if only_if_empty and await store.read(flow_reads.design_count):
            return []
        done = await seed_designs(store, docs, bindings, by="admin-cli", message=message, now_ms=wall_ms())
    lines = [f"{d.design_id} ({d.name}): " + (f"revision {d.revision} is live" if d.revision else "unchanged")
             for d in done]
    lines += [f"bound {k}:{key} -> {d}" for k, key, d in bindings]
    return lines


def _new_password() -> str:
    pw = os.environ.get("SB_NEW_PASSWORD")
    if pw:
        return pw
    if not sys.stdin.isatty():
        raise SystemExit("set SB_NEW_PASSWORD or run in a terminal to type the password")
    first = getpass.getpass("new password: ")
    if first != getpass.getpass("again: "):
        raise SystemExit("passwords differ")
    return first


def _request_for(args: argparse.Namespace) -> m.Message:
    match args.admin_cmd:
        case "import":
            try:
                text = args.site_file.read_text(encoding="utf-8")
            except OSError as e:
                raise SystemExit(f"cannot read {args.site_file}: {e.strerror}") from e
            return m.ImportSite(toml_text=text)
        case "users":
            return m.ListUsers()
        case "add-user":
            skills: dict[str, int] = {}
            for item in args.skill:
                name, _, level = item.partition("=")
                if not level.isdigit():
                    raise SystemExit(f"--skill {item!r}: expected SKILL=LEVEL with LEVEL 1..5")
                skills[name] = int(level)
            return m.AddUser(username=args.username, display_name=args.name, role=m.Role(args.role),
                             password=_new_password(), team=args.team, skills=skills)
        case "disable" | "enable":
            return m.SetUserDisabled(username=args.username, disabled=args.admin_cmd == "disable")
        case "passwd":
            return m.SetPassword(username=args.username, password=_new_password())
    raise AssertionError(args.admin_cmd)


def _print_reply(reply: m.Message) -> None:
    match reply:
        case m.UserList(users=users):
            for u in users:
                skills = ",".join(f"{k}={v}" for k, v in sorted(u.skills.items()))
                flag = " (disabled)" if u.disabled else ""
                print(f"{u.username:<16} {u.role.value:<10} {u.team:<8} {u.display_name}{flag}  {skills}")
        case m.ImportResult():
            print(f"imported {reply.users} users, {reply.skills} skills, {reply.queues} queues, "
                  f"{reply.reason_codes} reason codes, {reply.canned} canned responses")
            for w in reply.warnings:
                print(f"warning: {w}")
        case m.UserInfo():
            print(f"{reply.username}: {reply.role.value}{' (disabled)' if reply.disabled else ''}")
        case _:
            print("ok")


async def run_offline(data_dir: Path, requests: Sequence[m.Message], min_password_length: int = 8) -> list[m.Message]:
    """Run admin requests directly against a stopped edge's store."""
    from edge_server.agents.admin import AdminOps
    from edge_server.agents.loading import load_directory
    from edge_server.agents.service import wall_ms
    from edge_server.site_paths import SitePaths
    from edge_server.store import Store
    from edge_server.work import projections as _work  # noqa: F401 - every event kind needs its projection

    async with await Store.open(SitePaths(data_dir).store_dir) as store:
        directory = await load_directory(store)

        async def commit(events: Sequence) -> None:  # type: ignore[type-arg]
            directory.apply_all(events)
            await store.append(events)

        ops = AdminOps(directory, commit, wall_ms, min_password_length)
        handlers = {
            m.ImportSite: ops.import_site,
            m.ListUsers: ops.list_users,
            m.AddUser: ops.add_user,
            m.SetUserDisabled: ops.set_user_disabled,
            m.SetPassword: ops.set_password,
        }
        return [await handlers[type(r)](r) for r in requests]  # type: ignore[operator]


async def _run_online(args: argparse.Namespace, req: m.Message) -> m.Message:
    from edge_server.bus.client import EdgeClient
    from edge_server.bus.client_config import ClientConfigError, load_client_config

    try:
        cfg = load_client_config(args.client_config)
    except ClientConfigError as e:
        raise SystemExit(str(e)) from e
    password = os.environ.get("SB_PASSWORD") or getpass.getpass(f"password for {args.user}: ")
    async with EdgeClient(cfg.edge, server_key=cfg.server_key, client_keys=cfg.client_keys,
                          client_id=f"admin-cli-{os.getpid()}", request_timeout_s=15) as client:
        await client.login(args.user, password)
        try:
            return await client.request(req)
        finally:
            await client.logout()


def run(args: argparse.Namespace) -> int:
    from edge_server.config import ConfigError, load_config
    from edge_server.store import StoreError

    for name in ("data_dir", "edge_config", "client_config", "user"):
        if not hasattr(args, name):
            setattr(args, name, None)
    if args.admin_cmd == "import-design":
        return _run_import_design(args)
    req = _request_for(args)
    try:
        if args.client_config:
            if not args.user:
                raise SystemExit("online mode needs --user (an admin)")
            reply = asyncio.run(_run_online(args, req))
        else:
            cfg = load_config(args.edge_config)
            data_dir = args.data_dir or cfg.data_path
            reply = asyncio.run(run_offline(data_dir, [req], cfg.auth.min_password_length))[0]
    except SwitchboardError as e:
        print(f"error ({e.code.value}): {e.message}", file=sys.stderr)
        return 1
    except (StoreError, ConfigError) as e:
        print(f"error: {e}\n(if the edge is running, stop it or use --client-config/--user to go through it)",
              file=sys.stderr)
        return 1
    _print_reply(reply)
    return 0


def _run_import_design(args: argparse.Namespace) -> int:
    from edge_server.config import ConfigError, load_config
    from edge_server.flows.seed import SeedError
    from edge_server.store import StoreError

    if args.client_config:
        print("import-design works on a stopped edge (offline); online, publish from `main.py designer`",
              file=sys.stderr)
        return 2
    try:
        cfg = load_config(args.edge_config)
        for line in asyncio.run(import_designs(args.data_dir or cfg.data_path, args.files, args.bind, args.message)):
            print(line)
    except SeedError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (StoreError, ConfigError) as e:
        print(f"error: {e}\n(stop the edge first)", file=sys.stderr)
        return 1
    return 0
