"""`kubectl get` tables: the API server's table convertor (pkg/printers/internalversion/printers.go) and
kubectl's decoration of it (cli-runtime printers/tableprinter.go), laid out with the same tabwriter.

`columns(plural)` gives the column definitions (name, priority); priority-1 columns show with -o wide.
`row(plural, obj, now, wide)` gives the cells. `render_table(...)` decorates (NAMESPACE, TYPE/ prefix,
LABELS, -L columns) and aligns like kubectl (minwidth 6, padding 3, last column unpadded).
"""
from __future__ import annotations

from typing import Callable

from .. import resources as res
from ..cluster import parse_rfc3339
from ..labels import format_label_selector, format_labels, selector_string
from .age import human_duration, translate_timestamp_since
from .jsonpath import JSONPath, JSONPathError
from . import tables_access
from .tabwriter import format_text

LOAD_BALANCER_WIDTH = 16
NODE_ROLE_PREFIX = "node-role.kubernetes.io/"

# plural -> [(column name, priority)]
COLUMNS: dict[str, list[tuple[str, int]]] = {
    "pods": [("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0), ("IP", 1), ("Node", 1),
             ("Nominated Node", 1), ("Readiness Gates", 1)],
    "deployments": [("Name", 0), ("Ready", 0), ("Up-to-date", 0), ("Available", 0), ("Age", 0),
                    ("Containers", 1), ("Images", 1), ("Selector", 1)],
    "replicasets": [("Name", 0), ("Desired", 0), ("Current", 0), ("Ready", 0), ("Age", 0), ("Containers", 1),
                    ("Images", 1), ("Selector", 1)],
    "replicationcontrollers": [("Name", 0), ("Desired", 0), ("Current", 0), ("Ready", 0), ("Age", 0),
                               ("Containers", 1), ("Images", 1), ("Selector", 1)],
    "daemonsets": [("Name", 0), ("Desired", 0), ("Current", 0), ("Ready", 0), ("Up-to-date", 0),
                   ("Available", 0), ("Node Selector", 0), ("Age", 0), ("Containers", 1), ("Images", 1),
                   ("Selector", 1)],
    "statefulsets": [("Name", 0), ("Ready", 0), ("Age", 0), ("Containers", 1), ("Images", 1)],
    "jobs": [("Name", 0), ("Status", 0), ("Completions", 0), ("Duration", 0), ("Age", 0), ("Containers", 1),
             ("Images", 1), ("Selector", 1)],
    "cronjobs": [("Name", 0), ("Schedule", 0), ("Timezone", 0), ("Suspend", 0), ("Active", 0),
                 ("Last Schedule", 0), ("Age", 0), ("Containers", 1), ("Images", 1), ("Selector", 1)],
    "services": [("Name", 0), ("Type", 0), ("Cluster-IP", 0), ("External-IP", 0), ("Port(s)", 0), ("Age", 0),
                 ("Selector", 1)],
    "endpoints": [("Name", 0), ("Endpoints", 0), ("Age", 0)],
    "endpointslices": [("Name", 0), ("AddressType", 0), ("Ports", 0), ("Endpoints", 0), ("Age", 0)],
    "nodes": [("Name", 0), ("Status", 0), ("Roles", 0), ("Age", 0), ("Version", 0), ("Internal-IP", 1),
              ("External-IP", 1), ("OS-Image", 1), ("Kernel-Version", 1), ("Container-Runtime", 1)],
    "namespaces": [("Name", 0), ("Status", 0), ("Age", 0)],
    "events": [("Last Seen", 0), ("Type", 0), ("Reason", 0), ("Object", 0), ("Subobject", 1), ("Source", 1),
               ("Message", 0), ("First Seen", 1), ("Count", 1), ("Name", 1)],
    "ingresses": [("Name", 0), ("Class", 0), ("Hosts", 0), ("Address", 0), ("Ports", 0), ("Age", 0)],
    "ingressclasses": [("Name", 0), ("Controller", 0), ("Parameters", 0), ("Age", 0)],
    "networkpolicies": [("Name", 0), ("Pod-Selector", 0), ("Age", 0)],
    "configmaps": [("Name", 0), ("Data", 0), ("Age", 0)],
    "secrets": [("Name", 0), ("Type", 0), ("Data", 0), ("Age", 0)],
    "serviceaccounts": [("Name", 0), ("Secrets", 0), ("Age", 0)],
    "controllerrevisions": [("Name", 0), ("Controller", 0), ("Revision", 0), ("Age", 0)],
    "podtemplates": [("Name", 0), ("Containers", 0), ("Images", 0), ("Pod Labels", 0)],
    "limitranges": [("Name", 0), ("Created At", 0)],
    "customresourcedefinitions": [("Name", 0), ("Created At", 0)],
    "resourcequotas": [("Name", 0), ("Age", 0), ("Request", 0), ("Limit", 0)],
    "persistentvolumeclaims": [("Name", 0), ("Status", 0), ("Volume", 0), ("Capacity", 0), ("Access Modes", 0),
                               ("StorageClass", 0), ("VolumeAttributesClass", 0), ("Age", 0), ("VolumeMode", 1)],
    "persistentvolumes": [("Name", 0), ("Capacity", 0), ("Access Modes", 0), ("Reclaim Policy", 0), ("Status", 0),
                          ("Claim", 0), ("StorageClass", 0), ("VolumeAttributesClass", 0), ("Reason", 0),
                          ("Age", 0), ("VolumeMode", 1)],
}
COLUMNS.update(tables_access.COLUMNS)
COLUMNS["scale"] = [("Name", 0), ("Desired", 0), ("Available", 0)]     # printScale (kubectl --subresource=scale)
# Kinds without a table handler print the default table: NAME and AGE.
DEFAULT_COLUMNS = [("Name", 0), ("Age", 0)]


def columns(plural: str) -> list[tuple[str, int]]:
    cols = COLUMNS.get(plural)
    if cols is None:
        custom = _custom_columns(plural)
        return DEFAULT_COLUMNS if custom is None else [("Name", 0)] + [(c["name"], c.get("priority", 0))
                                                                    for c in custom]
    return cols


def _custom_columns(plural: str) -> list[dict] | None:
    """A CRD's additionalPrinterColumns (its storage version's); None when the kind is not a custom one or
    declares none, which prints NAME and AGE (apiextensions-apiserver's tableconvertor)."""
    r = res.by_plural(plural)
    if r is None or r.custom is None:
        return None
    version = r.custom["versions"].get(r.version) or {}
    return version.get("additionalPrinterColumns") or None


def _custom_cell(column: dict, obj: dict, now: float) -> str:
    """tableconvertor: the first value the column's JSONPath finds, formatted by the column's type; a
    missing value is an empty cell."""
    try:
        path = JSONPath("{" + column.get("jsonPath", "") + "}")
        found = path.find(obj)
    except JSONPathError:
        return ""
    if not found or not found[0]:
        return ""
    value = found[0][0]
    kind = column.get("type", "string")
    if kind == "date":
        return translate_timestamp_since(value, now) if isinstance(value, str) else ""
    if kind in ("integer", "number") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value)) if kind == "integer" else path.print_values([value])
    if kind == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if kind == "string":
        return value if isinstance(value, str) else path.print_values([value])
    return ""


