"""Visitor tokens over the socket and HMAC-identified site users (real interactions and customers)."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_server.channels.webchat import WebchatServer
from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.tokens import user_hash
from edge_server.channels.webchat.visitor import Visitor
from edge_server.interactions.service import InteractionService
from tests.edge_server.channels.webchat.webchat_helpers import (
    LIMITS,
    SECRET,
    customer_of,
    info_of,
    wait_for,
    webchat_cfg,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


def kinds(svc: InteractionService, iid: str) -> dict[str, str]:
    live = svc.live(iid)
    assert live is not None
    return dict(live.identities)


async def test_token_keeps_the_visitor_and_a_forged_one_starts_over(chat: WebchatServer) -> None:
    async with Visitor(chat.base_url) as v:
        first = v.visitor_id
    async with Visitor(chat.base_url, token=v.token) as again:
        assert again.visitor_id == first and not again.errors()
    forged = v.token[:-3] + ("AAA" if not v.token.endswith("AAA") else "BBB")
    async with Visitor(chat.base_url, token=forged) as f:
        assert f.visitor_id != first
        assert [e.code for e in f.errors()] == ["auth_failed"]


async def test_token_survives_a_restart_of_the_server(tmp_path: Path, svc: InteractionService) -> None:
    async with WebchatServer(webchat_cfg(), svc, data_dir=tmp_path, site_name="x", limits=LIMITS) as srv:
        async with Visitor(srv.base_url) as v:
            iid = (await v.start("hi")).interaction_id
    async with WebchatServer(webchat_cfg(), svc, data_dir=tmp_path, site_name="x", limits=LIMITS) as srv:
        async with Visitor(srv.base_url, token=v.token) as again:
            assert again.visitor_id == v.visitor_id
            assert again.welcome is not None and again.welcome.state == "chat"  # found through find_open
            assert again.welcome.interaction is not None and again.welcome.interaction.interaction_id == iid


async def test_signed_user_joins_their_identity(chat: WebchatServer, svc: InteractionService) -> None:
    client = p.ClientInfo(user_id="u-42", user_hash=user_hash(SECRET, "u-42"), name="Wang", email="w@x.cn")
    async with Visitor(chat.base_url, client=client) as v:
        assert v.welcome is not None and v.welcome.identified and not v.errors()
        iid = (await v.start("hi")).interaction_id
        ids = kinds(svc, iid)
        assert ids["web_user"] == "u-42" and ids["email"] == "w@x.cn"
        info = svc.info(iid)
        assert info is not None and info.customer_name == "Wang"
        # One customer owns the site user, the email and this browser.
        assert info.customer_id == await customer_of(svc, "web_user", "u-42") == await customer_of(
            svc, "web_visitor", v.visitor_id)
    # The same site user from another browser, next time: the same customer (their history joins).
    async with Visitor(chat.base_url, client=client) as other:
        assert other.visitor_id != v.visitor_id
        await other.wait_for(lambda: other.welcome is not None)
    assert await customer_of(svc, "web_user", "u-42") == info.customer_id


async def test_wrong_hash_is_refused(chat: WebchatServer, svc: InteractionService) -> None:
    client = p.ClientInfo(user_id="u-99", user_hash=user_hash(SECRET, "u-98"))
    async with Visitor(chat.base_url, client=client) as v:
        assert v.welcome is not None and not v.welcome.identified
        assert [e.code for e in v.errors()] == ["auth_failed"]
        iid = (await v.start("hi")).interaction_id
        assert set(kinds(svc, iid)) == {"web_visitor"}


@pytest.mark.parametrize("required", [True, False])
async def test_unsigned_user_id(tmp_path: Path, svc: InteractionService, required: bool) -> None:
    async with WebchatServer(webchat_cfg(identity_required=required), svc, data_dir=tmp_path, site_name="x",
                             limits=LIMITS) as srv:
        async with Visitor(srv.base_url, client=p.ClientInfo(user_id=f"u-1-{required}")) as v:
            ids = kinds(svc, (await v.start("hi")).interaction_id)
            if required:
                assert [e.code for e in v.errors()] == ["auth_failed"]
                assert set(ids) == {"web_visitor"}
            else:  # the site chose to trust its unsigned ids
                assert not v.errors() and ids["web_user"] == "u-1-False"


async def test_identified_user_finds_open_chat_from_another_browser(chat: WebchatServer,
                                                                   svc: InteractionService) -> None:
    client = p.ClientInfo(user_id="u-7", user_hash=user_hash(SECRET, "u-7"))
    async with Visitor(chat.base_url, client=client) as laptop:
        iid = (await laptop.start("from the laptop")).interaction_id
        async with Visitor(chat.base_url, client=client) as phone:  # no token: another browser
            assert phone.visitor_id != laptop.visitor_id
            assert phone.welcome is not None and phone.welcome.state == "chat"
            assert phone.welcome.interaction is not None and phone.welcome.interaction.interaction_id == iid
            await phone.send("from the phone")
            await laptop.wait_message(lambda m: m.text == "from the phone")
            assert len(svc.live_all()) == 1
        # The phone's browser closed, the laptop's is still open: the customer is still online.
        await laptop.send("still on the laptop")
        info = svc.info(iid)
        assert info is not None and info.customer_online
    await wait_for(lambda: not info_of(svc, iid).customer_online or None, what="offline")
