"""Why something does not work, in words a learner can act on, and the fix as a command.

    diagnose_object(cluster, "pods", pod)        -> (cause, fix) | None   a pod, Service, Ingress, policy
    diagnose_walk(cluster, walk)                 -> (cause, fix) | None   a request that did not get through
    diagnose_trace(cluster, trace, host_files)   -> Diagnosis | None      the same, from a trace dict
    diagnose_command(engine, line, result)       -> Diagnosis | None      a command that failed or did harm

The lesson's hints, the diagram's warning badges and the traces' `cause`/`fix` all come from here, so they
use the same words. A fix is a command that works in the current state: when an object must be made
again, the fix deletes it first; when something already exists, the fix never creates it.

Pure (no Django): reads the cluster, never changes it.
"""
from __future__ import annotations

import difflib
import json
import re
import shlex
from . import images, ingress, network, policy, webcontent
from .controllers import is_ready, pods_with_label
from .diagnose_gateway import gateway_trace, httproute_problem
from .diagnosis import Diagnosis
from .labels import format_labels, parse_selector, requirements_match
from .processes import listeners

SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease", "ingress-nginx")
KIND_WORDS = {"pods": "pod", "services": "service", "deployments": "deployment", "ingresses": "ingress",
              "networkpolicies": "networkpolicy", "namespaces": "namespace", "replicasets": "replicaset"}


def _matches(selector: dict, labels: dict) -> bool:
    """A Service's selector (a plain label map, as matchLabels) against a pod's labels."""
    return all((labels or {}).get(k) == v for k, v in (selector or {}).items())


# ---- pods ------------------------------------------------------------------------------------------
def _owner(cluster, pod: dict) -> tuple[str, str] | None:
    """("deployment", name) for a Deployment's pod, ("replicaset"/"daemonset"/..., name) otherwise."""
    ns = pod["metadata"]["namespace"]
    for ref in pod["metadata"].get("ownerReferences") or []:
        if ref.get("kind") == "ReplicaSet":
            rs = cluster.get("replicasets", ns, ref.get("name", ""))
            for up in (rs or {}).get("metadata", {}).get("ownerReferences") or []:
                if up.get("kind") == "Deployment":
                    return "deployment", up["name"]
        return ref.get("kind", "").lower(), ref.get("name", "")
    return None


def _meant_image(image: str) -> str | None:
    """`ngnix:latest` -> `nginx:latest`: the known image one typo away, keeping the tag."""
    repo = images.repository(image.lower())
    close = difflib.get_close_matches(repo, sorted(images.KNOWN_REPOSITORIES), n=1, cutoff=0.6)
    if not close:
        return None
    tag = images.tag(image)
    return close[0] + ("" if tag == "latest" and ":" not in image else f":{tag}")


def _run_line(pod: dict, image: str, command: list[str] | None = None) -> str:
    """`kubectl run` that makes this pod again (its labels kept unless they are run=NAME's own)."""
    name = pod["metadata"]["name"]
    labels = pod["metadata"].get("labels") or {}
    line = f"kubectl run {name} --image={image}"
    if pod["metadata"]["namespace"] != "default":
        line += f" -n {pod['metadata']['namespace']}"
    if labels and labels != {"run": name}:
        line += " --labels=" + ",".join(f"{k}={v}" for k, v in labels.items())
    if command:
        line += " -- " + " ".join(command)
    return line


def _ns_flag(ns: str) -> str:
    return "" if ns == "default" else f" -n {ns}"


def pod_problem(cluster, pod: dict) -> Diagnosis | None:
    """Why this pod will not run, from its spec (so it is known before the kubelet reports it)."""
    meta, spec = pod["metadata"], pod.get("spec") or {}
    if meta.get("deletionTimestamp"):
        return None
    name, ns = meta["name"], meta["namespace"]
    owner = _owner(cluster, pod)
    for c in spec.get("containers") or []:
        image = c.get("image", "")
        if not images.pullable(image):
            meant = _meant_image(image)
            cause = (f"The image {image!r} of pod {name} cannot be pulled: no such image exists, so the pod "
                     f"waits in ImagePullBackOff" + (f" (did you mean {meant}?)" if meant else "") + ".")
            fix = None
            if meant and owner and owner[0] == "deployment":
                fix = f"kubectl set image deployment/{owner[1]} {c['name']}={meant}{_ns_flag(ns)}"
            elif meant and owner is None:
                fix = f"kubectl delete pod {name}{_ns_flag(ns)} && " + _run_line(pod, meant, _argv(c) or None)
            return Diagnosis(cause, fix)
        if spec.get("restartPolicy", "Always") == "Always" and \
                not images.keeps_running(image, c.get("command"), c.get("args")):
            repo = images.repository(image)
            cause = (f"{repo} exits at once when it has nothing to run, so pod {name} restarts over and over "
                     f"(CrashLoopBackOff). Give it a long command such as sleep 3600.")
            fix = None
            if owner is None:
                fix = f"kubectl delete pod {name}{_ns_flag(ns)} && " + _run_line(pod, image, ["sleep", "3600"])
            elif owner[0] == "deployment":
                fix = (f"kubectl delete deployment {owner[1]}{_ns_flag(ns)} && kubectl create deployment "
                       f"{owner[1]} --image={image}{_ns_flag(ns)} -- sleep 3600")
            return Diagnosis(cause, fix)
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Failed":
        return Diagnosis(f"Pod {name} has failed and will not run again.",
                         f"kubectl delete pod {name}{_ns_flag(ns)}" if owner else None)
    return None


