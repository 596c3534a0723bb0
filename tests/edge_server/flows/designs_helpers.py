"""Documents and small helpers shared by the design-service and screen-form tests."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

from edge_server.contract import designs as cd
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.designs import FieldType, FlowDoc, FlowNode, FormDoc, FormField, LayoutItem, LayoutKind
from tests.edge_server.interactions.interactions_helpers import SITE, import_site


def t(en: str, zh: str | None = None) -> dict[str, str]:
    return {"en": en, "zh-CN": zh if zh is not None else f"{en}（中）"}


def flow_doc(design_id: str = "welcome", *, greeting: str = "Hello", queue: str = "support") -> FlowDoc:
    """start -> message -> route(queue) -(unavailable)-> end: valid on the interactions test site."""
    return FlowDoc(
        id=design_id, name="Welcome flow",
        entry="n_start",
        nodes=[
            FlowNode(id="n_start", type="start", exits={"next": "n_hello"}, ui={"x": 0, "y": 0}),
            FlowNode(id="n_hello", type="message", config={"text": t(greeting)}, exits={"next": "n_route"},
                     ui={"x": 200, "y": 0}),
            FlowNode(id="n_route", type="route", config={"queue": queue, "priority": "0"},
                     exits={"unavailable": "n_end"}, ui={"x": 400, "y": 0}),
            FlowNode(id="n_end", type="end", config={"text": t("Bye")}, ui={"x": 600, "y": 0}),
        ],
    )


def broken_flow(design_id: str = "broken") -> FlowDoc:
    """A route to a queue that does not exist, with its exit unwired: errors."""
    doc = flow_doc(design_id, queue="no_such_queue")
    doc.nodes[2].exits = {"unavailable": None}
    return doc


def form_doc(design_id: str = "intake") -> FormDoc:
    fields = [
        FormField(id="f_name", key="name", label=t("Name"), required="true", bind="customer.name"),
        FormField(id="f_tier", key="tier", type=FieldType.CHOICE, label=t("Tier"), bind="customer.tier",
                  options=[cd.FieldOption(value="basic", label=t("Basic")),
                           cd.FieldOption(value="gold", label=t("Gold"))]),
        # Only asked of gold customers; required when shown.
        FormField(id="f_manager", key="manager", label=t("Account manager"), required="true",
                  visible_if="tier == 'gold'"),
        FormField(id="f_email", key="email", type=FieldType.EMAIL, label=t("Email"), bind="customer.email",
                  validators=[cd.Validator(kind="pattern", value=r"^[^@\s]+@[^@\s]+\.[a-z]+$",
                                           message=t("Not an email address"))]),
        FormField(id="f_orders", key="orders", type=FieldType.NUMBER, label=t("Orders"),
                  validators=[cd.Validator(kind="min", value="0", message=t("Cannot be negative"))]),
        FormField(id="f_plan", key="plan", label=t("Plan"), bind="customer.attributes.plan"),
        FormField(id="f_subject", key="subject", label=t("Subject"), bind="interaction.subject"),
        FormField(id="f_queue", key="queue", label=t("Queue"), bind="interaction.queue", read_only="true"),
    ]
    section = LayoutItem(id="s1", kind=LayoutKind.SECTION, title=t("Customer"), children=[
        LayoutItem(id=f"l_{f.id}", kind=LayoutKind.FIELD, field=f.id) for f in fields])
    page = LayoutItem(id="p1", kind=LayoutKind.PAGE, title=t("Intake"), children=[section])
    return FormDoc(id=design_id, name="Intake form", fields=fields, pages=[page])


async def refused(call: Any, code: ErrorCode) -> SwitchboardError:
    """Await ``call``, which must fail with ``code``; the error, for more asserts."""
    with pytest.raises(SwitchboardError) as err:
        await call
    assert err.value.code == code, err.value
    return err.value


def problem_codes(problems: list[cd.Problem], severity: str | None = None) -> set[str]:
    return {p.code for p in problems if severity is None or p.severity == severity}


def details_problems(details: dict[str, Any]) -> list[dict[str, Any]]:
    return list(details.get("problems", []))


# --- one imported site per session, copied into each test's tmp_path -----------------------------
# Importing the site hashes every password (argon2) and opens a store: ~3-4 s on the shared machine.
# A closed store directory is plain files, so each test starts from its own copy instead.

SECOND_SUPERVISOR = """
[[users]]
username = "sup2"
display_name = "Second Supervisor"
role = "supervisor"
password = "switchboard1"
"""


_template: list[Path] = []  # imported once per session, whichever test module asks first


@pytest.fixture(scope="session")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Each module that imports this fixture gets its own session-scoped copy of it: share the directory.
    if not _template:
        data = tmp_path_factory.mktemp("designs-site") / "data"
        asyncio.run(import_site(data, SITE + SECOND_SUPERVISOR))
        _template.append(data)
    return _template[0]


@pytest.fixture
def site(site_template: Path, tmp_path: Path) -> Path:
    """A data directory with the interactions test site (agents alice, bob, carol; supervisors sup, sup2)."""
    data = tmp_path / "data"
    shutil.copytree(site_template, data)
    return data
