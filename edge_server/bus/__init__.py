"""ZeroMQ transport and session plumbing between the edge and its desktops.

The bus knows frames, connections, sessions, sequence numbers and keys; it
knows nothing about users, passwords or agent states (that is the app layer).

Edge side: ``server.BusServer`` (ROUTER for requests, replies and per-session
pushes; PUB for fan-out). Desktop side: ``client.EdgeClient`` (DEALER) and
``subscriber.EdgeSubscriber`` (SUB). Both are plain asyncio and Qt-free.

Behaviours that go beyond the bare contract, all built from frames the contract
already has:

* When the edge stops hearing from a connection that carried a session, it
  detaches the session and reports it silent. If that same connection speaks
  again (a laptop waking up, a stalled network), the edge answers its next
  heartbeat with an ERROR frame with an empty ``rid`` and code
  ``session_unknown``; the client then resumes on the same link.
* The client watches its DEALER with a socket monitor: a TCP disconnect (the
  edge process died or restarted) drops the link at once instead of after three
  missed heartbeats, because the restarted edge no longer knows the connection
  and would otherwise answer heartbeats of a detached session.
* Silence is judged against our own stalls: the client counts from its oldest
  unanswered heartbeat (a blocked GUI loop sent none), and the edge gives its
  receive loop one tick to drain queued heartbeats after its own loop was late.
* Removing a key from the allow-list and reloading also cuts off desktops that
  are connected with it: their frames are dropped unanswered (ZAP itself only
  runs at the handshake).
* A retried login/resume (same cid and rid) arriving on a new connection moves
  the session it opened there, so a reply lost with its connection costs nothing.

``session_id`` values appear in logs: use an id, never the session token.
"""
