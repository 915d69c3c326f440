"""A small, safe Markdown-to-HTML renderer for lesson prose.

Everything is HTML-escaped first; only this subset becomes markup: paragraphs, `code`, fenced code
blocks, **bold**, *emphasis*, bulleted (- or *) and numbered (1.) lists, [links](http://...) with
http(s), relative or #anchor targets only, and ### headings. Raw HTML in a lesson shows as text.
"""
from __future__ import annotations

import html
import re

_CODE_RE = re.compile(r"`([^`]+)`")
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
_EM_RE = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_SAFE_URL = re.compile(r"^(https?://|/|#|\./|\.\./|[A-Za-z0-9_-]+(/|$|\.html))", re.I)
_BULLET_RE = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBER_RE = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING_RE = re.compile(r"^(#{3,6})\s+(.*)$")


def inline(text: str) -> str:
    """Escape a run of text and apply the inline markup (code spans are left untouched inside)."""
    out = []
    pos = 0
    for m in _CODE_RE.finditer(text):
        out.append(_inline_plain(text[pos:m.start()]))
        out.append(f"<code>{html.escape(m.group(1))}</code>")
        pos = m.end()
    out.append(_inline_plain(text[pos:]))
    return "".join(out)


def _inline_plain(text: str) -> str:
    parts = []
    pos = 0
    for m in _LINK_RE.finditer(text):
        parts.append(_emphasis(html.escape(text[pos:m.start()])))
        url = m.group(2)
        label = _emphasis(html.escape(m.group(1)))
        if _SAFE_URL.match(url) and not url.lower().startswith(("javascript:", "data:")):
            external = url.lower().startswith(("http://", "https://"))
            rel = ' rel="noopener noreferrer" target="_blank"' if external else ""
            parts.append(f'<a href="{html.escape(url)}"{rel}>{label}</a>')
        else:
            parts.append(label)
        pos = m.end()
    parts.append(_emphasis(html.escape(text[pos:])))
    return "".join(parts)


def _emphasis(escaped: str) -> str:
    escaped = _BOLD_RE.sub(r"<strong>\1</strong>", escaped)
    return _EM_RE.sub(r"<em>\1</em>", escaped)


def render(text: str, runnable: frozenset[str] | set[str] = frozenset()) -> str:
    """Markdown (the subset above) -> HTML that is safe to mark as safe in a template.

    A fenced block holding exactly one of the `runnable` commands gets `data-run`, so a click types it
    into the terminal."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    list_tag = ""

    def flush_para():
        if para:
            out.append(f"<p>{inline(' '.join(l.strip() for l in para))}</p>")
            para.clear()

    def flush_list():
        nonlocal list_tag
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
        list_tag = ""

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            flush_para()
            flush_list()
            fence = stripped[:3]
            lang = stripped[3:].strip()
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                body.append(lines[i])
                i += 1
            cls = f' class="language-{html.escape(lang)}"' if re.match(r"^[\w-]+$", lang) else ""
            code = chr(10).join(body)
            run = (f' data-run="{html.escape(code.strip())}" title="Click to run it in the terminal"'
                   if code.strip() in runnable else "")
            out.append(f"<pre{run}><code{cls}>{html.escape(code)}</code></pre>")
            i += 1
            continue
        if not stripped:
            flush_para()
            flush_list()
            i += 1
            continue
        heading = _HEADING_RE.match(stripped)
        bullet = _BULLET_RE.match(line)
        number = _NUMBER_RE.match(line)
        if heading:
            flush_para()
            flush_list()
            level = min(len(heading.group(1)), 6)
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif bullet or number:
            flush_para()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                flush_list()
            list_tag = tag
            items.append((bullet or number).group(1))
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + stripped          # a list item continued on the next line
        else:
            flush_list()
            para.append(line)
        i += 1
    flush_para()
    flush_list()
    return "\n".join(out)
