"""Run a seeded workload and print a digest of every decision (used under several PYTHONHASHSEEDs)."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from edge_server.routing import decisions as dec  # noqa: E402
from tests.edge_server.routing.routing_workload import Workload, random_actions  # noqa: E402


def digest(seed: int, n: int) -> str:
    host = Workload(check=False).run(random_actions(seed, n))
    h = hashlib.sha256()
    for _, out in host.log:
        h.update(dec.encode_decisions(out))
    return f"{len(host.log)}:{h.hexdigest()}"


if __name__ == "__main__":
    print(digest(int(sys.argv[1]), int(sys.argv[2])))
