"""The commands the Ctrl+K palette offers, built from the main window's current state."""
from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence

from desktop.reasons import reason_label
from desktop.texts import channel_name, customer_name, state_name
from desktop.workspace.chat_view import ChatView
from desktop.workspace.command_palette import PaletteCommand
from desktop.workspace.target_picker import PickMode
from desktop.workspace.work_model import queue_label
from edge_server.contract.messages import AgentState, ReasonKind

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

PALETTE_KEYS = QKeySequence("Ctrl+K")


def customer_search_dialog_class() -> type[Any] | None:
    """H4b's CustomerSearchDialog once it exists (None before; errors inside it propagate)."""
    try:
        found = importlib.util.find_spec("desktop.screenpop.search_dialog")
    except ModuleNotFoundError:
        found = None
    if found is None:
        return None
    return importlib.import_module("desktop.screenpop.search_dialog").CustomerSearchDialog  # type: ignore[no-any-return]


def workspace_commands(w: MainWindow) -> list[PaletteCommand]:
    out: list[PaletteCommand] = []
    wl = w.work_list
    for item in wl.model.items():
        name = customer_name(item.task.customer_name)
        out.append(PaletteCommand(
            QCoreApplication.translate("Palette", "Go to {customer} ({channel}, {queue})").format(
                customer=name, channel=channel_name(item.task.channel), queue=queue_label(item.task)),
            lambda task_id=item.task_id: wl.select_task(task_id),
            keywords=f"switch {item.task.customer_name} {item.task.queue} {item.task_id}",
        ))
    if w.session_logged_in():
        out.append(PaletteCommand(QCoreApplication.translate("Palette", "Set state: {state}").format(state=state_name(AgentState.READY)),
                                  lambda: w.request_state(AgentState.READY), keywords="ready available 示闲"))
        for rc in w.reasons.of_kind(ReasonKind.NOT_READY):
            out.append(PaletteCommand(
                QCoreApplication.translate("Palette", "Set state: {state} – {reason}").format(
                    state=state_name(AgentState.NOT_READY), reason=reason_label(rc)),
                lambda code=rc.code: w.request_state(AgentState.NOT_READY, code),
                keywords=f"not ready busy pause {rc.code} {rc.label_en} {rc.label_zh}"))
        if not w.reasons.of_kind(ReasonKind.NOT_READY):  # a site without reasons: plain Not Ready
            out.append(PaletteCommand(
                QCoreApplication.translate("Palette", "Set state: {state}").format(
                    state=state_name(AgentState.NOT_READY)),
                lambda: w.request_state(AgentState.NOT_READY), keywords="not ready busy pause 示忙"))
    chat = wl.current_view()
    if isinstance(chat, ChatView) and chat.composer.isVisible():
        out.append(PaletteCommand(QCoreApplication.translate("Palette", "Insert a canned response"), lambda c=chat: _open_canned(c),
                                  keywords="canned macro quick reply /"))
        if chat.transfer_button.isVisible():
            out.append(PaletteCommand(QCoreApplication.translate("Palette", "Transfer this chat…"), lambda c=chat: c.open_picker(PickMode.TRANSFER),
                                      keywords="transfer hand over"))
            out.append(PaletteCommand(QCoreApplication.translate("Palette", "Consult an agent…"), lambda c=chat: c.open_picker(PickMode.CONSULT),
                                      keywords="consult ask"))
            out.append(PaletteCommand(QCoreApplication.translate("Palette", "End this chat"), lambda c=chat: c.end_button.click(),
                                      keywords="end close finish"))
    search = customer_search_dialog_class()
    if search is not None and w.session_logged_in():  # the search asks the edge
        out.append(PaletteCommand(QCoreApplication.translate("Palette", "Search customers…"),
                                  lambda: _open_search(search, w), keywords="customer find lookup 客户"))
    out.append(PaletteCommand(QCoreApplication.translate("Palette", "Switch language (English / 中文)"), w.toggle_language,
                              keywords="language chinese english 语言"))
    if w.session_logged_in():
        out.append(PaletteCommand(QCoreApplication.translate("Palette", "Log out"), w.logout_requested.emit,
                                  keywords="logout sign out exit 退出"))
    return out


def _open_search(dialog_class: type[Any], w: MainWindow) -> None:
    dialog = dialog_class(w.hub, w)
    # Parented to the window: without this every search opened from the palette stayed in memory.
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()


def _open_canned(chat: ChatView) -> None:
    chat.composer.set_text("/")
    chat.composer.edit.setFocus()
