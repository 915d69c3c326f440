"""Ages as kubectl prints them: k8s.io/apimachinery/pkg/util/duration.HumanDuration."""
from __future__ import annotations

from ..cluster import parse_rfc3339


def human_duration(seconds: float) -> str:
    """duration.HumanDuration: `8s`, `4m8s`, `73m`, `3h39m`, `2d5h`, `400d`, `3y20d`."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 60 * 2:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        sec = s % 60
        return f"{minutes}m" if sec == 0 else f"{minutes}m{sec}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def translate_timestamp_since(timestamp: str | None, now: float) -> str:
    """printers.go translateTimestampSince: `<unknown>` for a zero time, else HumanDuration(now - t)."""
    if not timestamp:
        return "<unknown>"
    try:
        t = parse_rfc3339(timestamp)
    except (ValueError, TypeError):
        return "<unknown>"
    return human_duration(now - t)
