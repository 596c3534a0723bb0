"""Visitor tokens over the socket and HMAC-identified site users."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_server.channels.webchat import WebchatServer
from edge_server.channels.webchat import protocol as p
from edge_server.channels.webchat.tokens import user_hash
from edge_server.channels.webchat.visitor import Visitor
from edge_server.contract.interactions import Identity, IdentityKind
from tests.edge_server.channels.webchat.conftest import LIMITS, SECRET, webchat_cfg
from tests.edge_server.channels.webchat.fake_interactions import FakeInteractions


@pytest.mark.asyncio
async def test_token_keeps_the_visitor_and_a_forged_one_starts_over(chat: WebchatServer) -> None:
    async with Visitor(chat.base_url) as v:
        first = v.visitor_id
    async with Visitor(chat.base_url, token=v.token) as again:
        assert again.visitor_id == first and not again.errors()
    forged = v.token[:-3] + ("AAA" if not v.token.endswith("AAA") else "BBB")
    async with Visitor(chat.base_url, token=forged) as f:
        assert f.visitor_id != first
        assert [e.code for e in f.errors()] == ["auth_failed"]


@pytest.mark.asyncio
async def test_token_survives_a_restart_of_the_server(tmp_path: Path, fake: FakeInteractions) -> None:
    async with WebchatServer(webchat_cfg(), fake, data_dir=tmp_path, site_name="x", limits=LIMITS) as srv:
        async with Visitor(srv.base_url) as v:
            await v.start("hi")
    async with WebchatServer(webchat_cfg(), fake, data_dir=tmp_path, site_name="x", limits=LIMITS) as srv:
        async with Visitor(srv.base_url, token=v.token) as again:
            assert again.visitor_id == v.visitor_id
            assert again.welcome is not None and again.welcome.state == "chat"  # found through find_open


@pytest.mark.asyncio
async def test_signed_user_joins_their_identity(chat: WebchatServer, fake: FakeInteractions) -> None:
    client = p.ClientInfo(user_id="u-42", user_hash=user_hash(SECRET, "u-42"), name="Wang", email="w@x.cn")
    async with Visitor(chat.base_url, client=client) as v:
        assert v.welcome is not None and v.welcome.identified and not v.errors()
        await v.start("hi")
        ids = fake.live[fake.only()].identities
        assert Identity(kind=IdentityKind.WEB_USER, value="u-42") in ids
        assert Identity(kind=IdentityKind.EMAIL, value="w@x.cn") in ids
        assert fake.live[fake.only()].name == "Wang"


@pytest.mark.asyncio
async def test_wrong_hash_is_refused(chat: WebchatServer, fake: FakeInteractions) -> None:
    client = p.ClientInfo(user_id="u-42", user_hash=user_hash(SECRET, "u-43"))
    async with Visitor(chat.base_url, client=client) as v:
        assert v.welcome is not None and not v.welcome.identified
        assert [e.code for e in v.errors()] == ["auth_failed"]
        await v.start("hi")
        assert {i.kind for i in fake.live[fake.only()].identities} == {IdentityKind.WEB_VISITOR}


@pytest.mark.asyncio
@pytest.mark.parametrize("required", [True, False])
async def test_unsigned_user_id(tmp_path: Path, fake: FakeInteractions, required: bool) -> None:
    async with WebchatServer(webchat_cfg(identity_required=required), fake, data_dir=tmp_path, site_name="x",
                             limits=LIMITS) as srv:
        async with Visitor(srv.base_url, client=p.ClientInfo(user_id="u-1")) as v:
            await v.start("hi")
            kinds = {i.kind for i in fake.live[fake.only()].identities}
            if required:
                assert [e.code for e in v.errors()] == ["auth_failed"]
                assert kinds == {IdentityKind.WEB_VISITOR}
            else:  # the site chose to trust its unsigned ids
                assert not v.errors() and IdentityKind.WEB_USER in kinds


@pytest.mark.asyncio
async def test_identified_user_finds_open_chat_from_another_browser(chat: WebchatServer,
                                                                   fake: FakeInteractions) -> None:
    client = p.ClientInfo(user_id="u-7", user_hash=user_hash(SECRET, "u-7"))
    async with Visitor(chat.base_url, client=client) as laptop:
        await laptop.start("from the laptop")
        async with Visitor(chat.base_url, client=client) as phone:  # no token: another browser
            assert phone.visitor_id != laptop.visitor_id
            assert phone.welcome is not None and phone.welcome.state == "chat"
