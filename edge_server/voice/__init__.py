"""Voice: pjsua2 worker processes (worker.py) driven by the edge's gateway (gateway.py) over ZeroMQ."""
