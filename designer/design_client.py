"""Typed calls for every design request of the wire contract (edge_server/contract/designs.py).

Qt-free. Each method returns the reply struct or raises :class:`DesignRequestError`
carrying the wire error code, so callers can treat a CONFLICT apart from the rest.
"""
from __future__ import annotations

import logging
from typing import Protocol, TypeVar

from edge_server.contract.designs import (
    Binding,
    BindingList,
    DesignDetail,
    DesignDiff,
    DesignList,
    DesignSummary,
    DiffRevisions,
    Document,
    DraftSaved,
    FlowDoc,
    FlowTestCase,
    GetDesign,
    GetRefCatalog,
    ListBindings,
    ListDesigns,
    ListRevisions,
    PublishDesign,
    RefCatalog,
    RevisionInfo,
    RevisionList,
    RunSimulation,
    SaveDraft,
    SetAlias,
    SetBinding,
    SimulationResult,
)
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Message

log = logging.getLogger("sb.designer")

R = TypeVar("R", bound=Message)


class Requester(Protocol):
    async def request(self, body: Message, *, timeout: float | None = None) -> Message: ...


class DesignRequestError(Exception):
    """A design request the edge refused or did not answer."""

    def __init__(self, command: str, code: ErrorCode, message: str, details: dict | None = None) -> None:
        super().__init__(f"{command}: {message} ({code})")
        self.command = command
        self.code = code
        self.message = message
        self.details = dict(details or {})


class DesignClient:
    """The design requests, typed; one per logged-in session."""

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    async def _call(self, command: str, body: Message, reply_type: type[R]) -> R:
        try:
            reply = await self._requester.request(body)
        except SwitchboardError as e:
            log.warning("%s refused: %s (%s)", command, e.message, e.code)
            raise DesignRequestError(command, e.code, e.message, e.details) from e
        if not isinstance(reply, reply_type):
            # A reply of the wrong type is the edge's bug or a contract mismatch; say which.
            raise DesignRequestError(command, ErrorCode.INTERNAL,
                                     f"unexpected reply {type(reply).__name__}")
        return reply

    async def list_designs(self, kind: str = "") -> list[DesignSummary]:
        return list((await self._call("list_designs", ListDesigns(kind=kind), DesignList)).items)

    async def get_design(self, design_id: str, revision: int = 0) -> DesignDetail:
        return await self._call("get_design", GetDesign(design_id=design_id, revision=revision), DesignDetail)

    async def save_draft(self, document: Document, base_version: int) -> DraftSaved:
        return await self._call("save_draft", SaveDraft(document=document, base_version=base_version), DraftSaved)

    async def publish(self, design_id: str, draft_version: int, message: str, make_live: bool) -> RevisionInfo:
        body = PublishDesign(design_id=design_id, draft_version=draft_version, message=message, make_live=make_live)
        return await self._call("publish_design", body, RevisionInfo)

    async def list_revisions(self, design_id: str) -> RevisionList:
        return await self._call("list_revisions", ListRevisions(design_id=design_id), RevisionList)

    async def set_live(self, design_id: str, revision: int) -> RevisionList:
        return await self._call("set_alias", SetAlias(design_id=design_id, revision=revision), RevisionList)

    async def diff(self, design_id: str, from_revision: int, to_revision: int) -> DesignDiff:
        body = DiffRevisions(design_id=design_id, from_revision=from_revision, to_revision=to_revision)
        return await self._call("diff_revisions", body, DesignDiff)

    async def list_bindings(self) -> list[Binding]:
        return list((await self._call("list_bindings", ListBindings(), BindingList)).items)

    async def set_binding(self, binding: Binding) -> list[Binding]:
        return list((await self._call("set_binding", SetBinding(binding=binding), BindingList)).items)

    async def ref_catalog(self) -> RefCatalog:
        return await self._call("get_ref_catalog", GetRefCatalog(), RefCatalog)

    async def run_simulation(self, document: FlowDoc, test: FlowTestCase) -> SimulationResult:
        return await self._call("run_simulation", RunSimulation(document=document, test=test), SimulationResult)
