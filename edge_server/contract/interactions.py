"""Wire messages for interactions, chat, customers and canned responses (desktop <-> edge).

One lifecycle for every channel (``InteractionState``); the interaction id is
the routing task id of its first leg, later legs (transfers) are
``<interaction_id>.<n>``; ``TaskInfo.interaction_id`` always names the
interaction. Registered in ``messages.py`` with the roles they need.
"""
from __future__ import annotations

import enum

from edge_server.contract.messages import AgentStatus, Message, QueueStatus


class Channel(enum.StrEnum):
    VOICE = "voice"
    WEBCHAT = "chat"  # the web widget; "chat" is also the routing channel name queues use
    WECHAT = "wechat"  # WeChat Official Account (公众号)
    WECOM = "wecom"  # WeCom customer service (微信客服)
    WEIBO = "weibo"
    EMAIL = "email"
    SMS = "sms"
    APP = "app"


class IdentityKind(enum.StrEnum):
    PHONE = "phone"  # E.164, "+8613800138000"
    EMAIL = "email"  # lower-cased
    WECHAT_OPENID = "wechat_openid"
    WECHAT_UNIONID = "wechat_unionid"
    WECOM_EXTERNAL_USERID = "wecom_external_userid"  # a WeChat user as WeCom customer service sees them
    WEIBO_UID = "weibo_uid"
    WEB_VISITOR = "web_visitor"  # the widget's visitor id
    WEB_USER = "web_user"  # a site's own user id, HMAC-verified by the widget
    APP_USER = "app_user"


class InteractionState(enum.StrEnum):
    CREATED = "created"
    FLOW = "flow"  # in a bot/IVR flow (flows issue)
    QUEUED = "queued"
    OFFERED = "offered"
    CONNECTED = "connected"
    WRAPUP = "wrapup"
    CLOSED = "closed"


