"""Awaiting a dialog without a nested event loop (the qasync loop keeps running while it is open)."""
from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


async def run_dialog(dialog: QDialog) -> int:
    """Open ``dialog`` window-modal and return its result code once it closes.

    ``exec()`` would start a nested Qt event loop inside a coroutine, which qasync
    cannot resume tasks from reliably; ``open()`` plus a future keeps one loop.
    """
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def _on_finished(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(_on_finished)
    dialog.open()
    try:
        return await future
    finally:
        dialog.finished.disconnect(_on_finished)


async def confirm(parent: QWidget, title: str, text: str, *, yes: str, object_name: str) -> bool:
    """A Yes/Cancel question; True when the user chose ``yes``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName(object_name)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    await run_dialog(box)
    chosen = box.clickedButton() is yes_button
    box.deleteLater()
    return chosen


async def inform(parent: QWidget, title: str, text: str, *, object_name: str,
                 icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> None:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(object_name)
    await run_dialog(box)
    box.deleteLater()
