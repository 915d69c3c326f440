"""What a step asks of a command and of the cluster: the normalised command line and state predicates.

Pure functions over the engine (no Django), so the lesson logic is testable on its own.

Predicates (one mapping each; the first key names the object):
    {service: NAME, type: NodePort, port: 80, targetPort: 80, nodePort: 32000, protocol: TCP,
     selector: {app: nginx-app}, endpoints: 3, namespace: default, exists: true}
    {deployment: NAME, replicas: 3, readyReplicas: 3, image: "nginx:latest", namespace: default, exists: true}
    {pods: "app=nginx-app", count: 3, ready: 3, namespace: default}
    {output_contains: "Welcome to nginx!"}          (the command's output, as check.output_contains)
    {ingress: NAME, host: foo.example.com, pathType: Prefix, class: nginx, exists: true}
    {cluster: running, cni: calico} / {cluster: stopped} / {cluster: deleted}   (predicates.py)
Port keys are matched against one entry of spec.ports (all given keys on the same entry).

Health: `healthy: true` on pods, deployment, service and ingress asks that the thing does its job, judged
by playground.sim.diagnose (the failure reason is the diagnosis and its fix): the pods run or are on their
way (no ImagePullBackOff, no CrashLoopBackOff); the Service's selector matches pods that run and listen on
its targetPort; every path of the Ingress (or `path: /` only) goes to a Service port that exists and has
endpoints, with a controller running.
"""
from __future__ import annotations

import functools
import re
import shlex

from playground.sim import diagnose, images
from playground.sim.controllers import is_ready
from playground.sim.labels import parse_selector, requirements_match, selector_matches
from playground.sim.programs.kubectl.framework import GLOBAL_FLAGS, split_command
from playground.sim.programs.kubectl.registry import build

from . import predicates

# Flags whose value may be given as the next word; normalised to `--flag=value` so one regex fits both.
VALUE_FLAGS = {"--port", "--image", "--replicas", "--type", "--name", "--target-port", "--tcp", "--node-port",
               "--protocol", "--selector", "--namespace", "--output", "--clusterip", "--external-name",
               "--patch", "--filename"}
SHORT_VALUE_FLAGS = {"-n": "--namespace", "-o": "--output", "-l": "--selector", "-p": "--patch",
                     "-f": "--filename"}

SERVICE_KEYS = {"service", "namespace", "type", "port", "targetPort", "nodePort", "protocol", "selector",
                "endpoints", "exists", "healthy"}
DEPLOYMENT_KEYS = {"deployment", "namespace", "replicas", "readyReplicas", "image", "exists", "healthy"}
PODS_KEYS = {"pods", "namespace", "count", "ready", "healthy"}
# {ingress: NAME, pathType: Prefix, host: foo.example.com, class: nginx, exists: true}: pathType must hold
# for every path (of the rule for `host`, when given).
INGRESS_KEYS = {"ingress", "namespace", "pathType", "host", "class", "exists", "healthy", "path"}


SEPARATORS = ("|", "&&", "||", ";")


def kubectl_value_flags(words: list[str]) -> tuple[set[str], dict[str, str]]:
    """The flags that take a value for the kubectl command in `words` (after `kubectl`), from the engine's
    capability registry: kubectl's own tables, so `logs -f POD` is --follow, not --filename."""
    cmd, _, _ = split_command(words, build().commands)
    takes = [f for f in GLOBAL_FLAGS + (cmd.flags if cmd else []) if f.kind != "bool" and f.no_opt is None]
    return {f"--{f.name}" for f in takes}, {f"-{f.short}": f"--{f.name}" for f in takes if f.short}


