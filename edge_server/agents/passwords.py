"""Password hashing (argon2id) and the login throttle."""
from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = argon2.PasswordHasher()  # argon2id with the library's current recommended parameters

# A real hash to verify against when the user does not exist, so a wrong user name costs the
# same time as a wrong password and user names cannot be probed by timing.
_DUMMY_HASH = _hasher.hash("switchboard-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; constant-ish time for unknown users (``stored_hash`` None)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


async def hash_password_async(password: str) -> str:
    # argon2 deliberately burns ~50 ms of CPU: keep it off the edge's event loop.
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(stored_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify_password, stored_hash, password)


class LoginThrottle:
    """Refuses logins for a while after repeated failures, per user name and per client key.

    Kept in memory: a restart of the edge forgives, which is acceptable because every
    failure is also written to the store's ``login_failures`` table for audit.
    """

    def __init__(
        self,
        max_failures: int,
        window_s: float,
        lockout_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max = max_failures
        self._window = window_s
        self._lockout = lockout_s
        self._clock = clock
        self._failures: dict[str, collections.deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    def retry_after(self, *keys: str) -> float:
        """Seconds until a login for these keys is allowed again (0: allowed now)."""
        now = self._clock()
        wait = 0.0
        for key in keys:
            until = self._locked_until.get(key)
            if until is not None:
                if until <= now:
                    del self._locked_until[key]
                else:
                    wait = max(wait, until - now)
        return wait

    def failed(self, *keys: str) -> None:
        now = self._clock()
        for key in keys:
            q = self._failures.setdefault(key, collections.deque())
            q.append(now)
            while q and q[0] < now - self._window:
                q.popleft()
            if len(q) >= self._max:
                self._locked_until[key] = now + self._lockout
                q.clear()

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