def _argv(c: dict) -> list[str]:
    return list(c.get("command") or []) + list(c.get("args") or [])


def pod_starting(pod: dict) -> bool:
    """Still on its way to Running (no problem known): the step can count it."""
    return (pod.get("status") or {}).get("phase") in (None, "Pending")


# ---- pods behind a label selector --------------------------------------------------------------------
def _live_pods(cluster, ns: str) -> list[dict]:
    return [p for p in cluster.list("pods", ns) if not p["metadata"].get("deletionTimestamp")]


def _labels_text(labels: dict) -> str:
    return format_labels({k: v for k, v in (labels or {}).items() if k != "pod-template-hash"})


def _pod_label_texts(cluster, ns: str) -> list[str]:
    """The distinct label sets of the namespace's live pods, sorted (what a Service whose selector matches
    none is told), kept until a pod changes: every such Service in the namespace asks on every diagram."""
    stamp = cluster.stamp("pods", content=True)
    cache = cluster.derived.pod_labels
    if cache.get("stamp") != stamp:
        cache.clear()
        cache["stamp"] = stamp
    if ns not in cache:
        cache[ns] = sorted({_labels_text(p["metadata"].get("labels")) for p in _live_pods(cluster, ns)})
    return cache[ns]


def missing_labels(cluster, ns: str, selector: str) -> Diagnosis | None:
    """No pod matches `selector`: which pods come closest, and the `kubectl label` that would fix it."""
    try:
        reqs = parse_selector(selector)
    except ValueError:
        return None
    wanted = {k: vals[0] for k, op, vals in reqs if op in ("=", "==", "in") and vals}
    if all(op in ("=", "==") for _, op, _ in reqs) and wanted:
        # equality only: the pods that could match, or come close, carry one of the wanted pairs; the
        # controllers' label index finds them without a scan (every Service without endpoints asks)
        near = {p["metadata"]["name"]: p for k, v in wanted.items()
                for p in pods_with_label(cluster, ns, ((k, v),)) if not p["metadata"].get("deletionTimestamp")}
        candidates = [near[name] for name in sorted(near)]        # list order, as the scan had them
    else:
        candidates = _live_pods(cluster, ns)
    if any(requirements_match(reqs, p["metadata"].get("labels") or {}) for p in candidates):
        return None

    def score(p):
        labels = p["metadata"].get("labels") or {}
        return sum(1 for k, v in wanted.items() if labels.get(k) == v)
    best = max(candidates, key=score, default=None)
    where = "" if ns == "default" else f" in namespace {ns}"
    if best is None or not wanted or score(best) == 0:
        shown = "; ".join(f"{p['metadata']['name']}: {_labels_text(p['metadata'].get('labels'))}"
                          for p in _live_pods(cluster, ns)[:6]) or "there are no pods"
        return Diagnosis(f"No pod{where} carries the labels {selector} (the pods have {shown}).")
    labels = best["metadata"].get("labels") or {}
    lacking = {k: v for k, v in wanted.items() if labels.get(k) != v}
    clash = any(k in labels for k in lacking)
    name = best["metadata"]["name"]
    fix = f"kubectl label pod {name} " + " ".join(f"{k}={v}" for k, v in lacking.items()) + \
        (" --overwrite" if clash else "") + _ns_flag(ns)
    return Diagnosis(f"No pod{where} matches {selector}: pod {name} has {_labels_text(labels)} and lacks "
                     + ", ".join(f"{k}={v}" for k, v in lacking.items()) + ".", fix)


# ---- Services ----------------------------------------------------------------------------------------
def _selector_text(sel: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(sel.items()))


def _listening_ports(pod: dict) -> list[int]:
    """TCP ports the pod's processes listen on (their commands decide: processes.py)."""
    out: list[int] = []
    for c in (pod.get("spec") or {}).get("containers") or []:
        out += [li.port for li in listeners(c) if li.protocol == "TCP" and li.port not in out]
    return sorted(out)


class _Fetched:
    """A sequence read from an iterator only as far as it is looked at: the diagram diagnoses every Service
    of a namespace after each write there, and the port check usually stops at the first ready pod of a
    hundred."""

    def __init__(self, items):
        self._items, self._seen = iter(items), []

    def _upto(self, i: int) -> bool:
        while len(self._seen) <= i:
            item = next(self._items, None)
            if item is None:
                return False
            self._seen.append(item)
        return True

    def __iter__(self):
        i = 0
        while self._upto(i):
            yield self._seen[i]
            i += 1

    def __getitem__(self, i: int):
        if not self._upto(i):
            raise IndexError(i)
        return self._seen[i]

    def __bool__(self) -> bool:
        return self._upto(0)


