"""UI language: which translation to load, loading it, and a font that can draw Chinese."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase

log = logging.getLogger("sb.ui")

SOURCE_LANGUAGE = "en"
#: Languages the UI ships, with their names written in that language (shown untranslated
#: in the language menu, so a user can always find their own).
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
CATALOG = "switchboard"  # switchboard_<lang>.qm: the main catalogue (its absence means "no translation")
#: Further catalogues, one per area so parallel work never edits the same .ts file.
EXTRA_CATALOGS = ("workspace", "screenpop", "forms", "designer", "designer_flow", "designer_props", "designer_form")
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def normalize_language(tag: str) -> str | None:
    """Map a locale tag ("zh-Hans-CN", "zh_TW", "en-GB", "C") to a shipped language, or None."""
    parts = tag.replace("-", "_").split("_")
    lang = parts[0].lower()
    if lang == "zh":
        # Only Simplified Chinese ships; Traditional readers still read it far better
        # than English, so zh_TW/zh_HK fall back to it until a zh_TW catalogue exists.
        return "zh_CN"
    if lang in ("en", "c", "posix"):
        return SOURCE_LANGUAGE
    return None


def resolve_language(requested: str | None, system: QLocale | None = None) -> str:
    """The language to show: an explicit choice if shipped, else the first shipped system language."""
    if requested:
        found = normalize_language(requested)
        if found is not None:
            return found
        log.warning("UI language %r is not available; following the system locale", requested)
    for tag in (system or QLocale.system()).uiLanguages():
        found = normalize_language(tag)
        if found is not None:
            return found
    return SOURCE_LANGUAGE


class Translations:
    """Owns the installed translators; switching installs new ones and Qt re-translates live."""

    def __init__(self, app: QCoreApplication, i18n_dir: Path) -> None:
        self._app = app
        self._dir = i18n_dir
        self._installed: list[QTranslator] = []
        self.language = SOURCE_LANGUAGE

    def install(self, language: str) -> bool:
        """Switch the UI to ``language``; False (and English) when its catalogue is missing."""
        self._remove()
        ok = True
        if language != SOURCE_LANGUAGE:
            ours = QTranslator(self._app)
            if ours.load(f"{CATALOG}_{language}", str(self._dir)):
                self._add(ours)
                for extra in EXTRA_CATALOGS:
                    more = QTranslator(self._app)
                    if more.load(f"{extra}_{language}", str(self._dir)):
                        self._add(more)
                    else:
                        log.warning("translation %s_%s.qm not found in %s", extra, language, self._dir)
                # Qt's own strings (dialog buttons, context menus of line edits).
                qt = QTranslator(self._app)
                qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
                if qt.load(f"qtbase_{language}", qt_dir):
                    self._add(qt)
            else:
                log.warning(
                    "translation %s_%s.qm not found in %s (compile it with pyside6-lrelease); "
                    "showing English", CATALOG, language, self._dir,
                )
                ok = False
                language = SOURCE_LANGUAGE
        self.language = language
        # Widgets ask the default locale which language they show (e.g. label_zh vs label_en).
        QLocale.setDefault(QLocale(language if language != SOURCE_LANGUAGE else "en_US"))
        log.info("UI language: %s", language)
        return ok

    def _add(self, translator: QTranslator) -> None:
        self._app.installTranslator(translator)
        self._installed.append(translator)

    def _remove(self) -> None:
        for t in self._installed:
            self._app.removeTranslator(t)
        self._installed.clear()

    def uninstall(self) -> None:
        self._remove()


def ui_is_chinese() -> bool:
    """Whether the UI currently shows Chinese (for data carrying both labels)."""
    return QLocale().language() == QLocale.Language.Chinese


def has_cjk_font() -> bool:
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def ensure_cjk_font(fonts_dir: Path, *, required: bool = True) -> bool:
    """Make sure some font can draw Chinese; load a bundled one if the system has none.

    Without one Qt draws boxes ("tofu"). A bundled font keeps a packaged app
    independent of what the workstation happens to have installed.
    """
    if has_cjk_font():
        return True
    candidates = sorted(p for p in fonts_dir.glob("*") if p.suffix.lower() in _FONT_SUFFIXES)
    for font in candidates:
        if QFontDatabase.addApplicationFont(str(font)) >= 0:
            log.info("loaded bundled font %s", font.name)
        else:
            log.warning("could not load bundled font %s", font)
    if has_cjk_font():
        return True
    # Only a warning when the UI itself is Chinese; otherwise just customer data is affected.
    log.log(
        logging.WARNING if required else logging.INFO,
        "no font can draw Chinese: Chinese text will show as boxes; install fonts-wqy-microhei "
        "or fonts-noto-cjk, or put a CJK font into %s", fonts_dir,
    )
    return False
