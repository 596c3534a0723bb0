"""Weibo image / voice messages: the file is fetched from the fake's media endpoint into an attachment; size,
type, unknown file and network trouble leave a readable note, never a lost message; end to end through the
hub of a real edge the agent sees the picture as an attachment of the customer's message."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from edge_server.app import EdgeApp
from edge_server.channels.base import InboundMessage
from edge_server.channels.weibo.adapter import WeiboAdapter, from_config
from edge_server.channels.weibo.fake import FakeWeibo
from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.interactions import reads
from tests.edge_server.channels.sms.hookhost import HookHost
from tests.edge_server.channels.wechat.wechat_helpers import MemoryInbox
from tests.edge_server.interactions.interactions_helpers import accept, agent, edge_config, import_site

SECRET, TOKEN, UID = "xyz123xyz", "2.00token", 1234567890
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
AMR = b"#!AMR\n" + b"\x3c" * 600


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeWeibo]:
    async with FakeWeibo(app_secret=SECRET, access_token=TOKEN, push_timeout_s=2.0) as f:
        yield f


def table(fake: FakeWeibo, **over: Any) -> dict[str, Any]:
    return {"account": "wb", "app_key": "123", "app_secret": SECRET, "access_token": TOKEN,
            "api_base": fake.base_url, "media_api_base": fake.base_url, "request_timeout_s": 2.0,
            "media_timeout_s": 2.0} | over


async def pushed(fake: FakeWeibo, a: WeiboAdapter, doc: dict[str, Any]) -> InboundMessage:
    async with HookHost(a.webhooks()) as host:
        await fake.push(host.base_url + "/hooks/weibo/wb", doc)
    [item] = host.items
    assert isinstance(item, InboundMessage)
    return item


@pytest.mark.asyncio
async def test_image_is_downloaded_cached_and_failures_become_notes(fake: FakeWeibo, tmp_path: Path) -> None:
    a = from_config(table(fake, max_media_bytes=4096), tmp_path)
    inbox = MemoryInbox(tmp_path)
    await a.start(inbox)
    try:
        msg = await pushed(fake, a, fake.media_message(UID, PNG, "image/png"))
        got = await a.enrich(msg)
        [att] = got.attachments
        assert (att.content_type, att.data, att.name) == ("image/png", PNG, f"{msg.meta['tovfid']}.png")
        assert fake.media_gets == [msg.meta["tovfid"]]  # the receiver's copy, by tovfid
        again = await a.enrich(msg)  # redelivered after a crash: from the cache, no second download
        assert again.attachments == got.attachments and len(fake.media_gets) == 1

        fake.media_fail = 1  # the connection drops once: retried, fetched
        flaky = await a.enrich(await pushed(fake, a, fake.media_message(UID, AMR, "audio/amr", type="voice")))
        assert [x.content_type for x in flaky.attachments] == ["audio/amr"] and len(fake.media_gets) == 3

        big = await a.enrich(await pushed(fake, a, fake.media_message(UID, PNG * 3, "image/png")))
        assert big.attachments == [] and "over the 4096-byte limit" in big.text and "picture" in big.text

        odd = await a.enrich(await pushed(fake, a, fake.media_message(UID, b"MZ" * 10, "application/x-msdownload")))
        assert odd.attachments == [] and "application/x-msdownload files are not accepted" in odd.text

        gone = fake.message(UID, "看这个", type="image", data={"vfid": 1, "tovfid": 2})  # unknown to the fake
        lost = await a.enrich(await pushed(fake, a, gone))
        assert lost.text.startswith("看这个\n[The customer sent a picture that could not be fetched from Weibo")
        assert "(10008)" in lost.text and lost.meta["media_fid"] == "2"

        text = await pushed(fake, a, fake.message(UID, "just text"))
        assert await a.enrich(text) == text  # nothing to fetch
    finally:
        await a.stop()


@pytest.mark.asyncio
async def test_hub_stores_the_picture_and_notes_what_it_could_not_keep(fake: FakeWeibo, tmp_path: Path) -> None:
    await import_site(tmp_path)
    cfg = edge_config(tmp_path)
    cfg.channels.webhook_port = 0
    cfg.channels.weibo = [table(fake, queue="support")]
    cfg.interactions.attachment_types = ["image/png", "image/jpeg"]  # a site that takes no audio
    async with EdgeApp(cfg) as app, agent(app, "alice") as alice:
        assert app.channels is not None and app.channels.webhooks is not None
        url = f"{app.channels.webhooks.base_url}/hooks/weibo/wb"
        t0 = time.time()
        assert await fake.push(url, fake.message(UID, "我的包裹坏了", created=t0)) == 1
        offer = await alice.wait(m.OfferMade)
        iid = offer.task.interaction_id
        await accept(alice, iid)
        assert await fake.push(url, fake.media_message(UID, PNG, "image/png")) == 1
        # This site does not take audio/amr (interactions.attachment_types): fetched, then noted, not lost.
        assert await fake.push(url, fake.media_message(UID, AMR, "audio/amr", type="voice")) == 1
        assert await fake.push(url, fake.message(UID, type="image", data={"tovfid": 99})) == 1  # gone at Weibo

        async def customer_messages() -> list[ci.ChatMessage]:
            assert app.store is not None
            rows = await app.store.read(reads.transcript, iid, 0, True)
            return [r for r in rows if r.author_kind == ci.AuthorKind.CUSTOMER]

        rows: list[ci.ChatMessage] = []
        for _ in range(300):
            rows = await customer_messages()
            if len(rows) == 4:
                break
            await asyncio.sleep(0.02)
        assert len(rows) == 4, rows
        first, pic, voice, gone = rows
        assert first.text == "我的包裹坏了"
        [att] = pic.attachments
        assert (att.content_type, att.size) == ("image/png", len(PNG))
        assert app.interactions is not None
        assert app.interactions.files.path_of(att.sha256).read_bytes() == PNG  # the agent can open it
        assert voice.attachments == [] and "not kept" in voice.text and ".amr" in voice.text
        assert gone.attachments == [] and "could not be fetched from Weibo" in gone.text
        detail = await alice.request(ci.GetInteraction(interaction_id=iid))
        assert [len(x.attachments) for x in detail.messages if x.author_kind == ci.AuthorKind.CUSTOMER] == [0, 1, 0, 0]
