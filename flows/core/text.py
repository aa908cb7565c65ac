"""Plain text out of an item's Markdown body, for voices and images."""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def plain_text(text: str) -> str:
    """Text with any markup removed, script and style contents included (titles, summaries, labels)."""
    import nh3

    return nh3.clean(nfc(text), tags=set(), clean_content_tags={"script", "style"}).replace("&amp;", "&")


def markdown_paragraphs(body: str) -> list[str]:
    """Each paragraph, heading or list entry of the body as one line of plain text."""
    paragraphs = []
    for token in _md.parse(nfc(body)):
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