@functools.lru_cache(maxsize=4096)      # pure; assessing one command normalises the same lines several times
def normalise(line: str) -> str:
    """One spelling per command: quotes removed, single spaces, `--flag value` -> `--flag=value`,
    `-n x` -> `--namespace=x`, `minikube kubectl --` -> `kubectl`."""
    try:
        words = shlex.split(line, comments=False)
    except ValueError:
        words = line.split()
    if words[:3] == ["minikube", "kubectl", "--"]:
        words = ["kubectl"] + words[3:]
    out: list[str] = []
    value_flags, short_flags = VALUE_FLAGS, SHORT_VALUE_FLAGS
    i = 0
    while i < len(words):
        w = words[i]
        if i == 0 or words[i - 1] in SEPARATORS:          # a command starts: kubectl's flags, or the defaults
            end = next((j for j in range(i, len(words)) if words[j] in SEPARATORS), len(words))
            value_flags, short_flags = kubectl_value_flags(words[i + 1:end]) if w == "kubectl" else \
                (VALUE_FLAGS, SHORT_VALUE_FLAGS)
        flag = short_flags.get(w, w)
        if flag in value_flags and i + 1 < len(words) and words[i + 1] not in SEPARATORS:
            out.append(f"{flag}={words[i + 1]}")
            i += 2
            continue
        if len(w) > 2 and w[:2] in short_flags and w[2] == "=":
            w = short_flags[w[:2]] + w[2:]
        out.append(w)
        i += 1
    return " ".join(out)


def command_matches(patterns: list[str], norm: str) -> bool:
    return any(re.search(p, norm) for p in patterns)


def verb(norm: str) -> str:
    """`kubectl create deploy x` -> `kubectl create`; `curl http://...` -> `curl`."""
    words = norm.split()
    if not words:
        return ""
    if words[0] in ("kubectl", "minikube", "docker") and len(words) > 1 and not words[1].startswith("-"):
        return f"{words[0]} {words[1]}"
    return words[0]


# ---- predicates ------------------------------------------------------------------------------------
# Which key names a predicate's kind, most specific first ({route: .., service: ..} is a route check,
# {reaches: .., pods: ..} a reaches check). Never the mapping's first key: PostgreSQL's jsonb, where the
# loaded lessons are stored, does not keep key order.
KIND_ORDER = ("gateway_request", "route", "reaches", "request", "object", "cluster", "ingress", "deployment", "service", "pods", "output_contains")


def predicate_kind(pred: dict) -> str:
    return next((k for k in KIND_ORDER if k in pred), next(iter(pred)))


def validate_predicate(pred) -> str | None:
    """Why a predicate is malformed (None when it is fine): used by the lesson parser."""
    if not isinstance(pred, dict) or not pred:
        return "each predicate must be a mapping such as {service: nginx-app, type: NodePort}"
    kind = predicate_kind(pred)
    if kind in predicates.KEYS:            # object, reaches, request, route (predicates.py)
        return predicates.validate(kind, pred)
    allowed = {"service": SERVICE_KEYS, "deployment": DEPLOYMENT_KEYS, "pods": PODS_KEYS,
               "ingress": INGRESS_KEYS, "output_contains": {"output_contains"}}.get(kind)
    if allowed is None:
        return (f"unknown predicate {kind!r} (use service, deployment, pods, ingress, object, reaches, request, "
                f"route, gateway_request, cluster or output_contains)")
    if not isinstance(pred[kind], str) or not pred[kind]:
        return f"{kind} needs a name (text)"
    unknown = set(pred) - allowed
    if unknown:
        return f"unknown key(s) for {kind}: {', '.join(sorted(unknown))}"
    for key in ("port", "targetPort", "nodePort", "endpoints", "replicas", "readyReplicas", "count", "ready"):
        if key in pred and (not isinstance(pred[key], int) or isinstance(pred[key], bool)):
            return f"{key} must be an integer"
    if "selector" in pred and not isinstance(pred["selector"], dict):
        return "selector must be a mapping of labels"
    if "exists" in pred and not isinstance(pred["exists"], bool):
        return "exists must be true or false"
    if "healthy" in pred and pred["healthy"] is not True:
        return "healthy must be true (leave it out when health does not matter)"
    if "path" in pred and "healthy" not in pred:
        return "path narrows healthy: true to one path of the Ingress"
    return None


def _health(diagnosis) -> str | None:
    """A diagnosis (playground.sim.diagnose) as a check's failure reason: the cause, then the fix."""
    return None if diagnosis is None else diagnosis.text()