def _ready_endpoint_pods(cluster, ns: str, name: str) -> _Fetched:
    """The ready pods the endpoints controller already lists for the Service (no scan of the namespace)."""
    ep = cluster.get("endpoints", ns, name) or {}
    refs = (a.get("targetRef") or {} for s in ep.get("subsets") or [] for a in s.get("addresses") or [])
    pods = (cluster.get("pods", ns, r["name"]) for r in refs if r.get("kind") == "Pod" and r.get("name"))
    return _Fetched(p for p in pods if p is not None)


def _unready_service_pods(cluster, svc: dict) -> "list[dict] | Diagnosis":
    """A Service without ready endpoints: why (a selector no pod matches, pods that will not run), or the
    pods still starting, whose ports are checked next."""
    spec, meta = svc.get("spec") or {}, svc["metadata"]
    name, ns = meta["name"], meta["namespace"]
    sel = spec.get("selector") or {}
    pods = [p for p in pods_with_label(cluster, ns, tuple(sel.items()))
            if _matches(sel, p["metadata"].get("labels") or {}) and not p["metadata"].get("deletionTimestamp")]
    if not pods:
        found = missing_labels(cluster, ns, _selector_text(sel))
        others = _pod_label_texts(cluster, ns)
        have = f" (the pods here are labelled {'; '.join(others[:4])})" if others else " (there are no pods)"
        fix = None
        dep = cluster.get("deployments", ns, name)
        port = (spec.get("ports") or [{}])[0].get("port")
        if dep is not None and port and (dep["spec"].get("selector") or {}).get("matchLabels") != sel:
            fix = (f"kubectl delete service {name}{_ns_flag(ns)} && kubectl expose deployment {name} "
                   f"--port={port}{_ns_flag(ns)}")
        elif found and found.fix:
            fix = found.fix
        return Diagnosis(f"Service {name} selects {_selector_text(sel)}, but no pod carries those labels{have}, "
                         "so it has no endpoints.", fix)
    troubled = [(p, pod_problem(cluster, p)) for p in pods]
    if all(d is not None for _, d in troubled):
        d = troubled[0][1]
        return Diagnosis(f"Service {name} has no ready endpoints: {d.cause}", d.fix)
    return [p for p, d in troubled if d is None]


def service_problem(cluster, svc: dict) -> Diagnosis | None:
    """Why a Service sends nowhere: a selector no pod matches, pods that will not run, the wrong targetPort."""
    spec, meta = svc.get("spec") or {}, svc["metadata"]
    name, ns = meta["name"], meta["namespace"]
    sel = spec.get("selector") or {}
    if spec.get("type") == "ExternalName" or not sel:
        return None
    running = _ready_endpoint_pods(cluster, ns, name)
    if not running:
        running = _unready_service_pods(cluster, svc)
        if isinstance(running, Diagnosis):
            return running
    for sp in spec.get("ports") or []:
        target = sp.get("targetPort", sp.get("port"))
        if not isinstance(target, int):
            continue
        if any(webcontent.container_listening(p, target) for p in running):
            continue
        listening = _listening_ports(running[0])
        if not listening:
            continue
        image = next((c.get("image") for c in running[0]["spec"].get("containers") or []), "")
        ports = " and ".join(str(p) for p in listening)
        patch = {"spec": {"ports": [{"port": sp.get("port"), "targetPort": listening[0]}]}}
        fix = f"kubectl patch service {name}{_ns_flag(ns)} -p '{json.dumps(patch, separators=(',', ':'))}'"
        return Diagnosis(f"Service {name} sends port {sp.get('port')} to port {target} of its pods, but "
                         f"{images.repository(image)} there listens on {ports}, so connections are refused.", fix)
    return None


# ---- Ingresses ---------------------------------------------------------------------------------------
def _ingress_paths(ing: dict):
    """(rule index, path index, host, path, backend Service dict) for every path of an Ingress."""
    for ri, rule in enumerate((ing.get("spec") or {}).get("rules") or []):
        for pi, path in enumerate((rule.get("http") or {}).get("paths") or []):
            yield ri, pi, rule.get("host") or "", path.get("path") or "/", \
                ((path.get("backend") or {}).get("service") or {})


def _ports_text(svc: dict) -> str:
    ports = [str(sp.get("port")) for sp in (svc.get("spec") or {}).get("ports") or []]
    return ("port " if len(ports) == 1 else "ports ") + " and ".join(ports) if ports else "no ports"


