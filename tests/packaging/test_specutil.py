"""What the spec files bundle is derived from the tree: check the derivation, not a list."""
from __future__ import annotations

from pathlib import Path

import specutil as su  # type: ignore[import-not-found]


def test_project_modules_reach_nested_packages_without_importing(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub" / "deeper").mkdir(parents=True)
    (pkg / "notapkg").mkdir()
    for f in ("__init__.py", "a.py", "sub/__init__.py", "sub/b.py", "sub/deeper/__init__.py",
              "sub/deeper/c.py", "notapkg/d.py"):
        (pkg / f).write_text("raise RuntimeError('imported')\n")  # importing any of them would fail
    assert su.project_modules(["pkg"], root=tmp_path) == [
        "pkg", "pkg.a", "pkg.sub", "pkg.sub.b", "pkg.sub.deeper", "pkg.sub.deeper.c",
    ]


def test_real_tree_includes_modules_loaded_by_name() -> None:
    mods = su.project_modules(su.EDGE_PACKAGES)
    # The store process imports projection modules by name; the desktop bundle needs the GUI packages.
    assert {"edge_server.store.projections", "edge_server.store.db_process", "edge_server.work.projections",
            "edge_server.cli.doctor"} <= set(mods)
    assert not any(m.startswith(("desktop", "softphone", "designer")) for m in mods)
    desk = su.project_modules(su.DESKTOP_PACKAGES)
    assert "desktop.workspace.offer_toast" in desk and "desktop.supervisor.queue_board" in desk


def test_resource_datas_skip_sources_and_keep_layout() -> None:
    datas = su.resource_datas(su.DESKTOP_RESOURCES)
    names = {Path(src).name: dest for src, dest in datas}
    assert names["app.svg"] == str(Path("resources/icons"))
    assert names["switchboard_zh_CN.qm"] == str(Path("resources/i18n"))
    assert not any(n.endswith(".ts") for n in names)
    assert {Path(s).name for s, _ in su.resource_datas(su.EDGE_RESOURCES)} == {
        "site.toml", "webchat_flow.json", "billing_form.json"}  # the demo site and its designs


def test_forbidden_detection_in_toc_and_tree(tmp_path: Path) -> None:
    toc = ["edge_server.app", "PySide6.QtCore", "PySide6/Qt/lib/libQt6Core.so.6", "libQt6Gui.so.6",
           "qasync", "zmq.asyncio", "desktop.app", "desktopish"]
    assert su.forbidden_in_toc(toc) == sorted(
        ["PySide6.QtCore", "PySide6/Qt/lib/libQt6Core.so.6", "libQt6Gui.so.6", "qasync", "desktop.app"])
    (tmp_path / "_internal" / "PySide6").mkdir(parents=True)
    (tmp_path / "_internal" / "libzmq.so").write_bytes(b"")
    assert [p.name for p in su.forbidden_in_tree(tmp_path)] == ["PySide6"]


def test_the_web_widget_travels_at_its_package_path() -> None:
    # static_files.py finds the widget next to itself: the bundle must keep that relative place.
    pairs = {Path(src).name: dest for src, dest in su.project_datas()}
    assert {"embed.js", "frame.html", "frame.js", "test.html"} <= set(pairs)
    assert set(pairs.values()) == {"edge_server/channels/webchat/static"}
