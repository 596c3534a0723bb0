"""CURVE client allow-list and the ZAP authenticator that enforces it."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import zmq
import zmq.asyncio
from zmq.auth.asyncio import AsyncioAuthenticator

from edge_server.bus.errors import BusError, KeyFileError
from edge_server.bus.keys import load_public, normalise_key

log = logging.getLogger("sb.bus")

AllowSource = Callable[[], set[bytes]] | Path

_MAX_DENIED_REMEMBERED = 1024


class ClientAllowList:
    """The set of client public keys (z85) the edge admits.

    The source is either a directory of ``.key`` files (one per approved desktop, as
    written by ``keys.generate_keypair``) or a callable returning keys. It is read at
    start and on ``reload()``, never per handshake, so a slow disk cannot stall logins.
    """

    def __init__(self, source: AllowSource) -> None:
        self._source = source
        self._keys: frozenset[bytes] = frozenset()
        self._keys_text: frozenset[str] = frozenset()  # same keys as ZAP's User-Id strings
        self._denied_logged: set[bytes] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: bytes) -> bool:
        return key in self._keys

    def admits(self, user_id: str) -> bool:
        """Whether a connection admitted earlier (ZAP User-Id) is still on the list."""
        return user_id in self._keys_text

    def reload(self) -> int:
        """Re-read the source; on failure the previous list stays in force and BusError is raised."""
        keys = self._read()
        added = len(keys - self._keys)
        removed = len(self._keys - keys)
        self._keys = frozenset(keys)
        self._keys_text = frozenset(k.decode("ascii") for k in keys)
        self._denied_logged.clear()
        log.info("client key allow-list: %d keys (%d added, %d removed)", len(keys), added, removed)
        return len(keys)

    def _read(self) -> set[bytes]:
        if isinstance(self._source, Path):
            return self._read_directory(self._source)
        try:
            raw = self._source()
        except Exception as e:
            raise BusError(f"the client key allow-list callable failed: {e}") from e
        keys: set[bytes] = set()
        for k in raw:
            try:
                keys.add(normalise_key(k))
            except ValueError as e:
                raise BusError(f"the client key allow-list holds an invalid key: {e}") from e
        return keys

    @staticmethod
    def _read_directory(directory: Path) -> set[bytes]:
        if not directory.is_dir():
            raise BusError(f"client key directory {directory} does not exist")
        keys: set[bytes] = set()
        try:
            files = sorted(directory.glob("*.key"))
        except OSError as e:
            raise BusError(f"cannot list client keys in {directory}: {e}") from e
        for path in files:
            try:
                keys.add(load_public(path))
            except KeyFileError as e:
                # One broken file must not lock out every other desktop: skip it, loudly.
                log.warning("skipping client key file: %s", e)
        return keys

    # pyzmq's credentials-provider protocol (configure_curve_callback)
    def callback(self, domain: str, key: bytes) -> bool:
        if key in self._keys:
            return True
        if key not in self._denied_logged:
            # A refused desktop retries every few hundred ms: say it once per key and reload.
            if len(self._denied_logged) >= _MAX_DENIED_REMEMBERED:
                self._denied_logged.clear()
            self._denied_logged.add(key)
            log.warning("refused a desktop with unknown CURVE key %s; approve it by adding its "
                        ".key file to the allow-list and reloading", key.decode("ascii", "replace"))
        return False


class ZapGuard:
    """Runs pyzmq's AsyncioAuthenticator on a context with a ClientAllowList.

    Start it before binding any CURVE socket: libzmq admits every CURVE client when no
    ZAP handler is bound to the context. Only one can run per context (inproc endpoint).
    """

    def __init__(self, ctx: zmq.asyncio.Context, allow: ClientAllowList) -> None:
        self._ctx = ctx
        self._allow = allow
        self._auth: AsyncioAuthenticator | None = None

    def start(self) -> None:
        auth = AsyncioAuthenticator(self._ctx, log=logging.getLogger("sb.bus.zap"))
        try:
            auth.start()
        except zmq.ZMQError as e:
            raise BusError(
                f"cannot start the ZAP authenticator ({e}); is another BusServer using this ZeroMQ context?"
            ) from e
        auth.configure_curve_callback(domain="*", credentials_provider=self._allow)
        self._auth = auth

    async def stop(self) -> None:
        auth, self._auth = self._auth, None
        if auth is None:
            return
        # pyzmq's stop() cancels its polling task without awaiting it; await it here so
        # no task outlives the bus (it sits in a name-mangled attribute of the class).
        task = getattr(auth, "_AsyncioAuthenticator__task", None)
        auth.stop()
        if isinstance(task, asyncio.Future):
            await asyncio.wait([task], timeout=1.0)
