"""Uploads with limits, attachment access, the offline form, and the widget's files."""
from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from edge_server.channels.webchat import WebchatServer
from edge_server.channels.webchat.visitor import Visitor, VisitorError
from tests.edge_server.channels.webchat.conftest import LIMITS
from tests.edge_server.channels.webchat.fake_interactions import FakeInteractions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.mark.asyncio
async def test_upload_send_and_download(chat: WebchatServer, fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as v:
        with pytest.raises(VisitorError) as e:
            await v.upload("a.png", "image/png", PNG)  # no conversation yet
        assert e.value.code == "conflict"
        await v.start("hi")
        up = await v.upload("a.png", "image/png", PNG)
        assert up["size"] == len(PNG) and up["content_type"] == "image/png"
        ack = await v.send("", attachment_ids=[str(up["attachment_id"])])
        stored = fake.live[fake.only()].messages[ack.seq - 1]
        assert [a.attachment_id for a in stored.attachments] == [up["attachment_id"]]
        async with aiohttp.ClientSession() as s:
            url = f"{chat.base_url}/widget/attachment/{up['attachment_id']}"
            async with s.get(url, params={"token": v.token}) as r:
                assert r.status == 200 and await r.read() == PNG
                assert r.headers["X-Content-Type-Options"] == "nosniff"
            async with Visitor(chat.base_url) as stranger, s.get(url, params={"token": stranger.token}) as r:
                assert r.status == 404
            async with s.get(url, params={"token": "forged"}) as r:
                assert r.status == 401


@pytest.mark.asyncio
async def test_upload_limits(chat: WebchatServer, fake: FakeInteractions) -> None:
    async with Visitor(chat.base_url) as v:
        await v.start("hi")
        with pytest.raises(VisitorError) as e:
            await v.upload("big.png", "image/png", b"x" * (LIMITS.max_attachment_bytes + 1))
        assert e.value.code == "too_large"
        with pytest.raises(VisitorError) as e:
            await v.upload("evil.html", "text/html", b"<script>")
        assert "not accepted" in str(e.value)
        with pytest.raises(VisitorError):
            await v.upload("empty.txt", "text/plain", b"")
        async with aiohttp.ClientSession() as s, s.post(f"{chat.base_url}/widget/upload", data=b"x",
                                                      headers={"X-Visitor-Token": "nope"}) as r:
            assert r.status == 401
        assert not fake.attachments
        with pytest.raises(VisitorError) as e:
            await v.send("", attachment_ids=["not-mine"])
        assert e.value.code == "not_found"


@pytest.mark.asyncio
async def test_offline_form_when_nobody_is_logged_in(chat: WebchatServer, fake: FakeInteractions) -> None:
    fake.agents_logged_in = 0
    async with Visitor(chat.base_url) as v:
        assert v.welcome is not None and v.welcome.state == "offline" and not v.welcome.available
        with pytest.raises(VisitorError) as e:
            await v.start("anyone?")
        assert e.value.code == "unavailable"
        await v.offline("Please call me back", name="Zhang", email="z@example.com")
        queue, ids, name, text = fake.offline[0]
        assert (queue, name, text) == ("sales", "Zhang", "Please call me back")
        assert {i.kind.value for i in ids} == {"web_visitor", "email"}
        with pytest.raises(VisitorError):
            await v.offline("   ")


@pytest.mark.asyncio
async def test_widget_files_are_served_without_external_resources(chat: WebchatServer) -> None:
    async with aiohttp.ClientSession() as s:
        for name in ("embed.js", "frame.html", "frame.js", "frame.css", "i18n.js"):
            async with s.get(f"{chat.base_url}/widget/{name}") as r:
                assert r.status == 200, name
                body = await r.text()
                assert "http://" not in body and "https://" not in body.replace("https://edge", ""), name
        async with s.get(f"{chat.base_url}/widget/frame.js") as r:
            js = await r.text()
            assert ".innerHTML" not in js and "insertAdjacentHTML" not in js  # textContent only
        async with s.get(f"{chat.base_url}/widget/../server.py") as r:
            assert r.status == 404
        async with s.get(f"{chat.base_url}/widget/test.html", params={"lang": '"><script>x</script>'}) as r:
            page = await r.text()
            assert "<script>x</script>" not in page and 'data-lang="&quot;&gt;&lt;script&gt;' in page


