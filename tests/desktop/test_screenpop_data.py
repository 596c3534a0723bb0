"""Customers and timelines for the screen-pop tests and screenshots (shared by test_screenpop_*)."""
from __future__ import annotations

from edge_server.contract.interactions import (
    Channel,
    CustomerCard,
    CustomerView,
    Identity,
    IdentityKind,
    InteractionState,
    TimelineEntry,
)

NOW = 1_700_000_000_000  # 2023-11-14 22:13 UTC
HOUR = 3_600_000
DAY = 24 * HOUR

_CHANNELS = [Channel.WEBCHAT, Channel.VOICE, Channel.WECHAT, Channel.EMAIL]


def wang() -> CustomerCard:
    return CustomerCard(
        customer_id="c-wang", name="王小明", tier="platinum", vip=True, tags=["VIP", "账单", "投诉"],
        notes="偏好微信联系；上次退款已处理。",
        attributes={"会员号": "M-2024-0088", "城市": "上海"},
        identities=[Identity(kind=IdentityKind.WECHAT_OPENID, value="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
                    Identity(kind=IdentityKind.PHONE, value="+8613800138000")],
        created_ms=NOW - 400 * DAY)


def entries(n: int, *, start_ms: int = NOW, step_ms: int = 9 * HOUR, prefix: str = "i") -> list[TimelineEntry]:
    summaries = ["我的账单被重复扣款了", "How do I change my plan?", "<b>x</b> & <i>y</i>", "发票什么时候能开？",
                 "Refund status please", "网站登录不了", "快递还没到", "Thanks for the help!"]
    dispositions = ["resolved", "follow_up", "notes", ""]
    agents = [("li.wei", "李伟"), ("amy", "Amy Chen"), ("zhang", "张娜")]
    out = []
    for k in range(n):
        agent, name = agents[k % len(agents)]
        out.append(TimelineEntry(
            interaction_id=f"{prefix}{k}", channel=_CHANNELS[k % 4], state=InteractionState.CLOSED,
            created_ms=start_ms - (k + 1) * step_ms, closed_ms=start_ms - (k + 1) * step_ms + 600_000,
            queue="billing.zh" if k % 2 == 0 else "tech.en", agent=agent, agent_name=name,
            disposition=dispositions[k % 4], notes="客户要求回电" if k % 3 == 0 else "",
            follow_up=k % 4 == 1, rating=(5 - k % 5) if k % 2 == 0 else 0, summary=summaries[k % len(summaries)],
            message_count=3 + k))
    return out


def view(card: CustomerCard | None = None, n: int = 20, *, has_more: bool = False) -> CustomerView:
    return CustomerView(card=card or wang(), timeline=entries(n), has_more=has_more)
