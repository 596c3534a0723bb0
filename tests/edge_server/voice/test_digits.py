"""DTMF collection rules, without a SIP stack."""
from __future__ import annotations

from collections import deque

from edge_server.voice.digits import DigitCollector


def make(**kw: object) -> DigitCollector:
    args = dict(req=1, max_digits=3, timeout_s=2.0, terminator="#", first_digit_timeout_s=5.0, started=100.0)
    args.update(kw)
    return DigitCollector(**args)  # type: ignore[arg-type]


def test_max_digits_completes_and_leaves_the_rest_buffered() -> None:
    col, buf = make(), deque("12345")
    assert col.feed(buf, 100.5)
    assert col.result == ("123", "max")
    assert list(buf) == ["4", "5"]


def test_terminator_ends_without_being_collected() -> None:
    col, buf = make(), deque("9#7")
    assert col.feed(buf, 101.0)
    assert col.result == ("9", "terminator")
    assert list(buf) == ["7"]


def test_first_digit_timeout_then_inter_digit_timeout() -> None:
    col = make()
    assert not col.tick(104.9)
    assert col.tick(105.0) and col.result == ("", "timeout")
    col = make()
    assert not col.feed(deque("4"), 101.0)
    assert not col.tick(102.9)  # inter-digit timer counts from the digit, not the start
    assert col.tick(103.0) and col.result == ("4", "timeout")


def test_first_digit_timeout_defaults_to_timeout() -> None:
    col = make(first_digit_timeout_s=0.0)
    assert not col.tick(101.9)
    assert col.tick(102.0)


def test_menu_sentences_per_language() -> None:
    from edge_server.flows.io import Choice
    from edge_server.voice.flow_io import menu_sentence
    assert menu_sentence(Choice("1", "Sales"), "en") == "For Sales, press 1."
    assert menu_sentence(Choice("2", "售后"), "zh-CN") == "售后请按2。"
