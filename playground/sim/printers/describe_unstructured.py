"""kubectl's generic describer (pkg/describe/describe.go genericDescriber, v0.35): what `kubectl describe`
prints for a kind it has no describer for, custom resources and CRDs among them. Every field of the object
under a "smart label" (smartLabelFor: `creationTimestamp` -> `Creation Timestamp`), maps indented, list
items of maps printed one after another without a marker."""
from __future__ import annotations

import unicodedata

from .jsonpath import _go_float, _go_value

ACRONYMS = {"API", "URL", "UID", "OSB", "GUID"}
SKIP = {".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
        ".metadata.annotations"}


def _class(ch: str) -> int:
    if ch.islower():
        return 1
    if ch.isupper():
        return 2
    if unicodedata.category(ch) == "Nd":
        return 3
    return 4


def camelcase_split(src: str) -> list[str]:
    """github.com/fatih/camelcase Split: runs of one character class; an upper run followed by a lower
    one gives its last letter to the lower run ("PDFLoader" -> "PDF", "Loader")."""
    runs: list[list[str]] = []
    last = 0
    for ch in src:
        cls = _class(ch)
        if cls == last and runs:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i] and runs[i + 1] and runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def smart_label(field: str) -> str:
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    out = []
    for part in camelcase_split(field):
        if part == "_":
            continue
        out.append(part.upper() if part.upper() in ACRONYMS else part[:1].upper() + part[1:].lower())
    return " ".join(out)


def go_v(value) -> str:
    """fmt %v of an unstructured scalar."""
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, float):
        return _go_float(value)
    return str(value)


def write_content(w, level: int, content: dict, prefix: str = "", skip: set[str] = SKIP) -> None:
    """printUnstructuredContent: fields sorted, maps and lists under their label."""
    for field in sorted(content):
        value = content[field]
        path = f"{prefix}.{field}"
        if path in skip:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(field)}:\n")
            write_content(w, level + 1, value, path, skip)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    write_content(w, level + 1, child, path, skip)
                else:
                    w.write(level + 1, f"{_go_value(child)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{go_v(value)}\n")