def ingress_problem(cluster, ing: dict, only_path: str | None = None) -> Diagnosis | None:
    """Why an Ingress path does not reach pods: no controller, a missing Service or port, no endpoints."""
    meta = ing["metadata"]
    name, ns = meta["name"], meta["namespace"]
    for ri, pi, host, path, backend in _ingress_paths(ing):
        if only_path is not None and path != only_path:
            continue
        where = f"{host}{path}" if host else path
        sname = backend.get("name", "")
        port = backend.get("port") or {}
        svc = cluster.get("services", ns, sname)
        if svc is None:
            dep = cluster.get("deployments", ns, sname)
            fix = f"kubectl expose deployment {sname} --port={port.get('number')}{_ns_flag(ns)}" \
                if dep is not None and port.get("number") else None
            return Diagnosis(f"Ingress {name} sends {where} to Service {sname}, which does not exist, so "
                             "ingress-nginx answers 503 Service Temporarily Unavailable.", fix)
        ports = (svc.get("spec") or {}).get("ports") or []
        if "number" in port:
            sp = next((p for p in ports if int(p.get("port", 0)) == int(port["number"])), None)
        else:
            sp = next((p for p in ports if p.get("name") == port.get("name")), None)
        if sp is None:
            want = port.get("number", port.get("name"))
            fix = None
            if len(ports) == 1 and "number" in port:
                patch = [{"op": "replace", "value": int(ports[0]["port"]),
                          "path": f"/spec/rules/{ri}/http/paths/{pi}/backend/service/port/number"}]
                fix = (f"kubectl patch ingress {name}{_ns_flag(ns)} --type=json -p "
                       f"'{json.dumps(patch, separators=(',', ':'))}'")
            return Diagnosis(f"Ingress {name} sends {where} to port {want} of Service {sname}, but the Service "
                             f"only has {_ports_text(svc)}, so ingress-nginx answers 503 Service Temporarily "
                             "Unavailable.", fix)
        d = service_problem(cluster, svc)
        if d is not None:
            return Diagnosis(f"Ingress {name} sends {where} to Service {sname}: {d.cause}", d.fix)
    return None


def controller_missing(cluster) -> Diagnosis | None:
    if ingress.controller_pods(cluster):
        return None
    return Diagnosis("No ingress controller runs in the cluster, so nothing reads the Ingress rules.",
                     "minikube addons enable ingress")


# ---- NetworkPolicies ---------------------------------------------------------------------------------
def policy_problem(cluster, pol: dict) -> Diagnosis | None:
    name = pol["metadata"]["name"]
    if not policy.enforced(cluster):
        return Diagnosis(f"NetworkPolicy {name} is stored but not enforced: the cluster's network plugin "
                         f"({policy.cni_label(cluster)}) ignores NetworkPolicies. Recreate the cluster with Calico.",
                         "minikube delete && minikube start --cni=calico")
    sel = (pol.get("spec") or {}).get("podSelector") or {}
    ns = pol["metadata"]["namespace"]
    labels = sel.get("matchLabels") or {}
    if labels and not sel.get("matchExpressions") and not any(
            _matches(labels, p["metadata"].get("labels") or {}) for p in _live_pods(cluster, ns)):
        return Diagnosis(f"NetworkPolicy {name} selects pods labelled {_selector_text(labels)}, and no pod "
                         "carries those labels, so it isolates nothing.")
    return None


def _policy_drop(cluster, trace: dict) -> Diagnosis | None:
    """A dropped request: the policy that isolates the destination and the label its rules ask for."""
    pods = [h["id"].split("/") for h in trace.get("hops") or [] if h.get("kind") == "pod"]
    if not pods:
        return None
    _, dns, dname = pods[-1]
    dest = cluster.get("pods", dns, dname)
    src_id = trace.get("source", "")
    src = cluster.get("pods", *src_id.split("/")[1:]) if src_id.startswith("pod/") else None
    if dest is None:
        return None
    ctx = policy.Context(cluster)
    for pol in ctx.selecting(dest, "Ingress"):
        pname = pol["metadata"]["name"]
        for rule in (pol.get("spec") or {}).get("ingress") or []:
            for peer in (rule or {}).get("from") or []:
                want = ((peer or {}).get("podSelector") or {}).get("matchLabels") or {}
                if not want or (peer or {}).get("namespaceSelector"):
                    continue
                if src is not None and _matches(want, src["metadata"].get("labels") or {}):
                    continue          # this rule lets the source in: the drop is elsewhere (its egress)
                text = _selector_text(want)
                who = src["metadata"]["name"] if src is not None else "your machine"
                cause = (f"NetworkPolicy {pname} selects {dname} and lets in only pods labelled {text}; "
                         f"{who} does not carry that label, so its packets are dropped.")
                fix = None
                if src is not None and src["metadata"]["namespace"] == pol["metadata"]["namespace"]:
                    have = src["metadata"].get("labels") or {}
                    fix = f"kubectl label pod {who} " + " ".join(f"{k}={v}" for k, v in want.items()) + \
                        (" --overwrite" if any(k in have for k in want) else "") + \
                        _ns_flag(src["metadata"]["namespace"])
                return Diagnosis(cause, fix)
        if not (pol.get("spec") or {}).get("ingress"):
            return Diagnosis(f"NetworkPolicy {pname} selects {dname} and lists no ingress rule, so it drops "
                             "all traffic into it.")
    for pol in ctx.selecting(src, "Egress") if src is not None else []:
        return Diagnosis(f"NetworkPolicy {pol['metadata']['name']} isolates {src['metadata']['name']} for egress, "
                         f"and none of the rules it applies lets it reach {dname}, so the packets are dropped.")
    return Diagnosis(trace.get("reason", "A NetworkPolicy drops the packets.").rstrip(".") + ".")


