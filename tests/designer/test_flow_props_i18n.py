"""The property panels in Chinese: node labels from nodetypes' label_zh, chrome from our catalogue, live switch.

Also writes the screenshots looked at in review: /tmp/props_menu.png, /tmp/props_bot.png,
/tmp/props_settings.png (and English twins).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from test_flow_props_support import english, make_panel, node, settle, show  # noqa: E402, F401

from designer.flow.properties import FlowSettingsPanel  # noqa: E402
from desktop.paths import i18n_dir  # noqa: E402
from edge_server.contract.designs import FlowDoc, Problem, Severity, Variable  # noqa: E402

TS = i18n_dir() / "designer_props_zh_CN.ts"
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(scope="module")
def qm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our catalogue compiled with the real pyside6-lrelease."""
    out = tmp_path_factory.mktemp("i18n_props") / "designer_props_zh_CN.qm"
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(out)], check=True, timeout=60)
    return out


@pytest.fixture
def chinese(qapp: QApplication, qm: Path) -> Iterator[QTranslator]:
    """Switch as desktop/i18n.py's Translations.install does: translator, then the default locale."""
    t = QTranslator(qapp)
    assert t.load(str(qm))
    QCoreApplication.installTranslator(t)
    QLocale.setDefault(QLocale("zh_CN"))
    yield t
    QCoreApplication.removeTranslator(t)
    QLocale.setDefault(QLocale("en_US"))


def test_every_string_is_translated_with_placeholders_intact() -> None:
    messages = ET.parse(TS).getroot().findall(".//message")
    assert len(messages) > 60
    for msg in messages:
        src = msg.findtext("source") or ""
        tr = msg.find("translation")
        assert tr is not None and tr.get("type") is None, f"unfinished: {src!r}"
        text = tr.text or ""
        assert text, f"untranslated: {src!r}"
        assert sorted(re.findall(r"%\d", src)) == sorted(re.findall(r"%\d", text)), src
        assert sorted(re.findall(r"\{\w+\}", src)) == sorted(re.findall(r"\{\w+\}", text)), src


def test_chinese_labels_for_node_fields_and_chrome(qtbot: QtBot, chinese: QTranslator) -> None:
    p, _ = make_panel(qtbot, node("menu"))
    assert p.title_label.text() == "菜单"
    assert p.field_labels["prompt"].text() == "提示语 *"
    assert p.field_labels["timeout_s"].text() == "超时（秒）"
    options = p.editors["options"]
    assert options.add_button.text() == "添加"  # type: ignore[attr-defined]
    assert options.cards[0].up_button.accessibleName() == "上移选项 1"  # type: ignore[attr-defined]
    show(p, node("business_hours"))
    days = p.editors["hours"].cards[0].editors["days"]  # type: ignore[attr-defined]
    assert [b.text() for b in days.buttons.values()] == list("一二三四五六日")
    show(p, node("collect"))
    assert p.editors["input"].combo.currentText() == "文字"  # type: ignore[attr-defined]
    show(p, node("route", queue="sales"))
    assert p.editors["queue"].combo.currentText() == "销售"  # type: ignore[attr-defined]
    p.set_problems([Problem(severity=Severity.ERROR, code="X", element_id="n1", path="/nodes/0/config/queue",
                            message="Queue closed", message_zh="队列已关闭")])
    assert p.problems_list.item(0).text() == "队列已关闭"


