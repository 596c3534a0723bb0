"""The flat ``<xml>`` documents WeChat and WeCom push, parsed with defusedxml (no XXE, no entity bombs)."""
from __future__ import annotations

from collections.abc import Mapping
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException


class XmlError(Exception):
    """The body is not a WeChat XML document."""


def parse_xml(body: bytes) -> dict[str, str]:
    """Children of the root as name → text; nested elements (``ScanCodeInfo``...) are flattened
    as ``Parent.Child``. Text is kept verbatim (CDATA is just text to the parser)."""
    try:
        root = DET.fromstring(body)
    except (ParseError, DefusedXmlException, ValueError) as e:
        raise XmlError(f"not a valid XML push: {e}") from e
    if root.tag != "xml":
        raise XmlError(f"root element is <{root.tag}>, expected <xml>")
    out: dict[str, str] = {}
    _flatten(root, "", out)
    return out


def _flatten(el: Element, prefix: str, out: dict[str, str]) -> None:
    for child in el:
        name = prefix + child.tag
        if len(child):
            _flatten(child, name + ".", out)
        else:
            out[name] = child.text or ""


def _cdata(text: str) -> str:
    # "]]>" cannot appear inside CDATA: split it across two sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def build_xml(fields: Mapping[str, str | int]) -> bytes:
    """A flat ``<xml>``: integers bare, strings in CDATA (as WeChat writes them)."""
    parts = ["<xml>"]
    for name, value in fields.items():
        inner = str(value) if isinstance(value, int) else _cdata(value)
        parts.append(f"<{name}>{inner}</{name}>")
    parts.append("</xml>")
    return "".join(parts).encode()


def encrypted_envelope(encrypt: str, signature: str, timestamp: str, nonce: str) -> bytes:
    """The encrypted reply envelope (spec §1.5); the fake also uses it for pushes with ToUserName."""
    return build_xml({"Encrypt": encrypt, "MsgSignature": signature, "TimeStamp": timestamp, "Nonce": nonce})