# ---- one request: a trace (Walk.as_trace()) ----------------------------------------------------------
def _service_named(cluster, name: str, ns: str | None = None) -> list[dict]:
    return [s for s in cluster.list("services", ns) if s["metadata"]["name"] == name]


def _node_port_curl(svc: dict) -> str | None:
    for sp in (svc.get("spec") or {}).get("ports") or []:
        if sp.get("nodePort"):
            return f"curl http://$(minikube ip):{sp['nodePort']}"
    return None


def _shell_pod(cluster) -> dict | None:
    """A running pod with a shell image in default, to run a lookup from inside the cluster."""
    for p in cluster.list("pods", "default"):
        image = next((c.get("image", "") for c in p["spec"].get("containers") or []), "")
        if images.repository(image) in images.SHELL_IMAGES and is_ready(p):
            return p
    return None


def _ingress_hosts(cluster) -> set[str]:
    return {r.get("host") for ing in cluster.list("ingresses") for r in (ing.get("spec") or {}).get("rules") or []
            if r.get("host")}


def _host_unresolved(cluster, name: str) -> Diagnosis:
    parts = name.lower().rstrip(".").split(".")
    svcs = _service_named(cluster, parts[0], parts[1] if len(parts) > 1 and parts[1] != "svc" else None)
    if svcs and (len(parts) == 1 or parts[1:2] == ["svc"] or len(parts) in (2, 3) or
                 parts[-3:] == ["svc", "cluster", "local"]) and name not in _ingress_hosts(cluster):
        svc = svcs[0]
        fix = _node_port_curl(svc)
        pod = _shell_pod(cluster)
        if fix is None and pod is not None:
            fix = f"kubectl exec -it {pod['metadata']['name']} -- wget -qO- {name}"
        return Diagnosis(f"{name} is the name of a Service, and Service names resolve only inside the cluster "
                         "(through the cluster DNS); your machine looks names up in /etc/hosts, which has no "
                         "entry for it." + ("" if fix else " From here, a Service is reached on a NodePort "
                                                          "of the node (minikube ip)."), fix)
    return Diagnosis(f"{name} does not resolve on your machine: /etc/hosts has no entry for it (your machine "
                     "cannot use the cluster's DNS).",
                     f'echo "$(minikube ip) {name}" | sudo tee -a /etc/hosts')


def _pod_unresolved(cluster, name: str, src_ns: str) -> Diagnosis:
    parts = name.lower().rstrip(".").split(".")
    if len(parts) == 1:
        here = _service_named(cluster, name, src_ns)
        elsewhere = [s for s in _service_named(cluster, name) if s["metadata"]["namespace"] != src_ns]
        if not here and elsewhere:
            other = elsewhere[0]["metadata"]["namespace"]
            return Diagnosis(f"{name} is a Service in namespace {other}, and a short name resolves only in the "
                             f"pod's own namespace ({src_ns}): use {name}.{other}.", None, (name, f"{name}.{other}"))
        if not here:
            for kind in ("pods", "deployments"):
                obj = cluster.get(kind, src_ns, name)
                if obj is None:
                    continue
                pod = obj if kind == "pods" else None
                if pod is None:
                    pod = next((p for p in _live_pods(cluster, src_ns)
                                if (_owner(cluster, p) or ("", ""))[1] == name), None)
                ports = _listening_ports(pod) if pod is not None else []
                fix = f"kubectl expose {KIND_WORDS[kind]} {name}" + (f" --port={ports[0]}" if ports else "") + \
                    _ns_flag(src_ns)
                return Diagnosis(f"{name} is a {KIND_WORDS[kind]}, not a Service (yet): the cluster DNS has names "
                                 "only for Services.", fix if ports else None)
            return Diagnosis(f"There is no Service named {name} in namespace {src_ns}, so the cluster DNS has no "
                             "record for it (NXDOMAIN).")
    if len(parts) >= 2 and not _service_named(cluster, parts[0], parts[1]):
        return Diagnosis(f"There is no Service {parts[0]} in namespace {parts[1]}, so {name} has no DNS record.")
    return Diagnosis(f"The cluster DNS has no record for {name}.")


def _controller_trace(cluster, trace: dict) -> Diagnosis | None:
    """The ingress controller's own request to a Service (dest `svc.ns:port`) that failed."""
    dest, _, port = trace.get("dest", "").rpartition(":")
    sname, _, ns = dest.partition(".")
    for ing in cluster.list("ingresses", ns or "default"):
        for _, _, _, path, backend in _ingress_paths(ing):
            p = backend.get("port") or {}
            if backend.get("name") == sname and str(p.get("number", "")) in (port, ""):
                d = ingress_problem(cluster, ing, path)
                if d is not None:
                    return d
    svc = cluster.get("services", ns or "default", sname)
    return service_problem(cluster, svc) if svc is not None else None