def test_switching_language_live_relabels_in_place(qtbot: QtBot, qm: Path) -> None:
    p, _ = make_panel(qtbot, node("menu"))
    s = FlowSettingsPanel()
    qtbot.addWidget(s)
    s.show_doc(FlowDoc(id="f", name="x"))
    prompt = p.editors["prompt"]
    assert p.field_labels["prompt"].text() == "Prompt *" and s.title_label.text() == "Flow settings"
    t = QTranslator(QApplication.instance())
    assert t.load(str(qm))
    QCoreApplication.installTranslator(t)
    QLocale.setDefault(QLocale("zh_CN"))
    try:
        qtbot.waitUntil(lambda: p.field_labels["prompt"].text() == "提示语 *", timeout=2000)
        assert p.editors["prompt"] is prompt  # relabelled, not rebuilt
        assert p.title_label.text() == "菜单" and p.editors["options"].add_button.text() == "添加"  # type: ignore
        qtbot.waitUntil(lambda: s.title_label.text() == "流程设置", timeout=2000)
        assert s.variables.table.horizontalHeaderItem(0).text() == "名称"
    finally:
        QCoreApplication.removeTranslator(t)
        QLocale.setDefault(QLocale("en_US"))
    qtbot.waitUntil(lambda: p.field_labels["prompt"].text() == "Prompt *", timeout=2000)


def _menu_node() -> object:
    return node("menu", prompt={"zh-CN": "您好，查询余额请按 1，人工服务请按 2", "en": "Press 1 for balance, 2 for an agent"},
                options=[{"key": "1", "label": {"zh-CN": "余额查询", "en": "Balance"}},
                         {"key": "2", "label": {"zh-CN": "人工服务"}}],
                retry_prompt={"zh-CN": "没有听清，请再选一次"})


def _bot_node() -> object:
    return node("bot", prompt={"zh-CN": "请问有什么可以帮您？", "en": "How can I help?"},
                intents=[{"name": "hours", "keywords": ["营业时间", "几点", "hours"],
                          "answer": {"zh-CN": "我们每天 9:00–18:00 营业。", "en": "We are open 9:00–18:00 daily."}},
                         {"name": "refund", "keywords": ["退款", "refund"],
                          "answer": {"zh-CN": "退款请在订单页点击“申请退款”。", "en": "Request a refund on the order page."}}],
                followup={"zh-CN": "还有其他问题吗？", "en": "Anything else?"})


def _shoot(qtbot: QtBot, suffix: str) -> list[Path]:
    problems = [Problem(severity=Severity.WARNING, code="TRANSLATION_MISSING", element_id="n1",
                        path="/nodes/1/config/options/1/label/en", message="Option 2 has no English label",
                        message_zh="选项 2 缺少英文名称"),
                Problem(severity=Severity.ERROR, code="EXIT_UNWIRED", element_id="n1", path="/nodes/1/exits/timeout",
                        message="Exit “timeout” is not connected", message_zh="出口“timeout”未连接")]
    out: list[Path] = []
    p, _ = make_panel(qtbot, _menu_node(), width=380, height=1000)  # type: ignore[arg-type]
    p.set_problems(problems)
    settle(qtbot, p)
    out.append(Path(f"/tmp/props_menu{suffix}.png"))
    assert p.grab().save(str(out[-1]))
    p.set_problems([Problem(severity=Severity.WARNING, code="TRANSLATION_MISSING", element_id="n1",
                            path="/nodes/1/config/fallback", message="“Did not understand” has no text",
                            message_zh="“未理解时”没有内容")])
    show(p, _bot_node(), channel="chat")  # type: ignore[arg-type]
    settle(qtbot, p)
    out.append(Path(f"/tmp/props_bot{suffix}.png"))
    assert p.grab().save(str(out[-1]))
    s = FlowSettingsPanel()
    qtbot.addWidget(s)
    s.resize(380, 560)
    s.show_doc(FlowDoc(id="f", name="客服热线" if suffix == "" else "Hotline", variables=[
        Variable(name="attempts", type="number", default="0", description="菜单重试次数"),
        Variable(name="phone", sensitive=True, description="客户留下的号码"),
        Variable(name="vip", type="boolean", default="false")]))
    s.show()
    settle(qtbot, s)
    out.append(Path(f"/tmp/props_settings{suffix}.png"))
    assert s.grab().save(str(out[-1]))
    return out


def test_screenshots_chinese(qtbot: QtBot, chinese: QTranslator) -> None:
    for path in _shoot(qtbot, ""):
        assert path.stat().st_size > 10_000


def test_screenshots_english(qtbot: QtBot) -> None:
    for path in _shoot(qtbot, "_en"):
        assert path.stat().st_size > 10_000
