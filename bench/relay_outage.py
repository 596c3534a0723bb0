#!/usr/bin/env python3
"""The relay's feed to the edge cut for a full minute under load, then restored.

Platforms push steadily (4 senders, retrying until 200) before, during and after the cut; the relay
keeps acknowledging them durably; the edge (RelayLink over CURVE) reconnects within its backoff cap
and drains the backlog. Last line:

    outage_s=… lost=… dup=… resume_s=…

resume_s: from the feed being back to the first record stored on the edge (goal: ≤ cap + 2 s).
Usage: python bench/relay_outage.py [--outage 60] [--cap 5] [--heartbeat 5]
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from edge_server.relay.drill import outage_drill  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--outage", type=float, default=60.0, help="seconds the feed is down")
    ap.add_argument("--cap", type=float, default=5.0, help="the edge's reconnect backoff cap (s)")
    ap.add_argument("--heartbeat", type=float, default=5.0, help="link heartbeat (s), as in production")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)  # a script, not a library: quiet unless something breaks
    with tempfile.TemporaryDirectory(prefix="sb-relay-outage-") as tmp:
        r = asyncio.run(outage_drill(Path(tmp), outage_s=args.outage, reconnect_cap_s=args.cap,
                                     heartbeat_s=args.heartbeat))
    print(f"pushed={r.pushed} backlog={r.backlog} out_of_order={r.out_of_order} cap_s={args.cap} "
          f"heartbeat_s={args.heartbeat}")
    print(f"outage_s={r.outage_s:.1f} lost={r.lost} dup={r.dup} resume_s={r.resume_s:.2f}")
    return 0 if (r.lost, r.dup, r.out_of_order) == (0, 0, 0) and r.resume_s <= args.cap + 2 else 1


if __name__ == "__main__":
    sys.exit(main())
