"""HTML mail → plain text. The result is shown as text, never rendered: no markup, script or remote load survives."""
from __future__ import annotations

import re
from html.parser import HTMLParser

# Content of these elements is never text a person wrote.
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "math", "object", "iframe"})
_BLOCK = frozenset({"p", "div", "section", "article", "header", "footer", "blockquote", "pre", "table", "tr",
                    "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "form", "address"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"})
_LINK_SCHEMES = ("http://", "https://", "mailto:")
# Control characters other than tab/newline (and bidi overrides, which can disguise text) are dropped.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0
        self.links: list[str] = []  # hrefs of open <a> elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        a = {k: (v or "") for k, v in attrs}
        if tag == "br":
            self.out.append("\n")
        elif tag in _BLOCK:
            self.out.append("\n\n" if tag in ("p", "blockquote", "table", "ul", "ol") else "\n")
            if tag == "pre":
                self.pre_depth += 1
            if tag == "hr":
                self.out.append("----\n")
        elif tag == "li":
            self.out.append("\n• ")
        elif tag in ("td", "th"):
            self.out.append("\t")
        elif tag == "img":
            alt = a.get("alt", "").strip()
            if alt:
                self.out.append(f"[{alt}]")
        elif tag == "a":
            self.links.append(a.get("href", "").strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag in _BLOCK:
            self.out.append("\n")
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
        elif tag == "a" and self.links:
            href = self.links.pop()
            # Show where a link really goes: the visible text of a phishing link often differs from its target.
            if href.lower().startswith(_LINK_SCHEMES):
                target = href[7:] if href.lower().startswith("mailto:") else href
                text_so_far = "".join(self.out[-3:])
                if target not in text_so_far:
                    self.out.append(f" <{target}>")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if not self.pre_depth:
            data = re.sub(r"\s+", " ", data)
        self.out.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body: paragraphs, line breaks, list bullets, link targets."""
    p = _TextParser()
    p.feed(html)
    p.close()
    text = _UNSAFE.sub("", "".join(p.out).replace("\xa0", " "))
    lines = [ln.strip() for ln in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
