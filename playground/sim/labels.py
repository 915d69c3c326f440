"""Label selectors: parsing `-l` strings and matching matchLabels/matchExpressions."""
from __future__ import annotations

import re


class SelectorError(ValueError):
    pass


def selector_matches(selector: dict | None, labels: dict) -> bool:
    """A LabelSelector (matchLabels + matchExpressions). An empty selector matches everything."""
    if selector is None:
        return False
    labels = labels or {}
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


_REQ = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9_.-]*)|\s+(in|notin)\s*\(([^)]*)\))?\s*$")


def parse_selector(text: str) -> list[tuple[str, str, list[str]]]:
    """`app=nginx,tier!=db,env in (a,b),!legacy` -> requirements (key, op, values), as kubectl parses -l."""
    reqs = []
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    for part in parts:
        if not part.strip():
            if text.strip():
                raise SelectorError("found '', expected: identifier")
            continue
        m = _REQ.match(part)
        if not m:
            raise SelectorError(f"unable to parse requirement: {part.strip()}")
        neg, key, op, val, setop, setvals = m.groups()
        if neg:
            reqs.append((key, "!", []))
        elif op:
            reqs.append((key, "!=" if op == "!=" else "=", [val]))
        elif setop:
            reqs.append((key, setop, [v.strip() for v in setvals.split(",") if v.strip()]))
        else:
            reqs.append((key, "exists", []))
    return reqs


def requirements_match(reqs: list[tuple[str, str, list[str]]], labels: dict) -> bool:
    labels = labels or {}
    for key, op, values in reqs:
        if op == "=" and labels.get(key) != values[0]:
            return False
        if op == "!=" and labels.get(key) == values[0]:
            return False
        if op == "in" and labels.get(key) not in values:
            return False
        if op == "notin" and labels.get(key) in values:
            return False
        if op == "exists" and key not in labels:
            return False
        if op == "!" and key in labels:
            return False
    return True


def format_labels(labels: dict | None, empty: str = "<none>") -> str:
    if not labels:
        return empty
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def selector_string(sel: dict | None) -> str:
    """labels.Selector.String() of a LabelSelector: requirements sorted by key; `` for an empty one."""
    if not sel:
        return ""
    reqs = []
    for k, v in (sel.get("matchLabels") or {}).items():
        reqs.append((k, f"{k}={v}"))
    for e in sel.get("matchExpressions") or []:
        key, op, vals = e.get("key", ""), e.get("operator", ""), sorted(e.get("values") or [])
        text = {"In": f"{key} in ({','.join(vals)})", "NotIn": f"{key} notin ({','.join(vals)})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op, key)
        reqs.append((key, text))
    reqs.sort(key=lambda r: r[0])
    return ",".join(t for _, t in reqs)


def format_label_selector(sel: dict | None) -> str:
    """metav1.FormatLabelSelector: `<none>` when empty."""
    return selector_string(sel) or "<none>"
