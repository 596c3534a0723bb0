"""Uploads with limits, attachment access, the offline form, and the widget's files (real service)."""
from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from edge_server.channels.webchat import WebchatServer
from edge_server.channels.webchat.visitor import Visitor, VisitorError
from edge_server.interactions import customer_reads
from edge_server.interactions.service import InteractionService
from tests.edge_server.channels.webchat.webchat_helpers import LIMITS, customer_of, webchat_cfg

pytestmark = pytest.mark.asyncio(loop_scope="module")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def stored_files(svc: InteractionService) -> list[Path]:
    root = svc.files.path_of("0" * 64).parent
    return [f for f in root.iterdir() if f.is_file()] if root.exists() else []


async def test_upload_send_and_download(chat: WebchatServer, svc: InteractionService) -> None:
    async with Visitor(chat.base_url) as v:
        with pytest.raises(VisitorError) as e:
            await v.upload("a.png", "image/png", PNG)  # no conversation yet
        assert e.value.code == "conflict"
        await v.start("hi")
        up = await v.upload("a.png", "image/png", PNG)
        assert up["size"] == len(PNG) and up["content_type"] == "image/png"
        ack = await v.send("", attachment_ids=[str(up["attachment_id"])])
        live = svc.live(ack.interaction_id)
        assert live is not None
        stored = live.messages[ack.seq - 1]
        assert [a.attachment_id for a in stored.attachments] == [up["attachment_id"]]
        assert v.messages[ack.seq].attachments[0].name == "a.png"
        found = svc.attachment_path(str(up["attachment_id"]))
        assert found is not None and found[1].read_bytes() == PNG  # content-addressed file on the edge
        async with aiohttp.ClientSession() as s:
            url = f"{chat.base_url}/widget/attachment/{up['attachment_id']}"
            async with s.get(url, params={"token": v.token}) as r:
                assert r.status == 200 and await r.read() == PNG
                assert r.headers["X-Content-Type-Options"] == "nosniff"
            async with Visitor(chat.base_url) as stranger, s.get(url, params={"token": stranger.token}) as r:
                assert r.status == 404
            async with s.get(url, params={"token": "forged"}) as r:
                assert r.status == 401


async def test_upload_limits(chat: WebchatServer, svc: InteractionService) -> None:
    before = stored_files(svc)
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
        assert stored_files(svc) == before
        with pytest.raises(VisitorError) as e:
            await v.send("", attachment_ids=["not-mine"])
        assert e.value.code == "not_found"


async def test_offline_form_when_nobody_is_logged_in(tmp_path: Path, svc: InteractionService) -> None:
    # "nobody": a chat queue no logged-in agent is eligible for (the bot is logged in, for "web" only).
    async with WebchatServer(webchat_cfg(queue="nobody"), svc, data_dir=tmp_path, site_name="x",
                             limits=LIMITS) as srv, Visitor(srv.base_url) as v:
        assert v.welcome is not None and v.welcome.state == "offline" and not v.welcome.available
        with pytest.raises(VisitorError) as e:
            await v.start("anyone?")
        assert e.value.code == "unavailable"
        assert not svc.live_all()
        await v.offline("Please call me back", name="Zhang", email="Zhang@Example.com")
        # Stored as a closed interaction flagged for follow-up on the customer the form identified.
        customer = await customer_of(svc, "email", "zhang@example.com")
        assert customer == await customer_of(svc, "web_visitor", v.visitor_id)
        tl = await svc.store.read(customer_reads.timeline, customer, 0, 10)
        [entry] = tl.entries
        assert (entry.queue, entry.state, entry.disposition, entry.follow_up) == (
            "nobody", "closed", "offline_message", True)
        assert entry.summary == "Please call me back"
        card = await svc.store.read(customer_reads.customer_card, customer, True)
        assert card is not None and card.name == "Zhang"
        with pytest.raises(VisitorError):
            await v.offline("   ")


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