def _service(cluster, p: dict) -> str | None:
    name, ns = p["service"], p.get("namespace", "default")
    svc = cluster.get("services", ns, name)
    if p.get("exists") is False:
        return f"Service {name} still exists" if svc else None
    if svc is None:
        return f"there is no Service named {name}" + ("" if ns == "default" else f" in namespace {ns}")
    spec = svc.get("spec", {})
    if "type" in p and spec.get("type", "ClusterIP") != p["type"]:
        return f"Service {name} is of type {spec.get('type', 'ClusterIP')}, not {p['type']}"
    wanted = {k: p[k] for k in ("port", "targetPort", "nodePort", "protocol") if k in p}
    if wanted:
        ports = spec.get("ports") or []

        def fits(sp: dict) -> bool:
            for k, v in wanted.items():
                have = sp.get(k, sp.get("port") if k == "targetPort" else ("TCP" if k == "protocol" else None))
                if str(have) != str(v):
                    return False
            return True
        if not any(fits(sp) for sp in ports):
            shown = ", ".join(_port_text(sp) for sp in ports) or "no ports"
            want = ", ".join(f"{k} {v}" for k, v in wanted.items())
            return f"Service {name} has {shown}; the step wants {want}"
    if "selector" in p and (spec.get("selector") or {}) != p["selector"]:
        have = ",".join(f"{k}={v}" for k, v in sorted((spec.get("selector") or {}).items())) or "no selector"
        want = ",".join(f"{k}={v}" for k, v in sorted(p["selector"].items()))
        return f"Service {name} selects {have}, not {want}"
    if "endpoints" in p:
        n = ready_endpoints(cluster, ns, name)
        if n != p["endpoints"]:
            return f"Service {name} has {n} ready endpoint(s), the step expects {p['endpoints']}"
    if p.get("healthy"):
        return _health(diagnose.service_problem(cluster, svc))
    return None


def _port_text(sp: dict) -> str:
    text = f"port {sp.get('port')}"
    if sp.get("targetPort") not in (None, sp.get("port")):
        text += f" (targetPort {sp.get('targetPort')})"
    if sp.get("nodePort"):
        text += f" (nodePort {sp['nodePort']})"
    return text


def ready_endpoints(cluster, ns: str, name: str) -> int:
    ep = cluster.get("endpoints", ns, name) or {}
    return sum(len(s.get("addresses") or []) for s in ep.get("subsets") or [])


def _deployment(cluster, p: dict) -> str | None:
    name, ns = p["deployment"], p.get("namespace", "default")
    dep = cluster.get("deployments", ns, name)
    if p.get("exists") is False:
        return f"Deployment {name} still exists" if dep else None
    if dep is None:
        return f"there is no Deployment named {name}" + ("" if ns == "default" else f" in namespace {ns}")
    if "replicas" in p and int(dep["spec"].get("replicas", 1)) != p["replicas"]:
        return f"Deployment {name} wants {dep['spec'].get('replicas', 1)} replica(s), not {p['replicas']}"
    if "readyReplicas" in p:
        ready = int((dep.get("status") or {}).get("readyReplicas") or 0)
        if ready != p["readyReplicas"]:
            return f"Deployment {name} has {ready} ready replica(s) so far, the step expects {p['readyReplicas']}"
    if "image" in p:
        imgs = [c.get("image") for c in dep["spec"]["template"]["spec"].get("containers", [])]
        if _image_ref(p["image"]) not in {_image_ref(i or "") for i in imgs}:
            return f"Deployment {name} runs {', '.join(map(str, imgs))}, not {p['image']}"
    if p.get("healthy"):
        return _deployment_health(cluster, dep)
    return None


def _deployment_health(cluster, dep: dict) -> str | None:
    """Its pods run (or are on their way): judged from the pods, else from the template before they exist."""
    ns = dep["metadata"]["namespace"]
    sel = dep["spec"].get("selector") or {}
    pods = [x for x in cluster.list("pods", ns) if sel and selector_matches(sel, x["metadata"].get("labels") or {})
            and not x["metadata"].get("deletionTimestamp")]
    probe = pods or [{"metadata": {"name": dep["metadata"]["name"], "namespace": ns},
                      "spec": dep["spec"]["template"]["spec"]}]
    return next((why for why in (_health(diagnose.pod_problem(cluster, x)) for x in probe) if why), None)


def _image_ref(image: str) -> tuple[str, str]:
    """`nginx`, `nginx:latest` and `docker.io/library/nginx:latest` name the same image."""
    return images.repository(image), images.tag(image)


