"""`kubectl describe ingressclass` as kubectl v1.35's describeIngressClassV1 prints it (one of
describe.DESCRIBERS)."""
from __future__ import annotations

from .describe_writer import PrefixWriter, annotations_multiline, describe_events, labels_multiline


def describe_ingressclass(cluster, ic: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec = ic["metadata"], ic.get("spec") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Controller:\t{spec.get('controller', '')}\n")
    params = spec.get("parameters")
    if params:
        w.write(0, "Parameters:\n")
        if params.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{params['apiGroup']}\n")
        w.write(1, f"Kind:\t{params.get('kind', '')}\n")
        w.write(1, f"Name:\t{params.get('name', '')}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()
