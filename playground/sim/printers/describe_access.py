"""`kubectl describe` for RBAC roles and bindings, PodDisruptionBudget and PriorityClass
(k8s.io/kubectl/pkg/describe/describe.go: RoleDescriber, ClusterRoleDescriber, RoleBindingDescriber,
ClusterRoleBindingDescriber, describePodDisruptionBudgetV1, describePriorityClass).

Role rules are shown as kubectl shows them: each rule broken down to one group/resource (or URL) per rule
(rbac.BreakdownRule, which sorts verbs), simple rules on the same resource merged (rbac.CompactRules), and
the result sorted by the rule's Go String() (rbac.SortableRuleSlice).
"""
from __future__ import annotations

from ..cluster import Cluster
from ..labels import format_labels
from .describe_writer import (PrefixWriter, annotations_multiline, describe_events, labels_multiline, object_head,
                              rfc1123z)
from ..labels import format_label_selector


def _go_list(values: list) -> str:
    return "[" + " ".join(values) + "]"


def _breakdown(rule: dict) -> list[dict]:
    verbs = sorted(rule.get("verbs") or [])
    out = []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for name in rule.get("resourceNames") or [None]:
                out.append({"verbs": verbs, "apiGroups": [group], "resources": [resource],
                            "resourceNames": [name] if name is not None else []})
    for url in rule.get("nonResourceURLs") or []:
        out.append({"verbs": verbs, "nonResourceURLs": [url]})
    return out


def _compact(rules: list[dict]) -> list[dict]:
    complex_, simple = [], {}
    for rule in rules:
        if rule.get("nonResourceURLs") or len(rule.get("resourceNames") or []) > 1:
            complex_.append(rule)
            continue
        key = (rule["apiGroups"][0], rule["resources"][0], tuple(rule.get("resourceNames") or []))
        if key in simple:
            simple[key]["verbs"] = simple[key]["verbs"] + [v for v in rule["verbs"] if v not in simple[key]["verbs"]]
        else:
            simple[key] = {**rule, "verbs": list(rule["verbs"])}
    return complex_ + list(simple.values())


def _rule_string(rule: dict) -> str:
    """PolicyRule.String() (generated.pb.go), the sort key."""
    return ("&PolicyRule{" + f"Verbs:{_go_list(rule.get('verbs') or [])},"
            f"APIGroups:{_go_list(rule.get('apiGroups') or [])},Resources:{_go_list(rule.get('resources') or [])},"
            f"ResourceNames:{_go_list(rule.get('resourceNames') or [])},"
            f"NonResourceURLs:{_go_list(rule.get('nonResourceURLs') or [])}," + "}")


def _combine_resource_group(resources: list, groups: list) -> str:
    if not resources:
        return ""
    name, slash, sub = resources[0].partition("/")
    if groups and groups[0]:
        name += "." + groups[0]
    return name + (slash + sub if slash else "")


