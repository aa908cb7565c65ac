"""Plain text out of an item's Markdown body, for voices and images."""

from __future__ import annotations

import re
import unicodedata
from functools import cache


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# control characters (C0 but tab and newlines, DEL, C1) and the invisible format marks that break files and
# terminals; removed where text comes in (item files, feeds, commune.yaml)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")


def clean_text(text: str) -> str:
    """NFC text without control characters."""
    return _CONTROL.sub("", nfc(text))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text as text: without control characters, and never a live formula in Excel or LibreOffice (a cell
    that starts like one gets a leading apostrophe, as OWASP advises for CSV)."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def plain_text(text: str) -> str:
    """Text with any markup removed, script and style contents included (titles, summaries, labels)."""
    import nh3

    return nh3.clean(nfc(text), tags=set(), clean_content_tags={"script", "style"}).replace("&amp;", "&")


def markdown_paragraphs(body: str) -> list[str]:
    """Each paragraph, heading or list entry of the body as one line of plain text."""
    paragraphs = []
    for token in _markdown().parse(nfc(body)):
        if token.type != "inline" or not token.children:
            continue
        parts = []
        for child in token.children:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        text = " ".join("".join(parts).split())
        if text:
            paragraphs.append(text)
    return paragraphs


@cache
def _markdown():  # noqa: ANN202 (imported when a body is read, not when a command starts)
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")
