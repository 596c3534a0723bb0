"""The bus's socket-free parts: replay buffer, dedup LRU, backoff, key files, config."""
from __future__ import annotations

import random
import stat
from pathlib import Path

import pytest

from edge_server.bus.auth import ClientAllowList
from edge_server.bus.backoff import Backoff
from edge_server.bus.config import BusConfig
from edge_server.bus.connection import Connection
from edge_server.bus.dedup import DedupCache
from edge_server.bus.errors import BusError, KeyFileError
from edge_server.bus.keys import curve_keypair, generate_keypair, load_keypair, load_public, normalise_key
from edge_server.bus.sessions import Session


def _session(capacity: int = 3, start: int = 0) -> Session:
    s = Session("s1", start, capacity, now=0.0)
    return s


def _fill(s: Session, n: int) -> None:
    for _ in range(n):
        s.add(s.seq + 1, f"p{s.seq + 1}".encode())


def test_replay_buffer_keeps_the_last_pushes_and_knows_what_it_can_replay() -> None:
    s = _session(capacity=3)
    _fill(s, 5)  # p1..p5; p1, p2 fell out
    assert (s.seq, s.floor, len(s)) == (5, 2, 3)
    assert list(s.frames_after(2)) == [b"p3", b"p4", b"p5"]
    assert list(s.frames_after(4)) == [b"p5"]
    assert list(s.frames_after(5)) == []
    assert not s.can_replay_after(1)  # p2 is gone
    assert not s.can_replay_after(6)  # the client claims a push that never existed
    with pytest.raises(ValueError):
        list(s.frames_after(1))


def test_acks_trim_the_buffer_but_never_beyond_what_was_sent() -> None:
    s = _session(capacity=10, start=7)
    _fill(s, 4)  # p8..p11
    s.ack(9)
    assert (s.floor, len(s)) == (9, 2)
    assert list(s.frames_after(9)) == [b"p10", b"p11"]
    s.ack(99)  # ignored: never sent
    s.ack(3)  # ignored: below floor
    assert (s.floor, len(s)) == (9, 2)


def test_push_numbering_must_be_contiguous() -> None:
    s = _session()
    with pytest.raises(ValueError):
        s.add(2, b"x")


def test_zero_capacity_replays_only_an_up_to_date_client() -> None:
    s = _session(capacity=0)
    _fill(s, 2)
    assert s.can_replay_after(2) and not s.can_replay_after(1)


def test_dedup_cache_is_an_lru_and_finishing_answers_waiters() -> None:
    conn = Connection(routing_id=b"r", client_key="k", last_seen=0.0)
    cache = DedupCache(2)
    a = cache.start(("k", "c", "1"), conn)
    got: list[bytes] = []
    a.waiters.append(got.append)
    cache.start(("k", "c", "2"), conn)
    assert cache.get(("k", "c", "1")) is a  # touch: 2 becomes the oldest
    cache.start(("k", "c", "3"), conn)
    assert cache.get(("k", "c", "2")) is None and len(cache) == 2
    a.finish(b"reply", ("s", 4))
    assert got == [b"reply"] and a.reply == b"reply" and a.attached == ("s", 4) and a.waiters == []


def test_backoff_doubles_to_the_cap_with_jitter_and_resets() -> None:
    b = Backoff(base_s=0.1, cap_s=5.0, jitter=0.5, rng=random.Random(7))
    delays = [b.next() for _ in range(12)]
    nominal = [min(5.0, 0.1 * 2**i) for i in range(12)]
    for d, n in zip(delays, nominal, strict=True):
        assert 0.5 * n <= d <= n
    assert max(delays) <= 5.0 and delays[-1] >= 2.5
    b.reset()
    assert b.next() <= 0.1
    no_jitter = Backoff(jitter=0.0)
    assert [no_jitter.next() for _ in range(3)] == [0.1, 0.2, 0.4]


def test_generated_keys_load_back_and_the_secret_is_private(tmp_path: Path) -> None:
    pub, sec = generate_keypair(tmp_path / "k", "desk")
    assert stat.S_IMODE(sec.stat().st_mode) == 0o600
    keys = load_keypair(sec)
    assert load_public(pub) == keys.public and len(keys.public) == 40 and len(keys.secret) == 40
    assert keys.secret.decode() not in repr(keys)
    assert set((tmp_path / "k").iterdir()) == {pub, sec}  # no temporary directory left behind
    with pytest.raises(KeyFileError, match="already exists"):
        generate_keypair(tmp_path / "k", "desk")


def test_key_loading_errors_are_translated(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        load_keypair(tmp_path / "missing.key_secret")
    pub, _ = generate_keypair(tmp_path, "only")
    with pytest.raises(KeyFileError, match="only a public key"):
        load_keypair(pub)
    bad = tmp_path / "bad.key"
    bad.write_text('curve\n    public-key = "short"\n')
    with pytest.raises(KeyFileError):
        load_public(bad)
    with pytest.raises(ValueError):
        generate_keypair(tmp_path, "../escape")


def test_normalise_key_accepts_z85_and_raw() -> None:
    public, _ = curve_keypair()
    assert normalise_key(public) == public
    assert normalise_key(public.decode()) == public
    from zmq.utils import z85

    assert normalise_key(z85.decode(public)) == public
    with pytest.raises(ValueError):
        normalise_key(b"x" * 12)


def test_allow_list_skips_a_broken_file_and_keeps_the_old_list_on_failure(tmp_path: Path,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    allow = tmp_path / "allow"
    pub, _ = generate_keypair(allow, "good")
    (allow / "broken.key").write_text("garbage\n")
    good = load_public(pub)
    lst = ClientAllowList(allow)
    with caplog.at_level("WARNING", logger="sb.bus"):
        assert lst.reload() == 1
    assert "broken.key" in caplog.text
    assert good in lst
    assert lst.callback("*", good) and not lst.callback("*", curve_keypair()[0])
    for f in allow.iterdir():
        f.unlink()
    allow.rmdir()
    with pytest.raises(BusError):
        lst.reload()
    assert good in lst  # still admitted: a failed reload changes nothing


def test_allow_list_from_a_callable_validates_keys() -> None:
    k = curve_keypair()[0]
    assert ClientAllowList(lambda: {k}).reload() == 1
    with pytest.raises(BusError, match="invalid key"):
        ClientAllowList(lambda: {b"nope"}).reload()


def test_config_errors_name_the_key() -> None:
    with pytest.raises(ValueError, match="bus.heartbeat_ms"):
        BusConfig(heartbeat_ms=0)
    with pytest.raises(ValueError, match="bus.silence_ms"):
        BusConfig(heartbeat_ms=1000, silence_ms=500)
    with pytest.raises(ValueError, match="bus.replay_buffer"):
        BusConfig(replay_buffer=-1)
