"""Manual check of softphone.audio.make_bridge on pjsua2 >= 2.11 (the suite runs 2.10, which lacks
AudioMediaPort). Run with a venv holding pjsua2-python==2.15.1 + sounddevice, from any directory:
    /tmp/pj215/bin/python tests/softphone/bridge_check.py
The peer runs on the project venv (2.10). Prints the peer's received level with our tone, then muted."""
import sys, threading, time, subprocess
HERE = __import__("pathlib").Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1])); sys.path.insert(0, str(HERE))
import softphone_helpers as h
from softphone.audio import DeviceLink, make_bridge, tone, bridge_supported
from softphone.engine import SipEngine, EngineConfig
from softphone.events import CallState

class FakeStream:
    def __init__(self, **kw): self.kw = kw; self.active = False
    def start(self): self.active = True
    def stop(self): self.active = False
    def close(self): pass

print("supported", bridge_supported())
eng = SipEngine(EngineConfig())
link = DeviceLink(factory=FakeStream, devices=lambda: [])
link.open()
stream = link._stream
port = make_bridge(eng.endpoint, link)
eng.use_audio_port(port)
print("mode", eng.audio_mode)
frame = tone((400.0,), 100, level_dbfs=-10.0)[1280:1920]
stop = threading.Event()
def portaudio():  # emulates PortAudio's callback thread at 50 Hz
    out = bytearray(640); n = 0
    nxt = time.monotonic()
    while not stop.is_set():
        stream.kw["callback"](frame, out, 320, None, None)
        n += 1; nxt += 0.02; time.sleep(max(0, nxt - time.monotonic()))
t = threading.Thread(target=portaudio, daemon=True); t.start()
h.sys.executable = str(HERE.parents[1] / ".venv/bin/python")  # the peer runs on pjsua2 2.10
peer = h.Peer(auto_answer=True)
try:
    ev = []
    h.pump(eng, ev, lambda: peer.find("ready"), what="ready")
    cid = eng.make_call(peer.contact)
    h.pump(eng, ev, lambda: h.first(ev, CallState, state="confirmed"), what="confirmed")
    t0 = time.monotonic(); h.pump(eng, ev, lambda: time.monotonic() - t0 > 1.5)
    peer.send("level")
    lv = h.pump(eng, ev, lambda: peer.find("level"), what="level")
    print("peer level with our tone:", lv, "links", eng.media_links(cid))
    print("capture stats", link.capture.stats, "playback stats", link.playback.stats)
    eng.mute(cid)
    t0 = time.monotonic(); h.pump(eng, ev, lambda: time.monotonic() - t0 > 1.0)
    peer.seen.clear(); peer.send("level")
    lv2 = h.pump(eng, ev, lambda: peer.find("level"), what="level2")
    print("peer level muted:", lv2)
    eng.hangup(cid)
    h.pump(eng, ev, lambda: not eng.call_ids(), what="released")
finally:
    stop.set(); t.join(2); peer.close()
    eng.use_audio_port(None)
    del port
    link.close(); eng.close()
print("done")
