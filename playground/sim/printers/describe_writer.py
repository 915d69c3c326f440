"""The writer `kubectl describe` prints through, and the pieces every describer shares (describe.go's
PrefixWriter, printLabelsMultiline, printAnnotationsMultiline, DescribeEvents): describe.py and the
describers of describe_access.py and describe_ingressclass.py build on them.
"""
from __future__ import annotations

import time as _time

from ..cluster import parse_rfc3339
from .age import translate_timestamp_since
from .tabwriter import TabWriter

MAX_ANNOTATION_LEN = 140
SKIP_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration"}


def rfc1123z(ts: str | None) -> str:
    """time.RFC1123Z in UTC, e.g. `Sun, 20 Mar 2022 10:00:00 +0000`."""
    if not ts:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    return _time.strftime("%a, %d %b %Y %H:%M:%S +0000", _time.gmtime(parse_rfc3339(ts)))


class PrefixWriter:
    def __init__(self):
        self.tw = TabWriter(0, 2)

    def write(self, level: int, text: str) -> None:
        self.tw.write("  " * level + text)

    def line(self, text: str = "") -> None:
        self.tw.write(text + "\n")

    def flush(self) -> None:
        self.tw.flush()

    def value(self) -> str:
        return self.tw.getvalue()


def labels_multiline(w: PrefixWriter, title: str, labels: dict | None, initial: str = "") -> None:
    w.write(0, f"{initial}{title}:\t")
    if not labels:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, initial + "\t")
        w.write(0, f"{key}={labels[key]}\n")


def annotations_multiline(w: PrefixWriter, title: str, annotations: dict | None) -> None:
    w.write(0, f"{title}:\t")
    annotations = annotations or {}
    keys = sorted(k for k in annotations if k not in SKIP_ANNOTATIONS)
    if not keys:
        w.line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = annotations[key]
        if value.endswith("\n"):
            value = value[:-1]
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for s in value.split("\n"):
                s = s[:MAX_ANNOTATION_LEN - 2] + "..." if len(s) > MAX_ANNOTATION_LEN - 2 else s
                w.write(0, f"\t  {s}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def object_head(w: PrefixWriter, meta: dict) -> None:
    """Name, Namespace, Labels and Annotations: the head most of kubectl's describers write first."""
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))


def event_order(e: dict):
    """kubectl sorts by lastTimestamp; equal times keep the API's order, which is creation order."""
    rv = str(e.get("metadata", {}).get("resourceVersion") or "0")
    return (e.get("lastTimestamp") or e.get("firstTimestamp") or "", e.get("firstTimestamp") or "",
            int(rv) if rv.isdigit() else 0)


def describe_events(w: PrefixWriter, events: list[dict], now: float) -> None:
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    events = sorted(events, key=event_order)
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in events:
        first = translate_timestamp_since(e.get("eventTime") or e.get("firstTimestamp"), now)
        count = e.get("count") or 0
        if e.get("series"):
            interval = (f"{translate_timestamp_since(e['series'].get('lastObservedTime'), now)} "
                        f"(x{e['series'].get('count')} over {first})")
        elif count > 1:
            interval = f"{translate_timestamp_since(e.get('lastTimestamp'), now)} (x{count} over {first})"
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent", "")
        msg = (e.get("message") or "").strip()
        fp = (e.get("involvedObject") or {}).get("fieldPath")
        if fp:
            msg = f"{fp}: {msg}"
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t{msg}\n")
