"""Fixed egress in a real edge: a WeChat customer's message comes in through the relay, an agent
answers in the workspace, and the reply leaves from the relay's address (the fake WeChat refuses
every other address with 40164). ``channels.relay_egress`` names the channels that send through it."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_server.app import EdgeApp
from edge_server.channels.wechat.adapter import WeChatAdapter
from edge_server.config import ChannelsSection
from edge_server.contract import interactions as ci
from edge_server.contract.messages import OfferMade
from edge_server.relay.config import RelayConfig, RelaySection
from edge_server.relay.server import RelayServer
from tests.edge_server.interactions.interactions_helpers import accept, agent, edge_config, import_site, wait_for
from tests.edge_server.relay.test_relay_egress import APP, OPENID, RELAY_ADDRESS, fake_wechat, table


@pytest.mark.asyncio
async def test_agent_reply_leaves_from_the_relay(tmp_path: Path) -> None:
    await import_site(tmp_path / "edge")
    async with fake_wechat() as fake:
        relay_cfg = RelayConfig(relay=RelaySection(
            data_dir=str(tmp_path / "relay"), http_port=0, link_endpoint="tcp://127.0.0.1:0", curve=False,
            heartbeat_s=0.5, egress_allow=[fake.url], egress_source=RELAY_ADDRESS))
        relay_side = WeChatAdapter.from_config(table(fake.url), tmp_path / "relay-channels")
        async with RelayServer(relay_cfg, relay_side.webhooks()) as relay:
            assert relay.hooks and relay.feed and relay.egress
            fake.webhook_url = f"{relay.hooks.url}/hooks/wechat/{APP}"
            cfg = edge_config(tmp_path / "edge")
            # The test edge runs without CURVE (bus.curve = false), so the link is plain here;
            # test_relay_egress.py covers egress over a CURVE link.
            cfg.channels = ChannelsSection(relay=relay.feed.address, relay_egress=["wechat"],
                                          wechat=[{**table(fake.url), "queue": "support"}])
            async with EdgeApp(cfg) as app, agent(app, "alice") as alice:
                assert app.channels is not None and app.channels.webhooks is None  # pushes come via the relay
                pushed = await fake.push(fake.message(OPENID, "text", Content="你好，我的订单呢？"))
                assert pushed.acknowledged
                offer = await alice.wait(OfferMade)
                iid = offer.task.interaction_id
                await accept(alice, iid)
                sent = await alice.request(ci.SendChatMessage(interaction_id=iid, client_msg_id="r1",
                                                              text="您好，马上为您查询"))
                await alice.wait(ci.DeliveryChanged, lambda d: d.seq == sent.seq and d.delivery == "sent")
                await wait_for(lambda: fake.state.sent, timeout=5)
        assert [(m["touser"], m["text"]["content"]) for m in fake.state.sent] == [(OPENID, "您好，马上为您查询")]
        assert relay.egress.performed >= 2  # the token and the reply, both from the relay's address
        assert [c for c in fake.state.calls if c[1] == 40164] == []
