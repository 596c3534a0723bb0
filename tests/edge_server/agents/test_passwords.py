from edge_server.agents.passwords import LoginThrottle, hash_password, verify_password


def test_argon2_hash_verifies_only_the_right_password() -> None:
    h = hash_password("correct horse")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "correct horse")
    assert not verify_password(h, "correct horse ")
    assert not verify_password(None, "anything")  # unknown user: still False, no exception
    assert not verify_password("not-a-hash", "x")


def test_throttle_locks_after_max_failures_and_releases_after_lockout() -> None:
    now = [1000.0]
    t = LoginThrottle(max_failures=3, window_s=60, lockout_s=30, clock=lambda: now[0])
    for _ in range(2):
        t.failed("user:a")
        assert t.retry_after("user:a") == 0
    t.failed("user:a")
    assert 29 < t.retry_after("user:a") <= 30
    assert t.retry_after("user:b") == 0  # other users unaffected
    now[0] += 31
    assert t.retry_after("user:a") == 0


def test_throttle_window_forgets_old_failures() -> None:
    now = [0.0]
    t = LoginThrottle(max_failures=3, window_s=10, lockout_s=30, clock=lambda: now[0])
    t.failed("k")
    t.failed("k")
    now[0] += 11
    t.failed("k")
    assert t.retry_after("k") == 0
    t.succeeded("k")
    t.failed("k")
    t.failed("k")
    assert t.retry_after("k") == 0
