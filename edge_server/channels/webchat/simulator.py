"""Simulated web chat visitors for ``main.py demo --simulate N``: Chinese and English, scripted, returning.

Each visitor arrives after a random pause, opens a chat (billing / refund /
delivery), answers the agent after a short think time, rates 1-5 when the agent
closes, leaves, and comes back later. Returning visitors reuse a stable token
file and site user id, so their customer's timeline fills up run after run.
"""
from __future__ import annotations

import asyncio
import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.tokens import user_hash
from edge_server.channels.webchat.visitor import Visitor, VisitorError

log = logging.getLogger("sb.webchat.sim")


@dataclass(frozen=True)
class Persona:
    name: str
    email: str
    lang: str
    topic: str


PERSONAS = [
    Persona("王芳", "wang.fang@example.cn", "zh", "billing"), Persona("Emily Carter", "emily@example.com", "en", "refund"),
    Persona("李强", "li.qiang@example.cn", "zh", "delivery"), Persona("James Miller", "james@example.com", "en", "billing"),
    Persona("陈静", "chen.jing@example.cn", "zh", "refund"), Persona("Olivia Brown", "olivia@example.com", "en", "delivery"),
    Persona("刘洋", "liu.yang@example.cn", "zh", "billing"), Persona("Noah Wilson", "noah@example.com", "en", "refund"),
]

SCRIPTS = {
    ("zh", "billing"): ["你好，我这个月的账单多扣了一笔费用。", "订单号是 20240518，扣了两次 199 元。", "好的，谢谢！"],
    ("zh", "refund"): ["请问退款什么时候能到账？", "我上周三申请的，还没有收到。", "明白了，谢谢您。"],
    ("zh", "delivery"): ["我的快递三天没有更新物流了。", "收货地址是上海市浦东新区。", "好的，我再等等，谢谢。"],
    ("en", "billing"): ["Hi, I was charged twice on my last invoice.", "Invoice 88231, two charges of $49.",
                        "Great, thank you!"],
    ("en", "refund"): ["Hello, when will my refund arrive?", "I returned the item ten days ago.",
                       "Okay, thanks for checking."],
    ("en", "delivery"): ["My parcel has not moved for three days.", "Tracking number SB1234567.",
                         "Thanks, I'll wait then."],
}
COMMENTS = {"zh": ["服务很好", "解决得很快", "还可以"], "en": ["Very helpful", "Quick answer", "OK"]}


class Simulator:
    def __init__(self, base_url: str, count: int, state_dir: Path, *, identity_secret: str = "",
                 seed: int | None = None) -> None:
        self.base_url = base_url
        self.count = count
        self.state_file = state_dir / "simulated_visitors.json"
        self.secret = identity_secret
        self.rnd = random.Random(seed)
        self._tokens: dict[str, str] = {}

    def _load(self) -> None:
        try:
            self._tokens = dict(json.loads(self.state_file.read_text("utf-8")))
        except (OSError, ValueError):
            self._tokens = {}

    def _save(self) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(self._tokens), "utf-8")

    async def run(self) -> None:
        """Run until cancelled."""
        self._load()
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(self._visitor_loop(i, session) for i in range(self.count)))

    async def _visitor_loop(self, i: int, session: aiohttp.ClientSession) -> None:
        persona = PERSONAS[i % len(PERSONAS)]
        key = f"v{i}"
        while True:
            await asyncio.sleep(self.rnd.uniform(2, 20))
            try:
                await self._one_chat(key, i, persona, session)
            except (VisitorError, aiohttp.ClientError, ConnectionError) as e:
                log.info("simulated visitor %s: %s", persona.name, e)
            await asyncio.sleep(self.rnd.uniform(30, 120))  # leave, come back later

    async def _one_chat(self, key: str, i: int, persona: Persona, session: aiohttp.ClientSession) -> None:
        client = p.ClientInfo(lang=persona.lang, name=persona.name, email=persona.email)
        if self.secret and i % 2 == 0:  # half are logged-in users of the site: one customer across browsers
            uid = f"sim-user-{i}"
            client = p.ClientInfo(lang=persona.lang, name=persona.name, email=persona.email, user_id=uid,
                                  user_hash=user_hash(self.secret, uid))
        v = Visitor(self.base_url, token=self._tokens.get(key, ""), client=client, session=session)
        async with v:
            self._tokens[key] = v.token
            self._save()
            assert v.welcome is not None
            if v.welcome.state == "offline":
                await v.offline(SCRIPTS[(persona.lang, persona.topic)][0], name=persona.name, email=persona.email)
                return
            script = SCRIPTS[(persona.lang, persona.topic)]
            if v.welcome.state != "chat":
                await v.start(script[0], name=persona.name, email=persona.email)
            await self._through_the_flow(v, persona.lang)
            for line in script[1:]:
                await self._wait_agent_reply(v, timeout=600)
                await asyncio.sleep(self.rnd.uniform(1.5, 6))  # think, then type
                await v.typing(True)
                await asyncio.sleep(self.rnd.uniform(0.5, 2))
                await v.send(line)
            await v.wait_for(lambda: v.interaction is not None and v.interaction.state in ("wrapup", "closed"),
                             timeout=900, what="the agent closing")
            await asyncio.sleep(self.rnd.uniform(1, 4))
            await v.rate(self.rnd.choice([3, 4, 5, 5, 5, 2, 1, 4]), self.rnd.choice(COMMENTS[persona.lang]))

    async def _through_the_flow(self, v: Visitor, lang: str) -> None:
        """When a published flow answers first: ask for a person, as a visitor who wants one would."""
        for _ in range(6):
            await v.wait_for(lambda: v.interaction is not None, timeout=30, what="the conversation")
            if v.interaction is None or v.interaction.state != "flow":
                return
            seen = v.last_seq
            try:
                await v.wait_for(lambda: v.interaction is None or v.interaction.state != "flow" or any(
                    m.author_kind == "bot" and s > seen for s, m in v.messages.items()), timeout=30,
                    what="the assistant")
            except VisitorError:
                pass
            if v.interaction is None or v.interaction.state != "flow":
                return
            await asyncio.sleep(self.rnd.uniform(1, 3))
            bot = [m.text for s, m in sorted(v.messages.items()) if m.author_kind == "bot"]
            await v.send(_ask_for_agent(bot[-1] if bot else "", lang))

    @staticmethod
    async def _wait_agent_reply(v: Visitor, timeout: float) -> None:
        seen = v.last_seq
        await v.wait_for(lambda: any(m.author_kind == "agent" and s > seen for s, m in v.messages.items())
                         or (v.interaction is not None and v.interaction.state in ("wrapup", "closed")),
                         timeout=timeout, what="an agent reply")
        if v.interaction is not None and v.interaction.state in ("wrapup", "closed"):
            raise VisitorError("the chat ended")


def _ask_for_agent(prompt: str, lang: str) -> str:
    """The menu option that reaches a person ("3. 人工客服"), else the words a bot hands off on."""
    for line in prompt.splitlines():
        key, dot, label = line.strip().partition(".")
        if dot and key.strip() and any(w in label.lower() for w in ("人工", "客服", "agent", "person")):
            return key.strip()
    return "人工" if lang.startswith("zh") else "agent"
