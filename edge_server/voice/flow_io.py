"""FlowIO for a phone call: the flow runtime speaks to the caller through the voice gateway.

say() plays a named prompt file or speaks the text (TTS), with barge-in: a DTMF digit cuts the prompt and
is kept for the next ask(). ask() collects DTMF; record() takes a voicemail after a beep; route() hands
the call to a callback (the lead connects it to interactions/routing); transfer() sends a REFER.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Protocol

from edge_server.contract.errors import SwitchboardError
from edge_server.flows.io import Choice, Hangup
from edge_server.voice.gateway import VoiceGateway
from edge_server.voice.prompts import Prompts

log = logging.getLogger("sb.voice")

# Digits accepted when a node asks for "any length" (max_digits 0) and ends with a terminator.
_OPEN_ENDED_MAX = 32
# The node's timeout is for the first digit; once the caller is typing, this pause ends the entry.
_INTER_DIGIT_S = 5.0


def menu_sentence(choice: Choice, language: str) -> str:
    """What a caller hears for one menu option when the node has no recorded prompt."""
    if language.lower().startswith("zh"):
        return f"{choice.label}请按{choice.key}。"
    return f"For {choice.label}, press {choice.key}."


class RouteCallback(Protocol):
    async def __call__(self, call_id: str, *, queue: str, priority: int, skills: dict[str, int],
                       preferred_agent: str, variables: dict[str, str]) -> bool: ...


class VoiceFlowIO:
    """One call's FlowIO (``channel == "voice"``)."""

    channel = "voice"

    def __init__(self, gateway: VoiceGateway, call_id: str, language: str, *, prompts: Prompts,
                 recordings_dir: Path, route: RouteCallback | None = None,
                 transfer_uri: Callable[[str], str] | None = None,
                 on_recorded: Callable[[str, float], Awaitable[None]] | None = None) -> None:
        self.gateway = gateway
        self.call_id = call_id
        self.language = language
        self._prompts = prompts
        self._recordings = recordings_dir
        self._route = route
        # "4001" -> "sip:4001@carrier": the lead knows the trunk; default keeps the number on the worker's peer.
        self._transfer_uri = transfer_uri or (lambda number: number)
        self._on_recorded = on_recorded
        self._n_recordings = 0

    def _check_live(self) -> None:
        if not self.gateway.is_live(self.call_id):
            raise Hangup()

    async def say(self, text: str, *, audio: str = "", choices: Sequence[Choice] = ()) -> None:
        """Play ``audio`` (or TTS of ``text``) to the end, or until a digit barges in. Choices are in the text."""
        self._check_live()
        if choices and not audio:
            text = " ".join([text, *(menu_sentence(c, self.language) for c in choices if c.label)]).strip()
        path = await self._prompts.resolve(text, audio=audio, language=self.language)
        try:
            reason = await self.gateway.play_to_end(self.call_id, str(path), barge_in=True)
        except SwitchboardError as e:
            if not self.gateway.is_live(self.call_id):
                raise Hangup() from e
            raise
        if reason == "hangup":
            raise Hangup()

    async def ask(self, *, timeout_s: float, max_digits: int = 0, terminator: str = "") -> str | None:
        """DTMF digits (a barged-in digit counts first); None on timeout with nothing pressed."""
        self._check_live()
        if max_digits <= 0:
            # Any length: '#' (or the node's terminator) ends it, so does a pause after the last digit.
            max_digits, terminator = _OPEN_ENDED_MAX, terminator or "#"
        try:
            result = await self.gateway.collect(self.call_id, max_digits=max_digits, first_digit_timeout_s=timeout_s,
                                                timeout_s=min(timeout_s, _INTER_DIGIT_S), terminator=terminator)
        except SwitchboardError as e:
            if not self.gateway.is_live(self.call_id):
                raise Hangup() from e
            raise
        if result.reason == "hangup":
            raise Hangup()
        if result.reason == "timeout" and not result.digits:
            return None
        return result.digits

    async def record(self, *, max_seconds: int, timeout_s: float) -> str | None:
        """Beep, then record until max_seconds, '#' or hangup; None when nothing (under 0.5 s) was recorded.

        ``timeout_s`` (silence before speech) is not applied: the worker has no voice detection yet.
        """
        self._check_live()
        await self.gateway.play_to_end(self.call_id, str(self._prompts.tone("beep")))
        self._check_live()
        self._n_recordings += 1
        path = self._recordings / f"{self.call_id}-{self._n_recordings}.wav"
        try:
            done = await self.gateway.record(self.call_id, str(path), max_s=float(max_seconds), stop_digits="#")
        except SwitchboardError as e:
            if not self.gateway.is_live(self.call_id):
                raise Hangup() from e
            raise
        if done.seconds < 0.5:
            path.unlink(missing_ok=True)
            return None
        if self._on_recorded is not None:
            await self._on_recorded(str(path), done.seconds)
        return str(path)  # a caller who hung up still left a voicemail: the flow files it, then ends

    async def route(self, *, queue: str, priority: int, skills: dict[str, int], preferred_agent: str,
                    variables: dict[str, str]) -> bool:
        self._check_live()
        if self._route is None:
            log.warning("call %s: no route callback, queue %s unavailable", self.call_id, queue)
            return False
        return await self._route(self.call_id, queue=queue, priority=priority, skills=skills,
                                 preferred_agent=preferred_agent, variables=variables)

    async def transfer(self, number: str) -> bool:
        self._check_live()
        uri = number if number.startswith(("sip:", "sips:", "tel:")) else self._transfer_uri(number)
        try:
            return await self.gateway.transfer(self.call_id, uri)
        except SwitchboardError as e:
            log.warning("call %s: transfer to %s failed: %s", self.call_id, uri, e)
            return False
