#!/usr/bin/env python3
"""Build the Debian packages `switchboard` and `switchboard-edge` from the PyInstaller bundles in dist/.

Usage: build_debs.py [--dist dist] [--out dist] [--desktop-depends "pkg pkg ..."] [--compress xz|gzip]
The desktop's Depends come from the Makefile's Debian package lists (one list for `make setup`
and for the package), so a runtime library added there reaches the package too.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PREFIX = Path("opt/switchboard")
#: Packages the setup list carries for development only (a virtual X server for tests).
DEV_ONLY = {"xvfb", "xauth"}
#: Any CJK font works; wqy-microhei is the smallest.
FONT_ALTERNATIVES = {"fonts-wqy-microhei": "fonts-wqy-microhei | fonts-noto-cjk"}
EDGE_DEPENDS = ["libc6"]


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True,
                          text=True).stdout.strip()


def desktop_depends(listed: str) -> list[str]:
    out: list[str] = []
    for name in listed.split():
        if name not in DEV_ONLY:
            out.append(FONT_ALTERNATIVES.get(name, name))
    return out


def _copy_bundle(src: Path, stage: Path, name: str) -> None:
    if not (src / name).is_file():
        raise SystemExit(f"no bundle {src}: run the PyInstaller build first (`make package`)")
    dst = stage / PREFIX / name
    shutil.copytree(src, dst, symlinks=True)


def _install(src: Path, dst: Path, mode: int = 0o644) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, mode)


def _symlink(target: str, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def _size_kib(stage: Path) -> int:
    total = 0
    for p in stage.rglob("*"):
        if p.is_file() and not p.is_symlink() and "DEBIAN" not in p.relative_to(stage).parts[:1]:
            total += p.stat().st_size
    return total // 1024 + 1


def _control(stage: Path, template: Path, depends: list[str], scripts: list[str], conffiles: list[str]) -> None:
    deb = stage / "DEBIAN"
    deb.mkdir()
    text = (template.read_text("utf-8").replace("@VERSION@", version()).replace("@ARCH@", arch())
            .replace("@SIZE@", str(_size_kib(stage))).replace("@DEPENDS@", ", ".join(depends)))
    (deb / "control").write_text(text, "utf-8")
    for s in scripts:
        _install(template.parent / s, deb / s, 0o755)
    if conffiles:
        (deb / "conffiles").write_text("".join(f"{c}\n" for c in conffiles), "utf-8")


def _pack(stage: Path, out: Path, compress: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{stage.name}_{version()}_{arch()}.deb"
    # --root-owner-group: files owned by root in the package whoever builds it (no fakeroot needed).
    subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{compress}", "--build", str(stage), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    return deb


def stage_desktop(dist: Path, work: Path, depends: list[str]) -> Path:
    d = HERE / "switchboard"
    stage = work / "switchboard"
    _copy_bundle(dist / "switchboard", stage, "switchboard")
    _symlink(f"/{PREFIX}/switchboard/switchboard", stage / "usr/bin/switchboard")
    _install(d / "switchboard-provision.sh", stage / "usr/sbin/switchboard-provision", 0o755)
    for entry in ("org.switchboard.Desktop.desktop", "org.switchboard.Designer.desktop"):
        _install(d / entry, stage / "usr/share/applications" / entry)
    icons = stage / "usr/share/icons/hicolor/scalable/apps"
    _install(ROOT / "resources/icons/app.svg", icons / "switchboard.svg")
    _install(ROOT / "resources/icons/app.svg", icons / "switchboard-designer.svg")
    _install(ROOT / "docs/packaging.md", stage / "usr/share/doc/switchboard/packaging.md")
    (stage / "etc/switchboard").mkdir(parents=True)
    _control(stage, d / "control.in", depends, ["postinst", "postrm"], [])
    return stage


def stage_edge(dist: Path, work: Path) -> Path:
    d = HERE / "switchboard-edge"
    stage = work / "switchboard-edge"
    _copy_bundle(dist / "switchboard-edge", stage, "switchboard-edge")
    _install(d / "switchboard-edge.sh", stage / "usr/bin/switchboard-edge", 0o755)
    _install(d / "edge.toml", stage / "etc/switchboard/edge.toml")
    _install(d / "switchboard-edge.service", stage / "lib/systemd/system/switchboard-edge.service")
    _install(ROOT / "docs/packaging.md", stage / "usr/share/doc/switchboard-edge/packaging.md")
    _control(stage, d / "control.in", EDGE_DEPENDS, ["postinst", "prerm", "postrm"],
             ["/etc/switchboard/edge.toml"])
    return stage


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the PyInstaller bundles are")
    p.add_argument("--out", type=Path, default=ROOT / "dist", help="where the .deb files go")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "deb", help="staging directory")
    p.add_argument("--desktop-depends", default="", help="Debian runtime packages of the desktop bundle")
    p.add_argument("--compress", choices=("xz", "gzip", "zstd", "none"), default="xz")
    args = p.parse_args(argv)
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    stages = [stage_desktop(args.dist, args.work, desktop_depends(args.desktop_depends)),
              stage_edge(args.dist, args.work)]
    for stage in stages:
        deb = _pack(stage, args.out, args.compress)
        print(f"{deb} {deb.stat().st_size / 1e6:.1f} MB (installed {_size_kib(stage) / 1024:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
