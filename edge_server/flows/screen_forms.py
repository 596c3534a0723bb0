"""Screen-pop forms at the desktop: the live form of the interaction's queue, prefilled; submissions checked again.

The desktop renders the form and checks it with the same code (forms_eval.py),
but the edge does not trust it: a submission is evaluated again here against
the revision the agent filled in (visibility, required, validators; hidden
fields are never validated and dropped when they clear on hide). Fields bound
to the customer's name, tier, notes, attributes (and email / phone, as
identities) write back through the customer service.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from edge_server.contract import designs as cd
from edge_server.contract import events as ev
from edge_server.contract import interactions as ci
from edge_server.contract.designs import FormDoc
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Message
from edge_server.flows import design_reads, forms_eval
from edge_server.flows.interaction_access import check_access
from edge_server.store import StoreError

if TYPE_CHECKING:
    from edge_server.agents.directory import Directory
    from edge_server.interactions.customers import CustomerService
    from edge_server.interactions.service import InteractionService
    from edge_server.store import Store

log = logging.getLogger("sb.forms")

#: Largest submission accepted (encoded JSON); a 300-field form of short answers is far below.
MAX_VALUES_BYTES = 256 * 1024
_CUSTOMER = "customer."
_ATTR = "customer.attributes."

Route = Callable[[Any, Any, str], Awaitable[Message]]


class FormSource(Protocol):
    """What this needs of the design service: the bound live form and any published revision."""

    def live_form(self, queue: str) -> tuple[str, int, FormDoc] | None: ...

    def form_revision(self, design_id: str, revision: int) -> FormDoc | None: ...


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class _Facts(msgspec.Struct, kw_only=True):
    customer_id: str
    channel: str
    queue: str
    subject: str
    attributes: dict[str, str]


class ScreenForms:
    def __init__(self, store: Store, directory: Directory, customers: CustomerService,
                 interactions: InteractionService, source: FormSource, *,
                 now_ms: Callable[[], int] = wall_ms) -> None:
        self._store = store
        self._dir = directory
        self._customers = customers
        self._interactions = interactions
        self._source = source
        self._now_ms = now_ms
        self.routes: dict[str, Route] = {
            "get_screen_form": self._get_screen_form,
            "submit_form": self._submit_form,
        }

    async def _get_screen_form(self, conn: Any, req: cd.GetScreenForm, user: str) -> cd.ScreenForm:
        iid = req.interaction_id
        live = await check_access(self._interactions, iid, user, write=False)
        facts = await self._facts(iid, live)
        submissions = await self._read(design_reads.form_submissions, iid)
        found = self._source.live_form(facts.queue) if facts.queue else None
        if found is None:
            return cd.ScreenForm(interaction_id=iid, submissions=submissions)
        design_id, revision, doc = found
        context = await self.context(facts, iid, user)
        return cd.ScreenForm(interaction_id=iid, form=doc, design_id=design_id, revision=revision,
                             values=forms_eval.prefill(doc, context), submissions=submissions)

    async def _submit_form(self, conn: Any, req: cd.SubmitForm, user: str) -> cd.FormSubmission:
        iid = req.interaction_id
        live = await check_access(self._interactions, iid, user, write=True)
        size = len(msgspec.json.encode(req.values))
        if size > MAX_VALUES_BYTES:
            raise SwitchboardError(ErrorCode.TOO_LARGE, f"the form values are {size} bytes; at most "
                                   f"{MAX_VALUES_BYTES} are accepted", size=size, limit=MAX_VALUES_BYTES)
        # The revision the agent filled in, not whatever is live now: answers keep the form they answered.
        doc = self._source.form_revision(req.design_id, req.revision)
        if doc is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no form {req.design_id!r} revision {req.revision}",
                                   design_id=req.design_id, revision=req.revision)
        facts = await self._facts(iid, live)
        context = await self.context(facts, iid, user)
        errors, cleaned = forms_eval.check(doc, dict(req.values), context)
        if errors:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   f"{len(errors)} field(s) need attention", errors=msgspec.to_builtins(errors))
        if facts.customer_id:
            await self._write_back(doc, cleaned, context, facts.customer_id, user)
        now = int(self._now_ms())
        submission = cd.FormSubmission(submission_id=uuid.uuid4().hex, interaction_id=iid, design_id=req.design_id,
                                       revision=req.revision, values=cleaned, by=user, ts_ms=now)
        try:
            await self._store.append([ev.FormSubmitted(
                ts_ms=now, submission_id=submission.submission_id, interaction_id=iid, design_id=req.design_id,
                revision=req.revision, values=cleaned, by=user)])
        except StoreError as e:
            log.critical("store refused a form submission: %s", e)
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}") from e
        log.info("%s submitted form %s r%d for %s", user, req.design_id, req.revision, iid)
        return submission

    # --- context -------------------------------------------------------------------------------

    async def context(self, facts: _Facts, iid: str, user: str) -> dict[str, Any]:
        """Dotted names the form's defaults, bindings and expressions may read."""
        u = self._dir.users.get(user)
        ctx: dict[str, Any] = {
            "interaction.id": iid,
            "interaction.subject": facts.subject,
            "interaction.queue": facts.queue,
            "interaction.channel": facts.channel,
            "agent.username": user,
            "agent.name": u.display_name if u is not None else user,
        }
        for k, v in facts.attributes.items():
            if not k.startswith("sb."):  # the edge's own bookkeeping, not the customer's data
                ctx[f"interaction.attributes.{k}"] = v
        card = await self._customers.card(facts.customer_id) if facts.customer_id else None
        if card is not None:
            ctx.update({
                "customer.id": card.customer_id,
                "customer.name": card.name,
                "customer.tier": card.tier,
                "customer.vip": card.vip,
                "customer.notes": card.notes,
                "customer.tags": list(card.tags),
                "customer.email": _first(card, ci.IdentityKind.EMAIL),
                "customer.phone": _first(card, ci.IdentityKind.PHONE),
            })
            for k, v in card.attributes.items():
                ctx[f"{_ATTR}{k}"] = v
        return ctx

    async def _facts(self, iid: str, live: Any) -> _Facts:
        if live is not None:
            info = live.info
            return _Facts(customer_id=info.customer_id, channel=info.channel.value, queue=info.queue,
                          subject=info.subject, attributes=dict(live.attributes))
        row = await self._read(design_reads.interaction_facts, iid)
        if row is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no interaction {iid!r}", interaction_id=iid)
        return _Facts(customer_id=row.customer_id, channel=row.channel, queue=row.queue, subject=row.subject,
                      attributes=row.attributes)

    # --- write-back ------------------------------------------------------------------------------

    async def _write_back(self, doc: FormDoc, values: dict[str, Any], context: dict[str, Any], customer_id: str,
                          user: str) -> None:
        """Customer fields the form binds, changed through the customer service (audited there)."""
        card = await self._customers.card(customer_id)
        if card is None:
            return
        fields: dict[str, Any] = {}
        attributes = dict(card.attributes)
        identities: list[ci.Identity] = []
        scope = forms_eval.scope_of(doc, values, context)
        for f in doc.fields:
            if not f.bind.startswith(_CUSTOMER) or f.key not in values:
                continue
            if forms_eval.is_read_only(f, scope):  # shown, not editable: nothing the agent may write back
                continue
            value = values[f.key]
            # Empty answers never erase what the customer record holds: a blank field is "not asked".
            if value is None or value == "" or value == []:
                continue
            text = _text(value)
            if f.bind in ("customer.name", "customer.tier", "customer.notes"):
                name = f.bind.removeprefix(_CUSTOMER)
                if getattr(card, name) != text:
                    fields[name] = text
            elif f.bind.startswith(_ATTR) and len(f.bind) > len(_ATTR):
                attributes[f.bind.removeprefix(_ATTR)] = text
            elif f.bind in ("customer.email", "customer.phone"):
                kind = ci.IdentityKind.EMAIL if f.bind == "customer.email" else ci.IdentityKind.PHONE
                identities.append(ci.Identity(kind=kind, value=text))
        if attributes != card.attributes:
            fields["attributes"] = attributes
        try:
            identities = self._customers.normalise(identities)
        except SwitchboardError as e:  # the form's own validators should have caught it; keep the rest
            log.warning("form identities of %s not linked: %s", customer_id, e.message)
            identities = []
        have = {(i.kind, i.value) for i in card.identities}
        identities = [i for i in identities if (i.kind, i.value) not in have]
        if not fields and not identities:
            return
        update = self._customers.routes["update_customer"]
        body = ci.UpdateCustomer(customer_id=customer_id, add_identities=identities, **fields)
        try:
            await update(None, body, user)
        except SwitchboardError as e:
            if e.code != ErrorCode.CONFLICT or not identities:
                raise
            # The email or phone belongs to another customer: that is a merge for a person to decide,
            # not something a form should do. Keep the other fields.
            log.info("form for %s: identity not linked (%s); other fields saved", customer_id, e.message)
            if fields:
                await update(None, ci.UpdateCustomer(customer_id=customer_id, **fields), user)

    async def _read(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return await self._store.read(fn, *args)
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot read forms now: {e}") from e


def _first(card: ci.CustomerCard, kind: ci.IdentityKind) -> str:
    return next((i.value for i in card.identities if i.kind == kind), "")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)