def _ingress_hop(cluster, hop: dict) -> Diagnosis | None:
    """A request that went through an Ingress (hop detail `host/path -> svc:port`) and failed after it."""
    _, ns, name = hop["id"].split("/", 2)
    ing = cluster.get("ingresses", ns, name)
    if ing is None:
        return None
    m = re.match(r"[^/\s]*(/\S*) -> ", hop.get("detail", ""))
    return ingress_problem(cluster, ing, m.group(1) if m else None)


def diagnose_trace(cluster, trace: dict, host_files: dict | None = None) -> Diagnosis | None:
    """The cause of a request that did not get through (None when it did)."""
    verdict, reason = trace.get("verdict"), trace.get("reason", "")
    if verdict == "ok" or not verdict:
        return None
    source = trace.get("source", "")
    dest, _, port = trace.get("dest", "").rpartition(":")
    if source.startswith("pod/ingress-nginx/"):
        d = _controller_trace(cluster, trace)
        if d is not None:
            return d
    hops = trace.get("hops") or []
    if any(h.get("kind") == "gateway" for h in hops):     # Envoy Gateway's proxy answered: its routes say why
        d = gateway_trace(cluster, trace)
        if d is not None:
            return d
    ing_hop = next((h for h in hops if h.get("kind") == "ingress"), None)
    if ing_hop is not None:             # the controller's onward request, joined to the learner's: the rule says why
        d = _ingress_hop(cluster, ing_hop)
        if d is not None:
            return d
    down = network.node_reachable(cluster)
    if down and (source == "host" or not cluster.running):
        return _cluster_down(cluster, "reach the node")
    if "NetworkPolicy" in reason:
        return _policy_drop(cluster, trace)
    if verdict == "unresolved":
        name = dest or reason.split(":", 1)[0].split(" ")[0]
        if source == "host":
            return _host_unresolved(cluster, name)
        return _pod_unresolved(cluster, name, source.split("/")[1] if source.count("/") == 2 else "default")
    if source == "host" and verdict == "timeout" and network.is_ip(dest):
        for svc in cluster.list("services"):
            if dest in ((svc.get("spec") or {}).get("clusterIPs") or [svc["spec"].get("clusterIP")]):
                fix = _node_port_curl(svc)
                return Diagnosis(f"{dest} is the ClusterIP of Service {svc['metadata']['name']}: ClusterIPs exist "
                                 "only inside the cluster, so from your machine the packets go nowhere and the "
                                 "connection times out." + ("" if fix else " From outside, a Service is reached "
                                                                           "through a NodePort."), fix)
        if network.is_ip(dest) and dest.startswith("10."):
            return Diagnosis(f"{dest} is an address inside the cluster's network; your machine has no route to it, "
                             "so the connection times out. From here, use the node's address (minikube ip) and a "
                             "NodePort.")
    svc_hop = next((h for h in hops if h.get("kind") == "service" and h["id"].startswith("service/")), None)
    if verdict == "refused" and reason.startswith("nothing listens on port") and "of the node" in reason:
        node_ports = [(s, sp["nodePort"]) for s in cluster.list("services")
                      if s["metadata"]["namespace"] not in SYSTEM_NAMESPACES
                      for sp in (s.get("spec") or {}).get("ports") or [] if sp.get("nodePort")]
        if node_ports:
            text = ", ".join(f"Service {s['metadata']['name']} has NodePort {np}" for s, np in node_ports)
            return Diagnosis(f"Nothing listens on port {port} of the node: no NodePort Service uses it ({text}).",
                             f"curl http://$(minikube ip):{node_ports[0][1]}")
        return Diagnosis(f"Nothing listens on port {port} of the node: no Service has NodePort {port}.")
    if svc_hop is not None:
        _, ns, name = svc_hop["id"].split("/", 2)
        svc = cluster.get("services", ns, name)
        if svc is not None:
            if "no port" in svc_hop.get("detail", ""):
                return Diagnosis(f"Service {name} has no port {port}: it only has {_ports_text(svc)}.",
                                 None, (f":{port}", f":{svc['spec']['ports'][0]['port']}") if svc["spec"].get("ports")
                                 else None)
            d = service_problem(cluster, svc)
            if d is not None:
                return d
    pod_hop = next((h for h in reversed(hops) if h.get("kind") == "pod"), None)
    if pod_hop is not None and verdict == "refused":
        _, ns, name = pod_hop["id"].split("/", 2)
        pod = cluster.get("pods", ns, name)
        if pod is not None:
            d = pod_problem(cluster, pod)
            if d is not None:
                return d
            ports = _listening_ports(pod)
            if ports:
                return Diagnosis(f"Pod {name} listens on {' and '.join(map(str, ports))}, not on {port}, so the "
                                 "connection is refused.")
            unknown = next((c.get("image", "") for c in pod["spec"].get("containers") or []
                            if not images.known(c.get("image", ""))), None)
            if unknown is not None:
                return Diagnosis(f"Pod {name} runs {unknown}, an image the playground does not know: it starts, "
                                 "but nothing in it listens (the playground simulates servers it knows: nginx, "
                                 "httpd, agnhost, hello-app, http-echo, busybox httpd, nc -l, python3 -m "
                                 "http.server), so the connection is refused.")
    return Diagnosis(reason[0].upper() + reason[1:].rstrip(".") + ".") if reason else None