def describe_role(cluster: Cluster, role: dict, events: list | None) -> str:
    rules = [r for rule in role.get("rules") or [] for r in _breakdown(rule)]
    rules = sorted(_compact(rules), key=_rule_string)
    w = PrefixWriter()
    meta = role["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "PolicyRule:\n")
    w.write(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    w.write(1, "---------\t-----------------\t--------------\t-----\n")
    for r in rules:
        w.write(1, f"{_combine_resource_group(r.get('resources') or [], r.get('apiGroups') or [])}\t"
                   f"{_go_list(r.get('nonResourceURLs') or [])}\t{_go_list(r.get('resourceNames') or [])}\t"
                   f"{_go_list(r.get('verbs') or [])}\n")
    return w.value()


def describe_binding(cluster: Cluster, binding: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta = binding["metadata"]
    ref = binding.get("roleRef") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "Role:\n")
    w.write(1, f"Kind:\t{ref.get('kind', '')}\n")
    w.write(1, f"Name:\t{ref.get('name', '')}\n")
    w.write(0, "Subjects:\n")
    w.write(1, "Kind\tName\tNamespace\n")
    w.write(1, "----\t----\t---------\n")
    for s in binding.get("subjects") or []:
        w.write(1, f"{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace', '')}\n")
    return w.value()


def describe_pdb(cluster: Cluster, pdb: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec, status = pdb["metadata"], pdb.get("spec") or {}, pdb.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("minAvailable") is not None:
        w.write(0, f"Min available:\t{spec['minAvailable']}\n")
    elif spec.get("maxUnavailable") is not None:
        w.write(0, f"Max unavailable:\t{spec['maxUnavailable']}\n")
    selector = spec.get("selector")
    w.write(0, f"Selector:\t{format_label_selector(selector) if selector is not None else '<unset>'}\n")
    w.write(0, "Status:\n")
    w.write(2, f"Allowed disruptions:\t{status.get('disruptionsAllowed', 0)}\n")
    w.write(2, f"Current:\t{status.get('currentHealthy', 0)}\n")
    w.write(2, f"Desired:\t{status.get('desiredHealthy', 0)}\n")
    w.write(2, f"Total:\t{status.get('expectedPods', 0)}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_priorityclass(cluster: Cluster, pc: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta = pc["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Value:\t{pc.get('value', 0)}\n")
    w.write(0, f"GlobalDefault:\t{'true' if pc.get('globalDefault') else 'false'}\n")
    w.write(0, f"PreemptionPolicy:\t{pc.get('preemptionPolicy', '')}\n")
    w.write(0, f"Description:\t{pc.get('description', '')}\n")
    w.write(0, f"Annotations:\t{format_labels(meta.get('annotations'))}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_hpa(cluster: Cluster, hpa: dict, events: list | None) -> str:
    """describeHorizontalPodAutoscalerV2."""
    w = PrefixWriter()
    meta, spec, status = hpa["metadata"], hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    object_head(w, meta)
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    w.write(0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(0, "Metrics:\t( current / target )\n")
    currents = status.get("currentMetrics") or []
    for i, metric in enumerate(spec.get("metrics") or []):
        cur = currents[i] if i < len(currents) else {}
        kind = metric.get("type")
        if kind == "Resource":
            src = metric.get("resource") or {}
            target = src.get("target") or {}
            now = (cur.get("resource") or {}).get("current")
            w.write(1, f"resource {src.get('name', '')} on pods")
            if target.get("averageValue") is not None:
                w.write(0, f":\t{'<unknown>' if now is None else now.get('averageValue', '0')} / "
                           f"{target['averageValue']}\n")
            else:
                shown = "<unknown>" if not now or now.get("averageUtilization") is None else \
                    f"{now['averageUtilization']}% ({now.get('averageValue', '0')})"
                want = "<auto>" if target.get("averageUtilization") is None else f"{target['averageUtilization']}%"
                w.write(1, f"(as a percentage of request):\t{shown} / {want}\n")
        elif kind == "Pods":
            src = metric.get("pods") or {}
            now = (cur.get("pods") or {}).get("current")
            w.write(1, f"\"{(src.get('metric') or {}).get('name', '')}\" on pods:\t"
                       f"{'<unknown>' if now is None else now.get('averageValue', '0')} / "
                       f"{(src.get('target') or {}).get('averageValue', '0')}\n")
        else:
            w.write(1, f"<unknown metric type \"{kind}\">\n")
    low = spec.get("minReplicas")
    w.write(0, f"Min replicas:\t{'<unset>' if low is None else low}\n")
    w.write(0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
    behavior = spec.get("behavior")
    if behavior is not None:
        w.write(0, "Behavior:\n")
        for title, key in (("Scale Up", "scaleUp"), ("Scale Down", "scaleDown")):
            rules = behavior.get(key)
            if rules is None:
                continue
            w.write(1, f"{title}:\n")
            if rules.get("stabilizationWindowSeconds") is not None:
                w.write(2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
            if rules.get("policies"):
                w.write(2, f"Select Policy: {rules.get('selectPolicy', 'Max')}\n")
                w.write(2, "Policies:\n")
                for p in rules["policies"]:
                    w.write(3, f"- Type: {p.get('type', '')}\tValue: {p.get('value', 0)}\tPeriod: "
                               f"{p.get('periodSeconds', 0)} seconds\n")
    w.write(0, f"{ref.get('kind', '')} pods:\t")
    w.write(0, f"{status.get('currentReplicas', 0)} current / {status.get('desiredReplicas', 0)} desired\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tReason\tMessage\n")
        w.write(1, "----\t------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t{c.get('message', '')}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


DESCRIBERS = {"roles": describe_role, "clusterroles": describe_role, "rolebindings": describe_binding,
              "clusterrolebindings": describe_binding, "poddisruptionbudgets": describe_pdb,
              "priorityclasses": describe_priorityclass, "horizontalpodautoscalers": describe_hpa}
# RBAC describers are given no event list (describe.go)
NO_EVENTS = {"roles", "clusterroles", "rolebindings", "clusterrolebindings"}