def _custom_row(plural: str, obj: dict, now: float, wide: bool) -> list[str]:
    cols = _custom_columns(plural)
    if cols is None:
        return _default(obj, now, wide)
    return [obj["metadata"]["name"]] + [_custom_cell(c, obj, now) for c in cols if wide or not c.get("priority")]


def _containers(template_spec: dict) -> tuple[str, str]:
    cs = template_spec.get("containers", []) or []
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


def _age(obj: dict, now: float) -> str:
    return translate_timestamp_since(obj.get("metadata", {}).get("creationTimestamp"), now)


# ---- per kind -----------------------------------------------------------------------------------------
def pod_columns(pod: dict) -> tuple[str, str, int, str]:
    """READY (`1/2`), STATUS, the restart count and the last restart's time, as printers.go printPod
    computes them: kubectl and the diagram both read them from here."""
    spec, status = pod.get("spec", {}) or {}, pod.get("status", {}) or {}
    restarts = 0
    total = len(spec.get("containers", []) or [])
    ready = 0
    last_restart = ""
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for c in status.get("conditions", []) or []:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c.get("name"): c for c in spec.get("initContainers", []) or []}
    for c in init_specs.values():
        if c.get("restartPolicy") == "Always":
            total += 1
    initializing = False
    n_init = len(spec.get("initContainers", []) or [])
    for i, cs in enumerate(status.get("initContainerStatuses", []) or []):
        restarts += int(cs.get("restartCount", 0))
        term_last = (cs.get("lastState") or {}).get("terminated")
        if term_last and term_last.get("finishedAt", "") > last_restart:
            last_restart = term_last["finishedAt"]
        state = cs.get("state") or {}
        term, waiting = state.get("terminated"), state.get("waiting")
        sidecar = (init_specs.get(cs.get("name")) or {}).get("restartPolicy") == "Always"
        if term and term.get("exitCode", 0) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term:
            if not term.get("reason"):
                reason = (f"Init:Signal:{term['signal']}" if term.get("signal") else
                          f"Init:ExitCode:{term.get('exitCode', 0)}")
            else:
                reason = "Init:" + term["reason"]
        elif waiting and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break
    initialized = any(c.get("type") == "Initialized" and c.get("status") == "True"
                      for c in status.get("conditions", []) or [])
    if not initializing or initialized:
        has_running = False
        for cs in reversed(status.get("containerStatuses", []) or []):
            restarts += int(cs.get("restartCount", 0))
            term_last = (cs.get("lastState") or {}).get("terminated")
            if term_last and term_last.get("finishedAt", "") > last_restart:
                last_restart = term_last["finishedAt"]
            state = cs.get("state") or {}
            waiting, term = state.get("waiting"), state.get("terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif term and term.get("reason"):
                reason = term["reason"]
            elif term:
                reason = (f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode', 0)}")
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                            for c in status.get("conditions", []) or [])
            reason = "Running" if pod_ready else "NotReady"
    deleting = pod.get("metadata", {}).get("deletionTimestamp")
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return f"{ready}/{total}", reason, restarts, last_restart


def _pod(pod: dict, now: float, wide: bool) -> list[str]:
    spec, status = pod.get("spec", {}) or {}, pod.get("status", {}) or {}
    ready, reason, restarts, last_restart = pod_columns(pod)
    restarts_str = str(restarts)
    if restarts and last_restart:
        restarts_str = f"{restarts} ({translate_timestamp_since(last_restart, now)} ago)"
    cells = [pod["metadata"]["name"], ready, reason, restarts_str, _age(pod, now)]
    if wide:
        ips = status.get("podIPs") or []
        pod_ip = ips[0].get("ip", "") if ips else ""
        gates = spec.get("readinessGates") or []
        gate_str = "<none>"
        if gates:
            conds = {c.get("type"): c.get("status") for c in status.get("conditions", []) or []}
            gate_str = f"{sum(1 for g in gates if conds.get(g.get('conditionType')) == 'True')}/{len(gates)}"
        cells += [pod_ip or "<none>", spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>",
                  gate_str]
    return cells


def _deployment(d: dict, now: float, wide: bool) -> list[str]:
    spec, st = d.get("spec", {}), d.get("status", {}) or {}
    cells = [d["metadata"]["name"], f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
             str(st.get("updatedReplicas", 0)), str(st.get("availableReplicas", 0)), _age(d, now)]
    if wide:
        names, images = _containers(spec.get("template", {}).get("spec", {}) or {})
        cells += [names, images, selector_string(spec.get("selector"))]
    return cells


def _replicaset(rs: dict, now: float, wide: bool) -> list[str]:
    spec, st = rs.get("spec", {}), rs.get("status", {}) or {}
    cells = [rs["metadata"]["name"], str(spec.get("replicas", 1)), str(st.get("replicas", 0)),
             str(st.get("readyReplicas", 0)), _age(rs, now)]
    if wide:
        names, images = _containers(spec.get("template", {}).get("spec", {}) or {})
        sel = spec.get("selector")
        if rs.get("kind") == "ReplicationController":
            sel = {"matchLabels": sel} if sel else None
        cells += [names, images, format_label_selector(sel)]
    return cells


def _daemonset(ds: dict, now: float, wide: bool) -> list[str]:
    spec, st = ds.get("spec", {}), ds.get("status", {}) or {}
    tspec = spec.get("template", {}).get("spec", {}) or {}
    cells = [ds["metadata"]["name"], str(st.get("desiredNumberScheduled", 0)), str(st.get("currentNumberScheduled", 0)),
             str(st.get("numberReady", 0)), str(st.get("updatedNumberScheduled", 0)),
             str(st.get("numberAvailable", 0)), format_labels(tspec.get("nodeSelector")), _age(ds, now)]
    if wide:
        names, images = _containers(tspec)
        cells += [names, images, format_label_selector(spec.get("selector"))]
    return cells


def _statefulset(s: dict, now: float, wide: bool) -> list[str]:
    spec, st = s.get("spec", {}), s.get("status", {}) or {}
    cells = [s["metadata"]["name"], f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}", _age(s, now)]
    if wide:
        cells += list(_containers(spec.get("template", {}).get("spec", {}) or {}))
    return cells


def _job(j: dict, now: float, wide: bool) -> list[str]:
    spec, st = j.get("spec", {}), j.get("status", {}) or {}
    completions = spec.get("completions")
    succeeded = st.get("succeeded", 0)
    comp = f"{succeeded}/{completions}" if completions is not None else f"{succeeded}/1 of {spec.get('parallelism', 1)}"
    conds = {c.get("type"): c.get("status") for c in st.get("conditions", []) or []}
    if conds.get("Complete") == "True":
        status = "Complete"
    elif conds.get("Failed") == "True":
        status = "Failed"
    elif j.get("metadata", {}).get("deletionTimestamp"):
        status = "Terminating"
    elif conds.get("Suspended") == "True":
        status = "Suspended"
    elif conds.get("FailureTarget") == "True":
        status = "FailureTarget"
    elif conds.get("SuccessCriteriaMet") == "True":
        status = "SuccessCriteriaMet"
    else:
        status = "Running"
    duration = ""
    if st.get("startTime"):
        end = parse_rfc3339(st["completionTime"]) if st.get("completionTime") else now
        duration = human_duration(end - parse_rfc3339(st["startTime"]))
    cells = [j["metadata"]["name"], status, comp, duration, _age(j, now)]
    if wide:
        names, images = _containers(spec.get("template", {}).get("spec", {}) or {})
        cells += [names, images, format_label_selector(spec.get("selector"))]
    return cells


def _bool_ptr(v) -> str:
    return "<unset>" if v is None else ("True" if v else "False")


def _cronjob(cj: dict, now: float, wide: bool) -> list[str]:
    spec, st = cj.get("spec", {}) or {}, cj.get("status", {}) or {}
    last = translate_timestamp_since(st["lastScheduleTime"], now) if st.get("lastScheduleTime") else "<none>"
    cells = [cj["metadata"]["name"], spec.get("schedule", ""), spec.get("timeZone") or "<none>",
             _bool_ptr(spec.get("suspend")), str(len(st.get("active") or [])), last, _age(cj, now)]
    if wide:
        job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        names, images = _containers((job_spec.get("template") or {}).get("spec") or {})
        cells += [names, images, format_label_selector(job_spec.get("selector"))]
    return cells


def _lb_status(status: dict, wide: bool) -> str:
    found = sorted({i.get("ip") or i.get("hostname") for i in (status.get("loadBalancer", {}) or {}).get("ingress", [])
                    or [] if i.get("ip") or i.get("hostname")})
    r = ",".join(found)
    if not wide and len(r) > LOAD_BALANCER_WIDTH:
        r = r[:LOAD_BALANCER_WIDTH - 3] + "..."
    return r


def service_external_ip(svc: dict, wide: bool) -> str:
    spec = svc.get("spec", {})
    t = spec.get("type", "ClusterIP")
    ext = spec.get("externalIPs") or []
    if t in ("ClusterIP", "NodePort"):
        return ",".join(ext) if ext else "<none>"
    if t == "LoadBalancer":
        lb = _lb_status(svc.get("status", {}) or {}, wide)
        if ext:
            return ",".join((lb.split(",") if lb else []) + ext)
        return lb or "<pending>"
    if t == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def port_string(ports: list[dict]) -> str:
    pieces = []
    for p in ports or []:
        proto = p.get("protocol", "TCP")
        pieces.append(f"{p.get('port')}:{p['nodePort']}/{proto}" if p.get("nodePort") else f"{p.get('port')}/{proto}")
    return ",".join(pieces)


def _service(svc: dict, now: float, wide: bool) -> list[str]:
    spec = svc.get("spec", {})
    ips = spec.get("clusterIPs") or []
    cells = [svc["metadata"]["name"], spec.get("type", "ClusterIP"), ips[0] if ips else "<none>",
             service_external_ip(svc, wide), port_string(spec.get("ports")) or "<none>", _age(svc, now)]
    if wide:
        cells.append(format_labels(spec.get("selector")))
    return cells


def format_endpoints(ep: dict, ports: set | None = None) -> str:
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    items, more, count, limit = [], False, 0, 3
    for ss in subsets:
        addrs = ss.get("addresses") or []
        if not ss.get("ports"):
            count += len(addrs)
            for a in addrs:
                if len(items) == limit:
                    more = True
                    break
                items.append(a.get("ip", ""))
            continue
        for p in ss["ports"]:
            if ports is None or p.get("name", "") in ports:
                count += len(addrs)
                for a in addrs:
                    if len(items) == limit:
                        more = True
                        break
                    ip = a.get("ip", "")
                    items.append(f"[{ip}]:{p.get('port')}" if ":" in ip else f"{ip}:{p.get('port')}")
    ret = ",".join(items)
    return f"{ret} + {count - limit} more..." if more else ret


def _endpoints(ep: dict, now: float, wide: bool) -> list[str]:
    return [ep["metadata"]["name"], format_endpoints(ep), _age(ep, now)]


def _list_more(items: list[str], more: bool, count: int, limit: int) -> str:
    ret = ",".join(items)
    if more:
        return f"{ret} + {count - limit} more..."
    return ret or "<unset>"


def _endpointslice(s: dict, now: float, wide: bool) -> list[str]:
    ports, more, count = [], False, 0
    for p in s.get("ports") or []:
        if len(ports) < 3:
            ports.append(str(p["port"]) if p.get("port") is not None else (p.get("name") or "*"))
        else:
            more = True
        count += 1
    port_str = _list_more(ports, more, count, 3)
    addrs, more, count = [], False, 0
    for e in s.get("endpoints") or []:
        for a in e.get("addresses") or []:
            if len(addrs) < 3:
                addrs.append(a)
            else:
                more = True
            count += 1
    return [s["metadata"]["name"], s.get("addressType", ""), port_str, _list_more(addrs, more, count, 3),
            _age(s, now)]


def node_roles(node: dict) -> list[str]:
    roles = set()
    for k, v in (node.get("metadata", {}).get("labels") or {}).items():
        if k.startswith(NODE_ROLE_PREFIX) and k[len(NODE_ROLE_PREFIX):]:
            roles.add(k[len(NODE_ROLE_PREFIX):])
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return sorted(roles)


def _node(node: dict, now: float, wide: bool) -> list[str]:
    st = node.get("status", {}) or {}
    status = []
    for c in st.get("conditions", []) or []:
        if c.get("type") == "Ready":
            status.append("Ready" if c.get("status") == "True" else "NotReady")
    if not status:
        status.append("Unknown")
    if node.get("spec", {}).get("unschedulable"):
        status.append("SchedulingDisabled")
    info = st.get("nodeInfo", {}) or {}
    cells = [node["metadata"]["name"], ",".join(status), ",".join(node_roles(node)) or "<none>", _age(node, now),
             info.get("kubeletVersion", "")]
    if wide:
        addrs = st.get("addresses", []) or []
        internal = next((a["address"] for a in addrs if a.get("type") == "InternalIP"), "<none>")
        external = next((a["address"] for a in addrs if a.get("type") == "ExternalIP"), "<none>")
        cells += [internal, external, info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
                  info.get("containerRuntimeVersion") or "<unknown>"]
    return cells


def _namespace(ns: dict, now: float, wide: bool) -> list[str]:
    return [ns["metadata"]["name"], (ns.get("status") or {}).get("phase", ""), _age(ns, now)]


def _event(ev: dict, now: float, wide: bool) -> list[str]:
    first = translate_timestamp_since(ev.get("firstTimestamp") or ev.get("eventTime"), now)
    last = translate_timestamp_since(ev["lastTimestamp"], now) if ev.get("lastTimestamp") else first
    count = ev.get("count") or 1
    series = ev.get("series")
    if series:
        last = translate_timestamp_since(series.get("lastObservedTime"), now)
        count = series.get("count", count)
    io = ev.get("involvedObject", {}) or {}
    target = f"{io.get('kind', '').lower()}/{io['name']}" if io.get("name") else io.get("kind", "").lower()
    msg = (ev.get("message") or "").strip()
    if wide:
        src = ev.get("source", {}) or {}
        source = src.get("component") or ev.get("reportingComponent") or ev.get("reportingController") or ""
        instance = src.get("host") or ev.get("reportingInstance") or ""
        if instance:
            source = f"{source}, {instance}"
        return [last, ev.get("type", ""), ev.get("reason", ""), target, io.get("fieldPath", ""), source, msg, first,
                str(count), ev["metadata"]["name"]]
    return [last, ev.get("type", ""), ev.get("reason", ""), target, msg]


def _ingress(ing: dict, now: float, wide: bool) -> list[str]:
    spec = ing.get("spec", {}) or {}
    rules = spec.get("rules") or []
    hosts, more = [], False
    for r in rules:
        if len(hosts) == 3:
            more = True
        if not more and r.get("host"):
            hosts.append(r["host"])
    host_str = ",".join(hosts) if hosts else "*"
    if more:
        host_str = f"{host_str} + {len(rules) - 3} more..."
    ports = "80, 443" if spec.get("tls") else "80"
    return [ing["metadata"]["name"], spec.get("ingressClassName") or "<none>", host_str,
            _lb_status(ing.get("status", {}) or {}, wide), ports, _age(ing, now)]


def _ingressclass(ic: dict, now: float, wide: bool) -> list[str]:
    spec = ic.get("spec", {}) or {}
    params = "<none>"
    p = spec.get("parameters")
    if p:
        params = f"{p.get('kind')}/{p.get('name')}" if not p.get("apiGroup") else f"{p.get('kind')}.{p['apiGroup']}/{p.get('name')}"
    return [ic["metadata"]["name"], spec.get("controller", ""), params, _age(ic, now)]


def _networkpolicy(np_: dict, now: float, wide: bool) -> list[str]:
    return [np_["metadata"]["name"], format_label_selector((np_.get("spec") or {}).get("podSelector")), _age(np_, now)]


def _configmap(cm: dict, now: float, wide: bool) -> list[str]:
    return [cm["metadata"]["name"], str(len(cm.get("data") or {}) + len(cm.get("binaryData") or {})), _age(cm, now)]


def _secret(s: dict, now: float, wide: bool) -> list[str]:
    return [s["metadata"]["name"], s.get("type", ""), str(len(s.get("data") or {})), _age(s, now)]


def _serviceaccount(sa: dict, now: float, wide: bool) -> list[str]:
    return [sa["metadata"]["name"], str(len(sa.get("secrets") or [])), _age(sa, now)]


def _controllerrevision(cr: dict, now: float, wide: bool) -> list[str]:
    ref = next((r for r in cr["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
    owner = "<none>"
    if ref:
        group = ref.get("apiVersion", "").rpartition("/")[0]
        owner = f"{ref.get('kind', '').lower()}{'.' + group if group else ''}/{ref.get('name', '')}"
    return [cr["metadata"]["name"], owner, str(cr.get("revision", 0)), _age(cr, now)]


def _podtemplate(pt: dict, now: float, wide: bool) -> list[str]:
    tmpl = pt.get("template") or {}
    names, images = _containers(tmpl.get("spec") or {})
    return [pt["metadata"]["name"], names, images, format_labels((tmpl.get("metadata") or {}).get("labels"))]


def _limitrange(lr: dict, now: float, wide: bool) -> list[str]:
    return [lr["metadata"]["name"], lr["metadata"].get("creationTimestamp", "")]


def _resourcequota(q: dict, now: float, wide: bool) -> list[str]:
    hard = (q.get("spec") or {}).get("hard") or {}
    used = (q.get("status") or {}).get("used") or {}
    requests, limits = [], []
    for name in sorted(hard):
        target = limits if name.split(".")[0] == "limits" and "." in name else requests
        target.append(f"{name}: {used.get(name, '0')}/{hard[name]}")
    return [q["metadata"]["name"], _age(q, now), ", ".join(requests), ", ".join(limits)]


_ACCESS_MODES = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP")]


def _access_modes(modes: list | None) -> str:
    modes = modes or []
    return ",".join(short for full, short in _ACCESS_MODES if full in modes)


def _pvc(pvc: dict, now: float, wide: bool) -> list[str]:
    spec, st = pvc.get("spec") or {}, pvc.get("status") or {}
    phase = "Terminating" if pvc["metadata"].get("deletionTimestamp") else st.get("phase", "")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = _access_modes(st.get("accessModes"))
        capacity = (st.get("capacity") or {}).get("storage", "")
    cells = [pvc["metadata"]["name"], phase, spec.get("volumeName", ""), capacity, modes,
             spec.get("storageClassName") or "", spec.get("volumeAttributesClassName") or "<unset>", _age(pvc, now)]
    if wide:
        cells.append(spec.get("volumeMode") or "<unset>")
    return cells


def _pv(pv: dict, now: float, wide: bool) -> list[str]:
    spec, st = pv.get("spec") or {}, pv.get("status") or {}
    claim = spec.get("claimRef")
    claim_str = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else ""
    phase = "Terminating" if pv["metadata"].get("deletionTimestamp") else st.get("phase", "")
    cells = [pv["metadata"]["name"], (spec.get("capacity") or {}).get("storage", "0"),
             _access_modes(spec.get("accessModes")), spec.get("persistentVolumeReclaimPolicy", ""), phase,
             claim_str, spec.get("storageClassName") or "", spec.get("volumeAttributesClassName") or "<unset>",
             st.get("reason", ""), _age(pv, now)]
    if wide:
        cells.append(spec.get("volumeMode") or "<unset>")
    return cells


def _scale(scale: dict, now: float, wide: bool) -> list[str]:
    return [scale["metadata"]["name"], str((scale.get("spec") or {}).get("replicas", 0)),
            str((scale.get("status") or {}).get("replicas", 0))]


def _default(obj: dict, now: float, wide: bool) -> list[str]:
    return [obj["metadata"]["name"], _age(obj, now)]


# CRDs print the default table of NAME and CREATED AT, as LimitRanges do.
ROWS: dict[str, Callable[[dict, float, bool], list[str]]] = {
    "pods": _pod, "deployments": _deployment, "replicasets": _replicaset, "replicationcontrollers": _replicaset,
    "daemonsets": _daemonset, "statefulsets": _statefulset, "jobs": _job, "cronjobs": _cronjob, "services": _service,
    "endpoints": _endpoints, "endpointslices": _endpointslice, "nodes": _node, "namespaces": _namespace,
    "events": _event, "ingresses": _ingress, "ingressclasses": _ingressclass, "networkpolicies": _networkpolicy,
    "configmaps": _configmap, "secrets": _secret, "serviceaccounts": _serviceaccount,
    "controllerrevisions": _controllerrevision, "podtemplates": _podtemplate, "limitranges": _limitrange,
    "resourcequotas": _resourcequota, "customresourcedefinitions": _limitrange, "persistentvolumeclaims": _pvc,
    "persistentvolumes": _pv, "scale": _scale, **tables_access.ROWS,
}


def row(plural: str, obj: dict, now: float, wide: bool = False) -> list[str]:
    fn = ROWS.get(plural)
    return fn(obj, now, wide) if fn is not None else _custom_row(plural, obj, now, wide)


def table_lines(plural: str, objs: list[dict], now: float, *, wide: bool = False, with_namespace: bool = False,
                kind_prefix: str = "", show_labels: bool = False, label_columns: list[str] | None = None,
                no_headers: bool = False) -> list[list[str]]:
    """Header (unless no_headers) and one row per object, decorated as kubectl decorates server tables."""
    cols = [name for name, prio in columns(plural) if wide or prio == 0]
    name_idx = next((i for i, (n, p) in enumerate(c for c in columns(plural) if wide or c[1] == 0)
                     if n == "Name"), -1)
    label_columns = label_columns or []
    out = []
    if not no_headers:
        header = [c.upper() for c in cols]
        if with_namespace:
            header.insert(0, "NAMESPACE")
        header += [lc.split("/")[-1].upper() for lc in label_columns]
        if show_labels:
            header.append("LABELS")
        out.append(header)
    for obj in objs:
        cells = row(plural, obj, now, wide)
        if kind_prefix and name_idx >= 0:
            cells[name_idx] = f"{kind_prefix}/{cells[name_idx]}"
        if with_namespace:
            cells.insert(0, obj["metadata"].get("namespace", ""))
        labels = obj.get("metadata", {}).get("labels") or {}
        cells += [labels.get(lc, "") for lc in label_columns]
        if show_labels:
            cells.append(format_labels(labels))
        out.append(cells)
    return out


def align(lines: list[list[str]]) -> str:
    """kubectl's tabwriter (minwidth 6, padding 3) over tab-separated cells."""
    if not lines:
        return ""
    return format_text("".join("\t".join(cells) + "\n" for cells in lines), 6, 3)


def render_table(plural: str, objs: list[dict], now: float, **kw) -> str:
    return align(table_lines(plural, objs, now, **kw))