def _pods(cluster, p: dict) -> str | None:
    ns = p.get("namespace", "default")
    try:
        reqs = parse_selector(p["pods"])
    except ValueError:
        return f"bad selector {p['pods']!r}"
    pods = [x for x in cluster.list("pods", ns) if requirements_match(reqs, x["metadata"].get("labels") or {})
            and not x["metadata"].get("deletionTimestamp")]
    if "count" in p and len(pods) != p["count"]:
        why = f"{len(pods)} pod(s) match {p['pods']}, the step expects {p['count']}"
        if not pods:
            near = diagnose.missing_labels(cluster, ns, p["pods"])
            if near is not None:
                return near.text()
        return why
    if p.get("healthy"):
        if not pods:
            return f"no pod matches {p['pods']}"
        for x in pods:
            why = _health(diagnose.pod_problem(cluster, x))
            if why:
                return why
    if "ready" in p:
        ready = sum(1 for x in pods if is_ready(x))
        if ready != p["ready"]:
            return f"{ready} pod(s) matching {p['pods']} are ready, the step expects {p['ready']}"
    return None


def _ingress(cluster, p: dict) -> str | None:
    name, ns = p["ingress"], p.get("namespace", "default")
    ing = cluster.get("ingresses", ns, name)
    if p.get("exists") is False:
        return f"Ingress {name} still exists" if ing else None
    if ing is None:
        return f"there is no Ingress named {name}" + ("" if ns == "default" else f" in namespace {ns}")
    spec = ing.get("spec") or {}
    if "class" in p and spec.get("ingressClassName") != p["class"]:
        return f"Ingress {name} has class {spec.get('ingressClassName') or '<none>'}, not {p['class']}"
    rules = spec.get("rules") or []
    if "host" in p:
        rules = [r for r in rules if r.get("host") == p["host"]]
        if not rules:
            return f"Ingress {name} has no rule for host {p['host']}"
    if "pathType" in p:
        for r in rules:
            for path in (r.get("http") or {}).get("paths") or []:
                if path.get("pathType") != p["pathType"]:
                    return (f"Ingress {name} has path {path.get('path')} of {r.get('host') or 'any host'} with "
                            f"pathType {path.get('pathType')}, not {p['pathType']}")
    if p.get("healthy"):
        return _health(diagnose.controller_missing(cluster) or diagnose.ingress_problem(cluster, ing, p.get("path")))
    return None


def evaluate(pred: dict, cluster, output: str = "", host_files: dict | None = None) -> str | None:
    """None when the predicate holds, else a short reason a learner can act on."""
    kind = predicate_kind(pred)
    if kind in predicates.KEYS:
        return predicates.evaluate(kind, pred, cluster, host_files)
    if kind == "ingress":
        return _ingress(cluster, pred)
    if kind == "service":
        return _service(cluster, pred)
    if kind == "deployment":
        return _deployment(cluster, pred)
    if kind == "pods":
        return _pods(cluster, pred)
    if kind == "output_contains":
        return None if pred["output_contains"] in output else f"the output does not show {pred['output_contains']!r}"
    return f"unknown predicate {kind!r}"


def state_only(check: dict) -> bool:
    """A check on the cluster alone (any route to the state passes; satisfied steps can be skipped)."""
    return bool(check["state"]) and not check["command"] and not check["output_contains"] and not any(
        "output_contains" in p for p in check["state"])


def check_failures(check: dict, norm: str, output: str, exit_code: int, cluster) -> list[str]:
    """Every reason the check does not pass for this command (empty: the step is complete)."""
    reasons: list[str] = []
    if check["command"] and not command_matches(check["command"], norm):
        reasons.append("command")
    if exit_code != check["exit_code"]:
        reasons.append(f"the command exited with {exit_code}")
    for text in check["output_contains"]:
        if text not in output:
            reasons.append(f"the output does not show {text!r}")
    for pred in check["state"]:
        why = evaluate(pred, cluster, output)
        if why and why not in reasons:       # two requests failing for one cause say it once
            reasons.append(why)
    return reasons


def state_holds(check: dict, cluster) -> bool:
    return all(evaluate(p, cluster) is None for p in check["state"])


def names_in(lesson: dict) -> set[str]:
    """The object names a lesson works with (for 'did you mean' hints and undo detection)."""
    names: set[str] = set()
    for step in lesson["steps"]:
        for pred in step["check"]["state"]:
            kind = predicate_kind(pred)
            if kind in ("service", "deployment", "ingress"):
                names.add(pred[kind])
    return names
