"""The widget's files (embed.js, frame.html/js/css, the test page), read once from ``static/``."""
from __future__ import annotations

from pathlib import Path

_DIR = Path(__file__).with_name("static")
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}
_SERVED = ("embed.js", "frame.html", "frame.js", "frame.css", "i18n.js")


class StaticFiles:
    def __init__(self, directory: Path = _DIR) -> None:
        self._files: dict[str, tuple[bytes, str]] = {}
        for name in _SERVED:
            path = directory / name
            self._files[name] = (path.read_bytes(), _TYPES[path.suffix])
        self._test = (directory / "test.html").read_text("utf-8")

    def get(self, name: str) -> tuple[bytes, str] | None:
        return self._files.get(name)

    def test_page(self, site_name: str, embed_attrs: str) -> str:
        """``site_name`` and ``embed_attrs`` must already be HTML-escaped."""
        return self._test.replace("{{SITE}}", site_name).replace("{{ATTRS}}", embed_attrs)
