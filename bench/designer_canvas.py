"""Flow canvas bench: a 1,000-node flow in a FlowEditor offscreen (1600x1000, shown).

Measures load + layout (construct -> shown -> events processed -> first full viewport paint),
then N pans (scroll 40 px, one in ten vertically; synchronous viewport repaint) and N single-node moves (one undoable
MoveNodes of 20 px, synchronous repaint), each at 100 % zoom and zoomed out to fit the whole flow.

    python bench/designer_canvas.py [--nodes 1000] [--n 100] [--quick]
    python bench/designer_canvas.py --viewport-update minimal|smart|full --index bsp|none   (the measurements
                                    behind the defaults in designer/flow/view.py and scene.py)

Last line: load_ms=… repaint_p50_ms=… repaint_p95_ms=…  (repaint = the worse of pan and move)
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from edge_server.contract.designs import FlowDoc, FlowNode, Variable  # noqa: E402
from edge_server.flows.nodetypes import NODE_TYPES  # noqa: E402

COLUMNS = 25
DX, DY = 280.0, 240.0


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def make_flow(n: int = 1000, seed: int = 6) -> FlowDoc:
    """A chain with branches using every node type; positions on a grid, rows snaking like a real flow."""
    rng = random.Random(seed)
    types = [t for t in NODE_TYPES if t != "start"]
    nodes: list[FlowNode] = []
    for i in range(n):
        type_name = "start" if i == 0 else types[(i - 1) % len(types)]
        t = NODE_TYPES[type_name]
        config = t.default_config()
        if type_name == "menu":
            config["options"] = [{"key": str(k), "label": {"zh-CN": f"选项{k}", "en": f"Option {k}"}}
                                 for k in range(1, 4)]
        probe = FlowNode(id="", type=type_name, config=config)
        row, col = divmod(i, COLUMNS)
        nodes.append(FlowNode(id=f"n{i:04d}", type=type_name, type_version=t.version, label=f"{t.label_en} {i}",
                              config=config, exits={e: None for e in t.exit_names(probe.config)},
                              ui={"x": col * DX, "y": row * DY}))
    for i, node in enumerate(nodes):
        names = list(node.exits)
        for k, e in enumerate(names):
            if k == 0 and i + 1 < n:
                node.exits[e] = nodes[i + 1].id  # the chain
            elif i + 2 + k < n and rng.random() < 0.6:
                node.exits[e] = nodes[min(n - 1, i + 2 + rng.randrange(12))].id  # branches forward
    return FlowDoc(id="bench", name="bench", entry=nodes[0].id, nodes=nodes,
                   variables=[Variable(name="attempts", type="number", default="0")])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--n", type=int, default=100, help="pans and moves each")
    ap.add_argument("--quick", action="store_true", help="200 nodes, 30 pans/moves")
    ap.add_argument("--viewport-update", choices=("minimal", "smart", "full", "bounding"), default="")
    ap.add_argument("--index", choices=("bsp", "none"), default="")
    args = ap.parse_args()
    if args.quick:
        args.nodes, args.n = 200, 30

    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView

    from designer.flow.commands import MoveNodes
    from designer.flow.editor import FlowEditor
    from designer.flow.model import node_pos

    app = QApplication.instance() or QApplication([])
    doc = make_flow(args.nodes)
    for _ in range(3):
        app.processEvents()

    t0, c0 = time.perf_counter(), time.process_time()
    editor = FlowEditor(doc)
    if args.index:
        editor.scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex if args.index == "bsp"
                                        else QGraphicsScene.ItemIndexMethod.NoIndex)
    if args.viewport_update:
        mode = {"minimal": QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate,
                "smart": QGraphicsView.ViewportUpdateMode.SmartViewportUpdate,
                "full": QGraphicsView.ViewportUpdateMode.FullViewportUpdate,
                "bounding": QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate}[args.viewport_update]
        editor.view.setViewportUpdateMode(mode)
    editor.resize(1600, 1000)
    editor.show()
    app.processEvents()
    editor.view.viewport().repaint()
    load_ms = (time.perf_counter() - t0) * 1000
    print(f"nodes={args.nodes} wires={len(editor.scene.wires)} load+layout {load_ms:.1f} ms "
          f"(cpu {(time.process_time() - c0) * 1000:.1f} ms)", flush=True)

    view = editor.view
    rng = random.Random(1)

    cpu: dict[str, list[float]] = {}

    def pans(label: str) -> list[float]:
        bar = view.horizontalScrollBar()
        vbar = view.verticalScrollBar()
        lat = []
        used = cpu.setdefault("pan " + label, [])
        steps = {bar: 40, vbar: 40}
        for k in range(args.n):
            # Every tenth pan is vertical; both directions bounce off the ends, so every pan is
            # one 40 px scroll (never a jump back to the start, which re-draws the whole view).
            b = vbar if k % 10 == 9 else bar
            if not b.minimum() <= b.value() + steps[b] <= b.maximum():
                steps[b] = -steps[b]
            t, c = time.perf_counter(), time.process_time()
            b.setValue(b.value() + steps[b])
            view.viewport().repaint()
            lat.append((time.perf_counter() - t) * 1000)
            used.append((time.process_time() - c) * 1000)
        app.processEvents()
        print(f"pan {label} x{args.n}: p50 {percentile(lat, 50):.2f} ms, p95 {percentile(lat, 95):.2f} ms, "
              f"max {max(lat):.2f} ms", flush=True)
        return lat

    def moves(label: str) -> list[float]:
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        centre = visible.center()
        # The 20 nodes nearest the middle of the view: a move the user can see, so it must repaint.
        ids = sorted(editor.scene.nodes, key=lambda nid: (
            editor.scene.nodes[nid].sceneBoundingRect().center() - centre).manhattanLength())[:20]
        lat = []
        used = cpu.setdefault("move " + label, [])
        for k in range(args.n):
            nid = rng.choice(ids)
            x, y = node_pos(editor.model.nodes[nid])
            dx = 20.0 if k % 2 == 0 else -20.0
            t, c = time.perf_counter(), time.process_time()
            editor.undo_stack.push(MoveNodes(editor.model, {nid: (x + dx, y)}))
            view.viewport().repaint()
            lat.append((time.perf_counter() - t) * 1000)
            used.append((time.process_time() - c) * 1000)
        app.processEvents()
        print(f"move {label} x{args.n}: p50 {percentile(lat, 50):.2f} ms, p95 {percentile(lat, 95):.2f} ms, "
              f"max {max(lat):.2f} ms", flush=True)
        return lat

    view.centerOn(QPointF(COLUMNS * DX / 2, 6 * DY))
    pan_100 = pans("100%")
    move_100 = moves("100%")
    view.fit_contents()
    app.processEvents()
    print(f"fit zoom {view.zoom():.3f}", flush=True)
    view.set_zoom(view.zoom() * 1.6)  # zoomed out but scrollable, so pans do move
    app.processEvents()
    pan_out = pans(f"{view.zoom():.2f}x")
    move_out = moves(f"{view.zoom():.2f}x")
    # CPU time of this process per frame: what the frame costs when the cores are shared
    # (wall time above includes waiting for a core; process_time ticks coarsely, ~1 ms).
    for label, values in cpu.items():
        print(f"cpu {label}: p50 {percentile(values, 50):.2f} ms, p95 {percentile(values, 95):.2f} ms", flush=True)
    pan = pan_100 + pan_out
    move = move_100 + move_out
    print(f"pan_p50_ms={percentile(pan, 50):.2f} pan_p95_ms={percentile(pan, 95):.2f}", flush=True)
    print(f"move_p50_ms={percentile(move, 50):.2f} move_p95_ms={percentile(move, 95):.2f}", flush=True)
    worse = max((pan, move), key=lambda v: percentile(v, 95))
    editor.close()
    editor.deleteLater()
    app.processEvents()
    print(f"load_ms={load_ms:.1f} repaint_p50_ms={percentile(worse, 50):.2f} "
          f"repaint_p95_ms={percentile(worse, 95):.2f}", flush=True)


if __name__ == "__main__":
    main()