def diagnose_walk(cluster, walk, host_files: dict | None = None) -> tuple[str, str | None] | None:
    d = diagnose_trace(cluster, walk.as_trace(), host_files)
    return d.pair() if d else None


def diagnose_object(cluster, kind: str, obj: dict) -> tuple[str, str | None] | None:
    """Why this object does not do its job (for the diagram's warning badge), or None."""
    kind = KIND_WORDS.get(kind, kind).lower()
    if kind == "pod":
        d = pod_problem(cluster, obj)
    elif kind == "service":
        d = service_problem(cluster, obj)
    elif kind == "ingress":
        d = ingress_problem(cluster, obj) or (controller_missing(cluster) if obj else None)
    elif kind == "networkpolicy":
        d = policy_problem(cluster, obj)
    elif kind in ("httproute", "httproutes"):
        d = httproute_problem(cluster, obj)
    else:
        d = None
    return d.pair() if d else None


# ---- one command --------------------------------------------------------------------------------------
def _cluster_down(cluster, what: str) -> Diagnosis:
    if network.node_reachable(cluster) == "deleted":
        return Diagnosis(f"The minikube cluster was deleted (minikube delete), so there is nothing to {what}: "
                         "start a new cluster first.", "minikube start")
    return Diagnosis(f"minikube is stopped, so there is nothing to {what}: start it again.", "minikube start")


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


def _namespace_of(words: list[str]) -> str:
    for i, w in enumerate(words):
        if w in ("-n", "--namespace") and i + 1 < len(words):
            return words[i + 1]
        if w.startswith(("--namespace=", "-n=")):
            return w.split("=", 1)[1]
    return "default"


ALREADY = re.compile(r'\((AlreadyExists)\): (\w+)(?:\.[\w.]+)? "([^"]+)" already exists')
NOT_FOUND = re.compile(r'\(NotFound\): (\w+)(?:\.[\w.]+)? "([^"]+)" not found')
LABEL_SET = re.compile(r"'([^']+)' already has a value \(([^)]*)\), and --overwrite is false")


def _brief(obj: dict) -> str:
    if obj.get("kind") == "Service":
        spec = obj.get("spec") or {}
        ports = ", ".join(f"{sp.get('port')}" + (f":{sp['nodePort']}" if sp.get("nodePort") else "")
                          for sp in spec.get("ports") or [])
        return f" ({spec.get('type', 'ClusterIP')}, port {ports})"
    return ""


