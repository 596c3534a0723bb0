"""A tiny pjsua2 UA for tests, in its own process (one pj.Endpoint per process).

Driven by stdin lines, reports JSON lines on stdout:
  call URI [Name=Value ...] | answer [code] | hangup | dtmf DIGITS | dtmfinfo DIGITS | hold | unhold | level | quit
Events: ready{contact} incoming{call,remote,headers} state{call,state,code} media{call,status}
        dtmf{call,digit,method} transfer{call,uri} replaced{call,new,remote} level{rx,tx} error{msg}
argv: --port N  --auto-answer  --user NAME
"""
from __future__ import annotations

import argparse
import gc
import json
import select
import sys

import pjsua2 as pj

calls: dict[int, pj.Call] = {}
current: list[int] = []
args: argparse.Namespace


def out(ev: str, **kw: object) -> None:
    sys.stdout.write(json.dumps({"ev": ev, **kw}) + "\n")
    sys.stdout.flush()


STATES = {pj.PJSIP_INV_STATE_CALLING: "calling", pj.PJSIP_INV_STATE_INCOMING: "incoming",
          pj.PJSIP_INV_STATE_EARLY: "early", pj.PJSIP_INV_STATE_CONNECTING: "connecting",
          pj.PJSIP_INV_STATE_CONFIRMED: "confirmed", pj.PJSIP_INV_STATE_DISCONNECTED: "disconnected"}
MEDIA = {pj.PJSUA_CALL_MEDIA_NONE: "none", pj.PJSUA_CALL_MEDIA_ACTIVE: "active",
         pj.PJSUA_CALL_MEDIA_LOCAL_HOLD: "local_hold", pj.PJSUA_CALL_MEDIA_REMOTE_HOLD: "remote_hold",
         pj.PJSUA_CALL_MEDIA_ERROR: "error"}
dead: list[int] = []


class Call(pj.Call):
    def onCallState(self, prm: pj.OnCallStateParam) -> None:  # noqa: N802
        ci = self.getInfo()
        out("state", call=ci.id, state=STATES.get(ci.state, str(ci.state)), code=ci.lastStatusCode,
            remote=ci.remoteUri)
        if ci.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            dead.append(ci.id)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:  # noqa: N802
        ci = self.getInfo()
        for mi in ci.media:
            if mi.type == pj.PJMEDIA_TYPE_AUDIO:
                out("media", call=ci.id, status=MEDIA.get(mi.status, str(mi.status)))
                if mi.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                    am = self.getAudioMedia(mi.index)
                    mgr = ep.audDevManager()
                    mgr.getCaptureDevMedia().startTransmit(am)
                    am.startTransmit(mgr.getPlaybackDevMedia())

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:  # noqa: N802
        out("dtmf", call=self.getId(), digit=prm.digit, method=int(prm.method))

    def onCallReplaced(self, prm: pj.OnCallReplacedParam) -> None:  # noqa: N802
        # An INVITE with Replaces took over this call: the new leg needs a kept Call object.
        new = Call(acc, prm.newCallId)
        calls[prm.newCallId] = new
        current.append(prm.newCallId)
        prm.newCall = new
        out("replaced", call=self.getId(), new=prm.newCallId, remote=new.getInfo().remoteUri)

    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:  # noqa: N802
        out("transfer", call=self.getId(), uri=prm.dstUri)
        new = Call(acc)
        prm.newCall = new
        pending.append(new)


pending: list[Call] = []


class Account(pj.Account):
    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:  # noqa: N802
        c = Call(self, prm.callId)
        calls[prm.callId] = c
        current.append(prm.callId)
        ci = c.getInfo()
        hdrs = {}
        for line in prm.rdata.wholeMsg.replace("\r\n", "\n").split("\n")[1:]:
            if not line:
                break
            k, _, v = line.partition(":")
            hdrs.setdefault(k.strip(), v.strip())
        out("incoming", call=prm.callId, remote=ci.remoteUri, headers=hdrs)
        op = pj.CallOpParam()
        op.statusCode = 200 if args.auto_answer else 180
        c.answer(op)


def cur() -> pj.Call:
    return calls[current[-1]]


def command(line: str) -> bool:
    parts = line.split()
    if not parts:
        return True
    cmd, rest = parts[0], parts[1:]
    if cmd == "quit":
        return False
    if cmd == "call":
        c = Call(acc)
        op = pj.CallOpParam(True)
        for kv in rest[1:]:
            h = pj.SipHeader()
            h.hName, _, h.hValue = kv.partition("=")
            op.txOption.headers.append(h)
        c.makeCall(rest[0], op)
        calls[c.getId()] = c
        current.append(c.getId())
        out("calling", call=c.getId())
    elif cmd == "answer":
        op = pj.CallOpParam()
        op.statusCode = int(rest[0]) if rest else 200
        cur().answer(op)
    elif cmd == "hangup":
        cur().hangup(pj.CallOpParam())
    elif cmd == "dtmf":
        cur().dialDtmf(rest[0])
    elif cmd == "dtmfinfo":
        p = pj.CallSendDtmfParam()
        p.method = pj.PJSUA_DTMF_METHOD_SIP_INFO
        p.digits = rest[0]
        cur().sendDtmf(p)
    elif cmd == "hold":
        cur().setHold(pj.CallOpParam(True))
    elif cmd == "unhold":
        op = pj.CallOpParam(True)
        op.opt.flag = pj.PJSUA_CALL_UNHOLD
        cur().reinvite(op)
    elif cmd == "level":
        # pjmedia names levels from the bridge's side: the call port's tx level is what we received.
        am = cur().getAudioMedia(-1)
        out("level", rx=int(am.getTxLevel()), tx=int(am.getRxLevel()))
    elif cmd == "count":
        out("count", calls=len(calls))
    else:
        out("error", msg=f"unknown command {cmd}")
    return True


def main() -> None:
    global args, ep, acc
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--auto-answer", action="store_true")
    ap.add_argument("--user", default="peer")
    args = ap.parse_args()
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.logConfig.level = 0
    cfg.logConfig.consoleLevel = 0
    cfg.medConfig.noVad = True
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    tc = pj.TransportConfig()
    tc.port = args.port
    tc.boundAddress = "127.0.0.1"
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tc)
    ep.libStart()
    for c in ep.codecEnum2():
        if c.codecId.startswith("speex"):
            ep.codecSetPriority(c.codecId, 0)
    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:{args.user}@127.0.0.1:{args.port}"
    acc = Account()
    acc.create(acfg, True)
    out("ready", contact=acfg.idUri)
    running = True
    buf = ""
    while running:
        r, _, _ = select.select([sys.stdin], [], [], 0.005)
        if r:
            chunk = sys.stdin.readline()
            if not chunk:
                break
            try:
                running = command(chunk.strip())
            except pj.Error as e:
                out("error", msg=e.info())
            except (KeyError, IndexError) as e:
                out("error", msg=repr(e))
        ep.libHandleEvents(5)
        for p in list(pending):
            if p.getId() >= 0:
                calls[p.getId()] = p
                current.append(p.getId())
                pending.remove(p)
        while dead:
            cid = dead.pop()
            calls.pop(cid, None)
            if cid in current:
                current.remove(cid)
    del buf
    ep.hangupAllCalls()
    for _ in range(20):
        ep.libHandleEvents(10)
    calls.clear()
    pending.clear()
    acc.shutdown()
    del acc
    gc.collect()
    ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)


if __name__ == "__main__":
    main()
