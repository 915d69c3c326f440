"""`kubectl get -w` / `--watch-only`: the listing, then one row per watch event as the cluster changes.

kubectl's get.go (GetOptions.watch) is the reference: one resource type only ("watch is only supported on
individual resources and resource collections - more than 1 resource was found"); the current list is
printed (not with --watch-only; an empty list prints nothing, not "No resources found"), then every event's
object through the same printer and the same tab writer. The printer writes the table header once (the
columns never change); the writer is liggitt/tabwriter with RememberWidths, so a column only ever widens
(printers/tabwriter.py). --output-watch-events puts the event type (ADDED, MODIFIED, DELETED) first.
Each write of a watched object is an event (cluster.watch_log), as the API server's watch cache sends them.
"""
from __future__ import annotations

from ... import jobs, resources as res
from ...labels import parse_selector, requirements_match
from ...printers import tables
from ...printers.output import OutputError, render
from ...printers.tabwriter import format_text
from .framework import Invocation, KubectlError
from .objrefs import field_filter

TABLE_FORMATS = ("", "wide")


def start(inv: Invocation, groups: list[tuple[res.Resource, list[dict]]], named: str | None,
          out_fmt: str) -> int:
    """Print the watch's first part and hand the rest to a WatchProcess (a job). Exit code."""
    f = inv.flags
    kinds = {r.plural for r, _ in groups}
    if len(kinds) > 1:
        raise KubectlError("watch is only supported on individual resources and resource collections - more than "
                           "1 resource was found")
    if not groups:
        return 0
    r, objs = groups[0]
    scope = None if (f["all-namespaces"] and named is None) or not r.namespaced else inv.namespace
    state = {"plural": r.plural, "namespace": scope, "name": named, "selector": f["selector"] or "",
             "fields": f["field-selector"] or "", "format": out_fmt, "all": bool(f["all-namespaces"]),
             "labels": bool(f["show-labels"]), "label_columns": list(f["label-columns"] or []),
             "no_headers": bool(f["no-headers"]), "events": bool(f.get("output-watch-events")),
             "header": False, "widths": [], "printed": 0}
    watch = WatchProcess(state)
    if not f["watch-only"]:
        inv.out(watch.print_objects(inv.cluster, [("ADDED", o) for o in objs]))
    if not jobs.spawn(inv.proc, watch):
        # inside a pipeline or $(...): the real watch would never end; here it ends at once
        inv.err("podscape: a watch runs on only as a command of its own (or with &); it ended here\n")
    return 0


@jobs.process("kubectl-watch")
class WatchProcess(jobs.Process):
    def watches(self) -> tuple[str, ...]:
        return (self.state["plural"],)

    def matcher(self, cluster):
        s = self.state
        r = res.BY_PLURAL[s["plural"]]
        reqs = parse_selector(s["selector"]) if s["selector"] else []
        fields = field_filter(s["fields"], r, s["selector"])

        def matches(obj: dict) -> bool:
            meta = obj.get("metadata", {})
            if s["namespace"] is not None and meta.get("namespace") != s["namespace"]:
                return False
            if s["name"] is not None and meta.get("name") != s["name"]:
                return False
            return requirements_match(reqs, meta.get("labels") or {}) and fields(obj)
        return matches

    def resume(self, engine, events, out) -> int | None:
        plural = self.state["plural"]
        mine = [e for e in events if e[1] == plural]
        if not mine:
            return None
        matches = self.matcher(engine.cluster)
        picked = [(kind, obj) for kind, _, obj in mine if matches(obj)]
        if picked:
            out.write(self.print_objects(engine.cluster, picked))
        return None

    def print_objects(self, cluster, events: list[tuple[str, dict]]) -> str:
        """One flush of kubectl's printer: the header the first time, a row per object."""
        if not events:
            return ""
        s = self.state
        fmt = s["format"]
        if fmt.split("=", 1)[0] not in TABLE_FORMATS:
            return self._render(events)
        header = not s["header"] and not s["no_headers"]
        lines = tables.table_lines(s["plural"], [o for _, o in events], cluster.now, wide=fmt == "wide",
                                   with_namespace=s["all"] and res.BY_PLURAL[s["plural"]].namespaced,
                                   show_labels=s["labels"], label_columns=s["label_columns"],
                                   no_headers=not header)
        if s["events"]:
            kinds = ["EVENT"] * header + [k for k, _ in events]
            lines = [[k] + cells for k, cells in zip(kinds, lines)]
        s["header"] = True
        widths = s["widths"]
        text = format_text("".join("\t".join(cells) + "\n" for cells in lines), 6, 3, remember=widths)
        s["widths"] = widths
        return text

    def _render(self, events: list[tuple[str, dict]]) -> str:
        s = self.state
        fmt = s["format"]
        parts = []
        for kind, obj in events:
            try:
                if fmt.startswith("custom-columns"):
                    text = render([obj], fmt, no_headers=s["header"] or s["no_headers"])
                    s["header"] = True
                else:
                    text = render([obj], fmt)
            except OutputError as exc:
                text = exc.stdout
            if fmt == "yaml" and s["printed"]:
                text = "---\n" + text                  # the YAML printer separates documents after the first
            s["printed"] += 1
            parts.append(text)
        return "".join(parts)
