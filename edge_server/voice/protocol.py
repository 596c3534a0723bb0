"""The control link between the edge (ZeroMQ ROUTER) and each voice worker (DEALER): msgspec msgpack frames.

Every command carries ``req`` (unique per edge process) and gets exactly one ``Reply`` or ``ErrorReply``
with the same ``req``. Most replies come at once; ``Collect`` replies when its digits are complete or it
timed out. Asynchronous facts (a call came in, changed state, a prompt ended...) are events without ``req``.
Frames are one msgpack part each, tagged by the ``t`` field; ``PROTOCOL_VERSION`` travels in ``Ready``.
"""
from __future__ import annotations

from typing import Any

import msgspec

PROTOCOL_VERSION = 1


class _Frame(msgspec.Struct, tag_field="t", forbid_unknown_fields=False, omit_defaults=True):
    """Base of every frame on the control link."""


# ----------------------------------------------------------------------------------------- commands (edge -> worker)


class Command(_Frame):
    req: int


class Answer(Command, tag="answer"):
    call_id: str
    code: int = 200  # 180/183 to ring without answering; 200 answers


class Hangup(Command, tag="hangup"):
    call_id: str
    code: int = 0  # 0: let pjsua pick (603 before answer, BYE after)
    reason: str = ""


class Play(Command, tag="play"):
    """Play a WAV to a call. ``barge_in``: the next DTMF digit stops it (the digit is kept for Collect)."""

    call_id: str
    path: str
    play_id: str
    loop: bool = False
    barge_in: bool = False


class StopPlay(Command, tag="stop_play"):
    call_id: str


class Collect(Command, tag="collect"):
    """Reply (``CollectResult``) when ``max_digits`` arrived, the terminator was pressed, or a timer ran out.

    Digits pressed before the Collect (e.g. the one that barged into the prompt) count first.
    """

    call_id: str
    max_digits: int = 1
    timeout_s: float = 5.0  # inter-digit timeout once the first digit came
    terminator: str = ""
    first_digit_timeout_s: float = 0.0  # 0: same as timeout_s


class Record(Command, tag="record"):
    """Record what the caller says to ``path`` (WAV); ``RecordingDone`` ends it (max_s, stop digit, hangup)."""

    call_id: str
    path: str
    max_s: float = 60.0
    stop_digits: str = "#"


class StopRecord(Command, tag="stop_record"):
    call_id: str


class CallAgent(Command, tag="call_agent"):
    """Place a new call (``call_id`` chosen by the edge) to an agent's contact from this worker."""

    call_id: str
    contact_uri: str
    caller_id: str = ""
    headers: dict[str, str] = {}  # e.g. {"X-Interaction-Id": "..."}
    timeout_s: float = 30.0  # no answer -> hung up, CallState(disconnected, sip_code=408)


class Bridge(Command, tag="bridge"):
    """Connect two calls of this worker both ways; optionally record each leg to its own WAV."""

    a: str
    b: str
    record_a: str = ""  # path: what leg ``a`` says ("" = no recording)
    record_b: str = ""


class Unbridge(Command, tag="unbridge"):
    a: str
    b: str


class Hold(Command, tag="hold"):
    """Cut the call from its bridge partner and loop ``music`` (WAV) to it."""

    call_id: str
    music: str = ""


class Unhold(Command, tag="unhold"):
    call_id: str


class Transfer(Command, tag="transfer"):
    """Blind transfer (REFER); the outcome arrives as CallState(state="transfer", sip_code)."""

    call_id: str
    uri: str


class Supervise(Command, tag="supervise"):
    """A supervisor leg joins the bridged pair ``a`` (customer) / ``b`` (agent).

    mode: monitor (hears both) | whisper (hears both, only the agent hears them) | barge (everyone hears
    everyone) | off (leaves). All three legs must live in this worker.
    """

    supervisor: str
    a: str
    b: str
    mode: str = "monitor"


class Ping(Command, tag="ping"):
    pass


class Shutdown(Command, tag="shutdown"):
    """Hang up everything and exit (the edge's clean stop; SIGTERM does the same)."""


# ----------------------------------------------------------------------------------------- worker -> edge


class Reply(_Frame, tag="reply"):
    req: int
    result: dict[str, Any] = {}


class ErrorReply(_Frame, tag="error"):
    req: int
    code: str  # an edge_server.contract.errors.ErrorCode value
    message: str


class Ready(_Frame, tag="ready"):
    worker_id: str
    sip_port: int
    capacity: int
    pid: int = 0
    version: int = PROTOCOL_VERSION


class CallIncoming(_Frame, tag="call_incoming"):
    call_id: str
    from_uri: str
    to_uri: str  # the dialled number's URI (Request-URI)
    headers: dict[str, str] = {}


class CallState(_Frame, tag="call_state"):
    """state: ringing | early | answered | disconnected | transfer (sip_code = transfer outcome)."""

    call_id: str
    state: str
    reason: str = ""
    sip_code: int = 0


class DtmfReceived(_Frame, tag="dtmf"):
    call_id: str
    digit: str


class PlaybackDone(_Frame, tag="playback_done"):
    """reason: done | barged | stopped | hangup | error."""

    call_id: str
    play_id: str
    reason: str = "done"


class RecordingDone(_Frame, tag="recording_done"):
    call_id: str
    path: str
    seconds: float
    reason: str = "max"  # max | digit | stopped | hangup | unbridged


class CallQuality(_Frame, tag="call_quality"):
    """Sent once when a call ends (RTCP-derived numbers of the audio stream)."""

    call_id: str
    codec: str = ""
    rx_packets: int = 0
    rx_lost: int = 0
    jitter_ms: float = 0.0
    rtt_ms: float = 0.0


Frame = (Answer | Hangup | Play | StopPlay | Collect | Record | StopRecord | CallAgent | Bridge | Unbridge | Hold
         | Unhold | Transfer | Supervise | Ping | Shutdown | Reply | ErrorReply | Ready | CallIncoming | CallState
         | DtmfReceived | PlaybackDone | RecordingDone | CallQuality)

WorkerEvent = Ready | CallIncoming | CallState | DtmfReceived | PlaybackDone | RecordingDone | CallQuality

_encoder = msgspec.msgpack.Encoder()
_decoder: msgspec.msgpack.Decoder[Frame] = msgspec.msgpack.Decoder(Frame)


def encode(frame: _Frame) -> bytes:
    return _encoder.encode(frame)


def decode(data: bytes) -> Frame:
    """Raises msgspec.DecodeError / ValidationError on a bad frame (callers translate)."""
    return _decoder.decode(data)
