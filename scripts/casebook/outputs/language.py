"""Chinese text in a page marked with its language (WCAG 3.1.2, "language of parts"): screen readers
switch voice, browsers pick a CJK font, and search engines index it as Chinese.

Records quote PRC laws and Zoom's Chinese-language posts in the original. The site's pages are
English (``lang="en"`` on <html>), so each run of Chinese characters in a page's text is wrapped in
``<span lang="zh">``. Only text between tags is touched, never a tag or an attribute (an ``<abbr
title>`` keeps its text as it is). The HTML has been through the allowlist (``outputs.sanitise``), so
every ``<`` in text is already ``&lt;`` and a tag is ``<`` … ``>`` with no ``<`` or ``>`` inside.
"""

from __future__ import annotations

import re

# CJK punctuation, Hiragana/Katakana are not Chinese, so: CJK symbols and punctuation, the unified
# ideographs (with extension A and the compatibility block) and full-width forms, in runs that may
# hold the spaces and ASCII punctuation Chinese text uses between its characters.
_HAN = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CHINESE = re.compile(f"[{_HAN}](?:[{_HAN} 0-9.,;:()-]*[{_HAN}])?")
_TAG = re.compile(r"<[^<>]*>")
_SKIP = ("<code", "<pre", "<script", "<style")  # text whose language is not the reader's concern


def _mark(text: str) -> str:
    return _CHINESE.sub(lambda m: f'<span lang="zh">{m.group(0)}</span>', text)


def mark_chinese(html: str) -> str:
    """``html`` with each run of Chinese characters in its text in a ``<span lang="zh">``."""
    if not _CHINESE.search(html):
        return html  # most pages: no Chinese at all
    out: list[str] = []
    last = 0
    skipping: str | None = None  # the element whose text is left alone, until its end tag
    for tag in _TAG.finditer(html):
        text = html[last : tag.start()]
        out.append(text if skipping else _mark(text))
        name = tag.group(0)
        lower = name.lower()
        if skipping is None and lower.startswith(_SKIP):
            skipping = lower[1:].split(None, 1)[0].rstrip(">")
        elif skipping is not None and lower.startswith(f"</{skipping}"):
            skipping = None
        out.append(name)
        last = tag.end()
    tail = html[last:]
    out.append(tail if skipping else _mark(tail))
    return "".join(out)