class AuthorKind(enum.StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"  # "Alice joined", "transferred to Sales" ...
    BOT = "bot"


class ParticipantRole(enum.StrEnum):
    OWNER = "owner"  # the agent the interaction is routed to
    CONSULT = "consult"  # sees everything; writes internal notes only
    CONFERENCE = "conference"  # sees everything; writes to the customer too


# --- value types --------------------------------------------------------------


class Identity(Message):
    kind: IdentityKind
    value: str


class Attachment(Message):
    attachment_id: str
    name: str
    content_type: str
    size: int
    sha256: str = ""


class ChatMessage(Message):
    """One entry of an interaction's transcript. Also the push ``chat_message``."""

    interaction_id: str
    seq: int  # per interaction, from 1, assigned by the edge; order by this, never by clocks
    message_id: str
    ts_ms: int
    author_kind: AuthorKind
    author: str = ""  # username for agents, customer id for customers
    author_name: str = ""
    text: str = ""  # plain text; every renderer escapes it
    private: bool = False  # internal note: agents only, never sent to the customer
    client_msg_id: str = ""  # the sender's idempotency key, echoed so an optimistic bubble is replaced
    attachments: list[Attachment] = []
    # Agent messages on cloud channels: queued | sent | delivered | read | failed ("" = not applicable).
    delivery: str = ""
    delivery_error: str = ""  # the platform's reason, in words an agent understands


class DeliveryChanged(Message):
    """Push: the delivery state of an agent's message on a cloud channel changed."""

    interaction_id: str
    seq: int
    delivery: str  # queued | sent | delivered | read | failed
    error: str = ""


class Participant(Message):
    username: str
    display_name: str = ""
    role: ParticipantRole = ParticipantRole.OWNER
    joined_ms: int = 0


class InteractionInfo(Message):
    """The live state of an interaction. Also the push ``interaction_updated``."""

    interaction_id: str
    channel: Channel
    state: InteractionState
    queue: str = ""
    customer_id: str = ""
    customer_name: str = ""
    subject: str = ""
    created_ms: int = 0  # the customer started waiting
    connected_ms: int = 0  # an agent accepted
    participants: list[Participant] = []
    last_seq: int = 0  # highest message seq
    customer_read_seq: int = 0  # receipts: the customer has seen up to here
    agent_read_seq: int = 0  # the agents have seen up to here
    customer_online: bool = True  # the visitor's page/app is connected (chat)
    task_id: str = ""  # the routing task of the current leg
    sl_target_s: float = 0.0  # the queue's service-level target (the desktop's SLA timer); 0: unknown
    # The channel's rules for the agent's composer (0 / "" / []: no limit).
    max_chars: int = 0
    reply_until_ms: int = 0  # after this the platform refuses replies (WeChat 48 h window...)
    replies_left: int = -1  # messages the platform still accepts in the window (-1: unlimited)
    media_types: list[str] = []  # content types the channel can send ([] = the edge's default list)


class CustomerCard(Message):
    customer_id: str
    name: str = ""
    tier: str = ""  # free text per site: "", "gold", "platinum"...
    vip: bool = False
    tags: list[str] = []
    notes: str = ""
    attributes: dict[str, str] = {}
    identities: list[Identity] = []
    created_ms: int = 0
    merged_into: str = ""  # set on a card that was merged away: follow it


class SubmittedField(Message):
    label_en: str
    label_zh: str = ""
    value: str = ""  # as shown: a choice's label, "是/Yes" for a ticked checkbox


class SubmittedForm(Message):
    """A screen-pop form an agent submitted for the interaction (the latest per form)."""

    name: str
    design_id: str
    revision: int
    ts_ms: int
    by: str = ""
    fields: list[SubmittedField] = []


class TimelineEntry(Message):
    """One past or present interaction of a customer, on any channel."""

    interaction_id: str
    channel: Channel
    state: InteractionState
    created_ms: int
    closed_ms: int = 0
    queue: str = ""
    queue_name_en: str = ""
    queue_name_zh: str = ""
    agent: str = ""
    agent_name: str = ""
    disposition: str = ""
    notes: str = ""
    follow_up: bool = False
    rating: int = 0  # 1..5, 0 = none
    rating_comment: str = ""
    summary: str = ""  # the customer's first message, cut to 140 characters
    message_count: int = 0
    forms: list[SubmittedForm] = []


class CannedResponse(Message):
    shortcut: str  # typed after "/" in the composer
    text: str  # may hold {customer.name}, {agent.name}, {agent.first_name}, {queue.name}
    canned_id: str = ""  # "": a new one
    title: str = ""
    scope: str = "personal"  # personal | team | site
    owner: str = ""  # username (personal) or team name (team)
    language: str = ""


class AuditEntry(Message):
    ts_ms: int
    customer_id: str
    action: str  # created | updated | identity_added | merged | merged_into | split | split_from
    by: str
    details: dict[str, str] = {}


# --- requests and replies -------------------------------------------------------


class GetInteraction(Message):
    interaction_id: str
    messages_after: int = 0  # only messages with seq > this (0: all, newest 500 at most)


class InteractionDetail(Message):
    info: InteractionInfo
    messages: list[ChatMessage] = []
    customer: CustomerCard | None = None


class SendChatMessage(Message):
    interaction_id: str
    client_msg_id: str  # a uuid; a repeat returns the first message instead of a duplicate
    text: str = ""
    private: bool = False
    attachment_ids: list[str] = []


class SetTyping(Message):
    interaction_id: str
    typing: bool


class MarkRead(Message):
    interaction_id: str
    seq: int


class UploadAttachment(Message):
    """One chunk of an agent's upload; the first has offset 0, the last final=True."""

    interaction_id: str
    upload_id: str  # the client's uuid for this upload
    name: str
    content_type: str
    offset: int
    data: bytes  # at most 192 KiB per chunk (the bus frame limit is 256 KiB)
    final: bool = False


class UploadProgress(Message):
    upload_id: str
    received: int
    attachment: Attachment | None = None  # set on the final chunk


class GetAttachment(Message):
    attachment_id: str
    offset: int = 0
    length: int = 192 * 1024


class AttachmentChunk(Message):
    attachment: Attachment
    offset: int
    data: bytes
    eof: bool


class EndInteraction(Message):
    """The owner closes the interaction (chat: the customer is asked to rate); wrap-up follows."""

    interaction_id: str


class TransferInteraction(Message):
    interaction_id: str
    to_agent: str = ""  # exactly one of to_agent / to_queue
    to_queue: str = ""
    note: str = ""  # internal note shown to the next agent


class InviteAgent(Message):
    interaction_id: str
    agent: str
    mode: ParticipantRole = ParticipantRole.CONSULT  # consult | conference
    note: str = ""


class InteractionInvite(Message):
    """Push to an invited agent."""

    interaction_id: str
    from_agent: str
    from_name: str = ""
    mode: ParticipantRole = ParticipantRole.CONSULT
    note: str = ""
    info: InteractionInfo | None = None


class AnswerInvite(Message):
    interaction_id: str
    accept: bool


class LeaveInteraction(Message):
    """A consulted/conferenced agent leaves (the owner uses end/transfer)."""

    interaction_id: str


class TypingChanged(Message):
    """Push: someone in the interaction started/stopped typing."""

    interaction_id: str
    author_kind: AuthorKind
    author: str = ""
    typing: bool = False


class InvitesAndInteractions(Message):
    """Reply of list_my_interactions: what the agent has open now (snapshot complement)."""

    interactions: list[InteractionInfo] = []
    invites: list[InteractionInvite] = []


class ListMyInteractions(Message):
    pass


class ListTransferTargets(Message):
    """What an agent may transfer/invite to: queues (with live waiting/EWT) and agents (with state)."""


class TransferTargets(Message):
    queues: list[QueueStatus] = []
    agents: list[AgentStatus] = []  # not the caller; logged-out agents included (greyed out)


class GetCustomer(Message):
    customer_id: str
    timeline_limit: int = 20


class CustomerView(Message):
    card: CustomerCard
    timeline: list[TimelineEntry] = []  # newest first
    has_more: bool = False


class GetTimeline(Message):
    """A page of older entries: those strictly before (before_ms, before_id) in (created_ms, id) order."""

    customer_id: str
    before_ms: int = 0  # 0: from the newest
    before_id: str = ""  # the last entry's interaction_id: entries sharing before_ms are not skipped
    limit: int = 50


class Timeline(Message):
    customer_id: str
    entries: list[TimelineEntry] = []
    has_more: bool = False


class GetTranscript(Message):
    interaction_id: str


class Transcript(Message):
    entry: TimelineEntry
    messages: list[ChatMessage] = []
    customer: CustomerCard | None = None


class SearchCustomers(Message):
    query: str  # name, phone, email, tag ("tag:vip"), or words from past messages
    limit: int = 50


class CustomerHit(Message):
    card: CustomerCard
    matched: str  # name | phone | email | identity | tag | message
    snippet: str = ""  # for message hits: the matching message text, cut
    interaction_id: str = ""  # for message hits


class CustomerList(Message):
    hits: list[CustomerHit] = []


class CreateCustomer(Message):
    """Create a customer (the unknown-caller card); links interaction_id to it when given."""

    name: str
    interaction_id: str = ""
    tier: str = ""
    vip: bool = False
    tags: list[str] = []
    notes: str = ""
    attributes: dict[str, str] = {}
    identities: list[Identity] = []


class UpdateCustomer(Message):
    """Change the fields that are set (None: unchanged)."""

    customer_id: str
    name: str | None = None
    tier: str | None = None
    vip: bool | None = None
    tags: list[str] | None = None
    notes: str | None = None
    attributes: dict[str, str] | None = None
    add_identities: list[Identity] = []


class LinkCustomer(Message):
    """Attach an interaction to an existing customer (the agent recognised them)."""

    interaction_id: str
    customer_id: str


class MergeCustomers(Message):
    survivor_id: str
    merged_id: str  # its identities and interactions move to survivor; it keeps merged_into
    reason: str = ""


class SplitCustomer(Message):
    customer_id: str
    identities: list[Identity]  # move to a new customer, with the interactions that came on them
    name: str = ""
    reason: str = ""


class GetCustomerAudit(Message):
    customer_id: str


class CustomerAudit(Message):
    entries: list[AuditEntry] = []


class ListCanned(Message):
    query: str = ""  # prefix of shortcut or words of title/text; "": all visible to me


class CannedList(Message):
    items: list[CannedResponse] = []


class SaveCanned(Message):
    item: CannedResponse  # team/site scope needs the supervisor role


class DeleteCanned(Message):
    canned_id: str


# --- pushes only ----------------------------------------------------------------


class CustomerChanged(Message):
    """Push to agents with an open interaction of this customer (edit, merge, split, link)."""

    card: CustomerCard
    interaction_ids: list[str] = []


# --- registry -------------------------------------------------------------------


def _register() -> None:
    from edge_server.contract.messages import Role, register_body, register_request

    for name, cls in (
        ("interaction_detail", InteractionDetail),
        ("chat_message", ChatMessage),
        ("interaction_updated", InteractionInfo),
        ("upload_progress", UploadProgress),
        ("attachment_chunk", AttachmentChunk),
        ("interaction_invite", InteractionInvite),
        ("typing_changed", TypingChanged),
        ("my_interactions", InvitesAndInteractions),
        ("transfer_targets", TransferTargets),
        ("customer_view", CustomerView),
        ("timeline", Timeline),
        ("transcript", Transcript),
        ("customer_list", CustomerList),
        ("customer_card", CustomerCard),
        ("customer_audit", CustomerAudit),
        ("canned_list", CannedList),
        ("canned_response", CannedResponse),
        ("customer_changed", CustomerChanged),
        ("delivery_changed", DeliveryChanged),
    ):
        register_body(name, cls)
    from edge_server.contract.messages import Ok

    agent, sup = Role.AGENT, Role.SUPERVISOR
    for name, body, reply, role, idem in (
        ("get_interaction", GetInteraction, InteractionDetail, agent, True),
        ("list_my_interactions", ListMyInteractions, InvitesAndInteractions, agent, True),
        ("send_chat_message", SendChatMessage, ChatMessage, agent, False),
        ("set_typing", SetTyping, Ok, agent, True),
        ("mark_read", MarkRead, Ok, agent, True),
        ("upload_attachment", UploadAttachment, UploadProgress, agent, False),
        ("get_attachment", GetAttachment, AttachmentChunk, agent, True),
        ("end_interaction", EndInteraction, Ok, agent, False),
        ("transfer_interaction", TransferInteraction, Ok, agent, False),
        ("list_transfer_targets", ListTransferTargets, TransferTargets, agent, True),
        ("invite_agent", InviteAgent, Ok, agent, False),
        ("answer_invite", AnswerInvite, InteractionDetail, agent, False),
        ("leave_interaction", LeaveInteraction, Ok, agent, False),
        ("get_customer", GetCustomer, CustomerView, agent, True),
        ("get_timeline", GetTimeline, Timeline, agent, True),
        ("get_transcript", GetTranscript, Transcript, agent, True),
        ("search_customers", SearchCustomers, CustomerList, agent, True),
        ("create_customer", CreateCustomer, CustomerCard, agent, False),
        ("update_customer", UpdateCustomer, CustomerCard, agent, False),
        ("link_customer", LinkCustomer, CustomerCard, agent, False),
        ("merge_customers", MergeCustomers, CustomerCard, sup, False),
        ("split_customer", SplitCustomer, CustomerCard, sup, False),
        ("get_customer_audit", GetCustomerAudit, CustomerAudit, sup, True),
        ("list_canned", ListCanned, CannedList, agent, True),
        ("save_canned", SaveCanned, CannedResponse, agent, False),
        ("delete_canned", DeleteCanned, Ok, agent, False),
    ):
        register_request(name, body, reply, role, idempotent=idem)


_register()
