"""Fixtures for widget-level tests of the desktop: offscreen Qt, temp settings, a qasync loop."""
from __future__ import annotations

import os

# Before anything imports Qt: no display on CI machines, and tests must never need one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QCoreApplication, QLocale, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.paths import i18n_dir, styles_dir  # noqa: E402
from desktop.settings import Settings  # noqa: E402
# pytest imports these modules in importlib mode here (tests/ has no __init__.py), where a
# test module cannot import a sibling; putting this folder on sys.path lets them share
# the fakes as a plain module (uniquely named so it clashes with no other test folder).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from desktop_fakes import FakeClock, FakeSession  # noqa: E402

SHOTS = Path("/tmp/shots")


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings in an INI file under tmp_path: never the real user profile."""
    qs = QSettings(str(tmp_path / "desktop.ini"), QSettings.Format.IniFormat)
    s = Settings(qs)
    yield s
    s.sync()


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop driven by pytest-qt's event processing (qtbot.wait*), as under the app."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        deadline = 50
        while any(not t.done() for t in pending) and deadline:
            qapp.processEvents()
            deadline -= 1
        # Not loop.stop(): it calls QApplication.exit(), which outside exec() leaves Qt's
        # quitNow flag set, and every later QEventLoop.exec() (qtbot.wait*) returns at once.
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        asyncio.events._set_running_loop(None)
        loop.close()
        assert all(t.done() for t in pending), "a task ignored its cancellation"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_700_000_000_000)


@pytest.fixture
def session(qloop: asyncio.AbstractEventLoop) -> FakeSession:
    return FakeSession()


@pytest.fixture(autouse=True)
def _english_locale() -> Iterator[None]:
    """Every test starts (and leaves) the UI in English, whatever the machine's locale."""
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(QLocale("en_US"))


@pytest.fixture(scope="session")
def compiled_i18n(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped .ts files compiled to .qm with the real pyside6-lrelease, in a temp dir."""
    out = tmp_path_factory.mktemp("i18n")
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    # Every catalogue (switchboard, workspace, screenpop...): the app loads them all.
    for ts in sorted(i18n_dir().glob("*_*.ts")):
        subprocess.run(
            [lrelease, "-silent", str(ts), "-qm", str(out / ts.with_suffix(".qm").name)],
            check=True, timeout=60,
        )
    return out


@pytest.fixture
def styled(qapp: QApplication) -> Iterator[QApplication]:
    """The desktop's stylesheet applied, as app.py does (for screenshots)."""
    qapp.setStyleSheet((styles_dir() / "desktop.qss").read_text(encoding="utf-8"))
    yield qapp
    qapp.setStyleSheet("")


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)