def diagnose_command(engine, line: str, result) -> Diagnosis | None:
    """What went wrong with this command, or what it teaches (None when there is nothing to say)."""
    cluster = engine.cluster
    output = (result.get("output") if isinstance(result, dict) else getattr(result, "output", "")) or ""
    code = int((result.get("exit_code") if isinstance(result, dict) else getattr(result, "exit_code", 0)) or 0)
    traces = (result.get("traces") if isinstance(result, dict) else getattr(result, "traces", None)) or []
    words = _words(line)
    prog = words[0] if words else ""
    ns = _namespace_of(words)
    if "localhost:8080 was refused" in output or "dial tcp 127.0.0.1:8080" in output or \
            'Profile "minikube" not found' in output:
        verb = " ".join(words[:2]) if prog == "minikube" else "talk to"
        what = {"minikube stop": "stop", "minikube status": "report on", "minikube ip": "give an address",
                "minikube service": "open", "minikube addons": "add to"}.get(verb, "talk to (kubectl's "
                                                                                  "default is localhost:8080)")
        return _cluster_down(cluster, what)
    m = LABEL_SET.search(output)
    if m:
        target = " ".join(w for w in words[2:4] if not w.startswith("-"))
        return Diagnosis(f"{target or 'The object'} already has the label {m.group(1)}={m.group(2)}, and kubectl "
                         "changes an existing label only with --overwrite.", line.rstrip() + " --overwrite")
    m = ALREADY.search(output)
    if m:
        kind, name = KIND_WORDS.get(m.group(2), m.group(2).rstrip("s")), m.group(3)
        plural = next((p for p, k in KIND_WORDS.items() if k == kind), m.group(2))
        obj = cluster.get(plural, ns, name) or {}
        return Diagnosis(f"The {kind} {name} already exists{_brief(obj)}, so kubectl will not create it again. "
                         f"Carry on with it, or delete it first to make it anew.",
                         f"kubectl delete {kind} {name}{_ns_flag(ns)} && {line.strip()}")
    if "provided port is already allocated" in output:
        m = re.search(r"nodePort: Invalid value: (\d+)", output)
        port = int(m.group(1)) if m else 0
        owner = next((s["metadata"]["name"] for s in cluster.list("services")
                      for sp in s["spec"].get("ports") or [] if sp.get("nodePort") == port), None)
        return Diagnosis(f"NodePort {port} is already taken" + (f" by Service {owner}" if owner else "") +
                         ": each NodePort belongs to one Service. Choose another port in 30000-32767, or leave "
                         "--node-port out and Kubernetes picks a free one.")
    if "container not found" in output or "unable to upgrade connection" in output:
        name = next((w for w in words[2:] if not w.startswith("-") and w != "--"), "")
        pod = cluster.get("pods", ns, name)
        if pod is not None:
            d = pod_problem(cluster, pod)
            if d:
                return d
            if pod_starting(pod):
                return Diagnosis(f"Pod {name} is still starting (ContainerCreating): wait a moment and run the "
                                 "command again.", line.strip())
    m = NOT_FOUND.search(output)
    if m:
        kind, name = KIND_WORDS.get(m.group(1), m.group(1).rstrip("s")), m.group(2)
        plural = next((p for p, k in KIND_WORDS.items() if k == kind), m.group(1))
        there = [o["metadata"]["namespace"] for o in cluster.list(plural) if o["metadata"]["name"] == name]
        if there:
            other = there[0]
            return Diagnosis(f"There is no {kind} {name} in namespace {ns}; there is one in namespace {other}.",
                             _with_namespace(line, other))
        names = sorted(o["metadata"]["name"] for o in cluster.list(plural, ns))
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.7)
        if close:
            return Diagnosis(f"There is no {kind} {name}: did you mean {close[0]}?",
                             _replace_word(line, name, close[0]))
        listing = ", ".join(names[:8]) or "none"
        return Diagnosis(f"There is no {kind} named {name} in namespace {ns} (the {kind}s there: {listing}).")
    if code == 127 and prog == "nslookup":
        name = next((w for w in words[1:] if not w.startswith("-")), "NAME")
        pod = _shell_pod(cluster)
        return Diagnosis("nslookup is not installed on your machine, and it could not use the cluster's DNS anyway: "
                         "Service names resolve only inside the cluster, so look them up from a pod.",
                         f"kubectl exec -it {pod['metadata']['name']} -- nslookup {name}" if pod else None)
    for trace in reversed(traces):
        if trace.get("verdict") == "ok":
            continue
        d = diagnose_trace(cluster, trace, engine.host.files)
        if d is None:
            continue
        if d.rename:
            fixed = _replace_word(line, *d.rename)
            return Diagnosis(d.cause, fixed if fixed != line else d.fix)
        return d
    if output.startswith("No resources found in ") and ns != "default":
        kind = words[2] if len(words) > 2 else "objects"
        return Diagnosis(f"Namespace {ns} has none of those; kubectl looks only in the namespace you give "
                         "(default without -n; -A for all namespaces).", _with_namespace(line, None) + " -A")
    if code == 0 and prog == "kubectl":
        return _made_objects(cluster, output)
    return None


def _made_objects(cluster, output: str) -> Diagnosis | None:
    """Objects a successful command made or changed (`pod/testpod created`) that will not work."""
    for m in re.finditer(r"^(\w+)(?:\.[\w.]+)?/([a-z0-9.-]+) (created|exposed|configured|patched|edited|labeled|"
                         r"image updated)", output, re.M):
        kind, name = m.group(1), m.group(2)
        plural = {"pod": "pods", "service": "services", "deployment": "deployments", "ingress": "ingresses",
                  "httproute": "httproutes"}.get(kind)
        for obj in cluster.list(plural) if plural else []:
            if obj["metadata"]["name"] != name:
                continue
            if kind == "deployment":
                sel = (obj["spec"].get("selector") or {}).get("matchLabels") or {}
                pods = [p for p in _live_pods(cluster, obj["metadata"]["namespace"])
                        if sel and _matches(sel, p["metadata"].get("labels") or {})]
                probe = pods[0] if pods else {"metadata": {"name": name, "namespace": obj["metadata"]["namespace"],
                                                           "ownerReferences": []},
                                              "spec": obj["spec"]["template"]["spec"]}
                d = pod_problem(cluster, probe)
            else:
                d = diagnose_object(cluster, kind, obj) if kind == "httproute" else \
                    {"pod": pod_problem, "service": service_problem}.get(kind, ingress_problem)(cluster, obj)
                d = Diagnosis(*d) if isinstance(d, tuple) else d
            if d is not None:
                return d
    return None


def _replace_word(line: str, old: str, new: str) -> str:
    """The line with the name `old` (a whole word, or a `:port`) replaced by `new`, once."""
    if old.startswith(":"):
        return line.replace(old, new, 1)
    return re.sub(rf"(?<![\w.-]){re.escape(old)}(?![\w-])", new, line, count=1)


def _with_namespace(line: str, ns: str | None) -> str:
    out = re.sub(r"\s(-n|--namespace)(=|\s+)\S+", "", line.strip())
    return out + (f" -n {ns}" if ns and ns != "default" else "")
