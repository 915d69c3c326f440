"""Controllers that reconcile synchronously after every change, as the real ones converge.

Deployment -> ReplicaSet -> Pods, DaemonSet -> Pods, the kubelet's pod lifecycle, the garbage
collector, and Service -> Endpoints/EndpointSlices. `reconcile(cluster)` runs them all until nothing
changes; it is cheap enough to run after every command.
"""
from __future__ import annotations

import copy
import hashlib
import json

from . import defaults, images
from .cluster import Cluster, rfc3339, parse_rfc3339
from .labels import selector_matches

NODE_NAME = "minikube"
NODE_IP = "192.168.49.2"


# ---- events -------------------------------------------------------------------------------------
def record_event(cluster: Cluster, obj: dict, type_: str, reason: str, message: str, component: str) -> None:
    """An Event as `kubectl get events` and `describe` show it; repeats bump count, as the recorder does."""
    meta = obj["metadata"]
    ns = meta.get("namespace") or "default"
    for ev in cluster.objects.get("events", {}).values():
        io = ev["involvedObject"]
        if io.get("uid") == meta.get("uid") and ev["reason"] == reason and ev["message"] == message:
            ev["count"] = ev.get("count", 1) + 1
            ev["lastTimestamp"] = cluster.timestamp()
            cluster.touch(ev)
            return
    ev = {
        "apiVersion": "v1", "kind": "Event",
        # The recorder names events `<object>.<creation time in Unix nanoseconds, hex>`.
        "metadata": {"name": f"{meta['name']}.{_event_nanos(cluster):x}", "namespace": ns},
        "involvedObject": {"apiVersion": obj.get("apiVersion"), "kind": obj.get("kind"), "name": meta["name"],
                           "namespace": ns, "resourceVersion": meta.get("resourceVersion"), "uid": meta.get("uid")},
        "reason": reason, "message": message, "type": type_,
        "source": {"component": component} | ({"host": NODE_NAME} if component == "kubelet" else {}),
        "firstTimestamp": cluster.timestamp(), "lastTimestamp": cluster.timestamp(), "count": 1,
        "reportingComponent": component, "reportingInstance": NODE_NAME if component == "kubelet" else "",
    }
    cluster.put(ev, new=True)


def _event_nanos(cluster: Cluster) -> int:
    """Creation time in nanoseconds, made unique within the sandbox (events of one command share a second)."""
    cluster.runtime["event_seq"] = seq = cluster.runtime.get("event_seq", 0) + 1
    return int(cluster.now) * 1_000_000_000 + (seq * 7_919_113) % 1_000_000_000


def events_for(cluster: Cluster, obj: dict) -> list[dict]:
    uid = obj["metadata"].get("uid")
    evs = [e for e in cluster.objects.get("events", {}).values() if e["involvedObject"].get("uid") == uid]
    evs.sort(key=lambda e: (e.get("lastTimestamp") or "", e["metadata"]["name"]))
    return evs


# ---- names --------------------------------------------------------------------------------------
def safe_encode(value: str) -> str:
    """k8s.io/apimachinery rand.SafeEncodeString: what pod-template-hash looks like (`698574c958`)."""
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[ord(ch) % len(alphabet)] for ch in value)


def template_hash(template: dict, collision_count: int = 0) -> str:
    data = json.dumps(template, sort_keys=True) + str(collision_count)
    h = int.from_bytes(hashlib.blake2b(data.encode(), digest_size=4).digest(), "big")
    return safe_encode(str(h))


def owner_ref(owner: dict) -> dict:
    return {"apiVersion": owner["apiVersion"], "blockOwnerDeletion": True, "controller": True,
            "kind": owner["kind"], "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"]}


def owned_by(obj: dict, owner: dict) -> bool:
    return any(r.get("uid") == owner["metadata"].get("uid") for r in obj["metadata"].get("ownerReferences", []))


def owned(cluster: Cluster, plural: str, owner: dict) -> list[dict]:
    """Objects of a type that `owner` owns, in list order: an index by owner uid, rebuilt only when the type
    changed (the reconcile loop asks this for every ReplicaSet and Deployment on every pass)."""
    items = cluster.objects.get(plural, {})
    stamp = (id(items), cluster.resource_version, len(items))
    cache = cluster.__dict__.setdefault("_owner_index", {})
    hit = cache.get(plural)
    if hit is None or hit[0] != stamp:
        index: dict = {}
        for o in cluster.list(plural):
            for r in o["metadata"].get("ownerReferences") or []:
                index.setdefault(r.get("uid"), []).append(o)
        hit = (stamp, index)
        cache[plural] = hit
    ns = owner["metadata"].get("namespace")
    return [o for o in hit[1].get(owner["metadata"].get("uid"), []) if o["metadata"].get("namespace") == ns]


def controller_of(obj: dict) -> dict | None:
    for r in obj["metadata"].get("ownerReferences", []) or []:
        if r.get("controller"):
            return r
    return None


# ---- workloads ----------------------------------------------------------------------------------
def _reconcile_deployment(cluster: Cluster, dep: dict) -> bool:
    changed = False
    ns = dep["metadata"]["namespace"]
    spec = dep["spec"]
    template = copy.deepcopy(spec.get("template", {}))
    pth = template_hash(template, dep.get("status", {}).get("collisionCount", 0))
    rs_list = owned(cluster, "replicasets", dep)
    current = next((rs for rs in rs_list if rs["metadata"].get("labels", {}).get("pod-template-hash") == pth), None)
    want = int(spec.get("replicas", 1))
    revision = max([int(rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", "0"))
                    for rs in rs_list] + [0])
    if current is None:
        name = f"{dep['metadata']['name']}-{pth}"
        labels = dict(template.get("metadata", {}).get("labels", {}) or {})
        labels["pod-template-hash"] = pth
        tmpl = copy.deepcopy(template)
        tmpl.setdefault("metadata", {})["labels"] = labels
        selector = copy.deepcopy(spec.get("selector", {}))
        selector.setdefault("matchLabels", {})["pod-template-hash"] = pth
        current = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": ns, "labels": labels,
                         "annotations": {"deployment.kubernetes.io/desired-replicas": str(want),
                                         "deployment.kubernetes.io/max-replicas": str(want + max(1, -(-want // 4))),
                                         "deployment.kubernetes.io/revision": str(revision + 1)},
                         "ownerReferences": [owner_ref(dep)]},
            "spec": {"replicas": want, "selector": selector, "template": tmpl},
        }
        defaults.replicaset(current)
        cluster.put(current, new=True)
        old_count = sum(int(rs["spec"].get("replicas", 0)) for rs in rs_list)
        record_event(cluster, dep, "Normal", "ScalingReplicaSet",
                     f"Scaled up replica set {name} from 0 to {want}", "deployment-controller")
        for rs in rs_list:
            n = int(rs["spec"].get("replicas", 0))
            if n:
                rs["spec"]["replicas"] = 0
                rs["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/desired-replicas"] = str(want)
                cluster.touch(rs)
                record_event(cluster, dep, "Normal", "ScalingReplicaSet",
                             f"Scaled down replica set {rs['metadata']['name']} from {n} to 0", "deployment-controller")
        del old_count
        changed = True
    else:
        have = int(current["spec"].get("replicas", 0))
        if have != want:
            current["spec"]["replicas"] = want
            ann = current["metadata"].setdefault("annotations", {})
            ann["deployment.kubernetes.io/desired-replicas"] = str(want)
            ann["deployment.kubernetes.io/max-replicas"] = str(want + max(1, -(-want // 4)))
            cluster.touch(current)
            verb = "up" if want > have else "down"
            record_event(cluster, dep, "Normal", "ScalingReplicaSet",
                         f"Scaled {verb} replica set {current['metadata']['name']} from {have} to {want}",
                         "deployment-controller")
            changed = True
        # A rollback to an older template revives its ReplicaSet: make it the newest revision.
        rev = int(current["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", "0"))
        if rev < revision:
            current["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(revision + 1)
            for rs in rs_list:
                if rs is not current and int(rs["spec"].get("replicas", 0)):
                    n = int(rs["spec"]["replicas"])
                    rs["spec"]["replicas"] = 0
                    cluster.touch(rs)
                    record_event(cluster, dep, "Normal", "ScalingReplicaSet",
                                 f"Scaled down replica set {rs['metadata']['name']} from {n} to 0",
                                 "deployment-controller")
            changed = True
    # Keep at most revisionHistoryLimit old ReplicaSets at zero replicas.
    limit = int(spec.get("revisionHistoryLimit", 10))
    old = sorted((rs for rs in rs_list if rs is not current and not int(rs["spec"].get("replicas", 0))),
                 key=lambda rs: int(rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", "0")))
    while len(old) > limit:
        rs = old.pop(0)
        cluster.remove("replicasets", ns, rs["metadata"]["name"])
        changed = True
    return changed


def _new_pod(cluster: Cluster, owner: dict, template: dict, name: str) -> dict:
    tmpl = copy.deepcopy(template)
    meta = tmpl.get("metadata", {}) or {}
    meta.pop("creationTimestamp", None)
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": owner["metadata"]["namespace"],
                     "labels": dict(meta.get("labels", {}) or {}),
                     "ownerReferences": [owner_ref(owner)]},
        "spec": tmpl.get("spec", {}),
    }
    if meta.get("annotations"):
        pod["metadata"]["annotations"] = dict(meta["annotations"])
    if not pod["metadata"]["labels"]:
        del pod["metadata"]["labels"]
    return pod


def schedule_pod(cluster: Cluster, pod: dict) -> None:
    """What the scheduler and kubelet do to a new pod: bind it to the node and start it Pending."""
    defaults.pod(pod)
    spec = pod["spec"]
    spec.setdefault("nodeName", NODE_NAME)
    if not any(v.get("name", "").startswith("kube-api-access-") for v in spec.get("volumes", []) or []):
        vol = f"kube-api-access-{cluster.rand_suffix(5)}"
        spec.setdefault("volumes", []).append({
            "name": vol,
            "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                            "path": "namespace"}]}}]}})
        for c in spec.get("containers", []):
            c.setdefault("volumeMounts", []).append(
                {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": vol, "readOnly": True})
    pod["status"] = {
        "phase": "Pending", "qosClass": "BestEffort",
        "hostIP": NODE_IP, "hostIPs": [{"ip": NODE_IP}],
        "conditions": [{"lastProbeTime": None, "lastTransitionTime": cluster.timestamp(),
                        "status": "True", "type": "PodScheduled"}],
        "containerStatuses": [
            {"image": c["image"], "imageID": "", "lastState": {}, "name": c["name"], "ready": False,
             "restartCount": 0, "started": False,
             "state": {"waiting": {"reason": "ContainerCreating"}}}
            for c in spec.get("containers", [])],
    }


def create_pod(cluster: Cluster, pod: dict) -> dict:
    schedule_pod(cluster, pod)
    cluster.put(pod, new=True)
    record_event(cluster, pod, "Normal", "Scheduled",
                 f"Successfully assigned {pod['metadata']['namespace']}/{pod['metadata']['name']} to {NODE_NAME}",
                 "default-scheduler")
    return pod


def _reconcile_replicaset(cluster: Cluster, rs: dict) -> bool:
    ns = rs["metadata"]["namespace"]
    pods = [p for p in owned(cluster, "pods", rs) if not p["metadata"].get("deletionTimestamp")]
    want = int(rs["spec"].get("replicas", 1))
    changed = False
    while len(pods) < want:
        name = f"{rs['metadata']['name']}-{cluster.rand_suffix(5)}"
        if cluster.get("pods", ns, name):
            continue
        pod = create_pod(cluster, _new_pod(cluster, rs, rs["spec"].get("template", {}), name))
        record_event(cluster, rs, "Normal", "SuccessfulCreate", f"Created pod: {name}", "replicaset-controller")
        pods.append(pod)
        changed = True
    if len(pods) > want:
        # The controller deletes not-ready pods first, then the youngest.
        pods.sort(key=lambda p: (is_ready(p), p["metadata"]["creationTimestamp"]), reverse=False)
        doomed = sorted(pods, key=lambda p: (is_ready(p), -parse_rfc3339(p["metadata"]["creationTimestamp"])))
        for p in doomed[: len(pods) - want]:
            cluster.remove("pods", ns, p["metadata"]["name"])
            record_event(cluster, rs, "Normal", "SuccessfulDelete", f"Deleted pod: {p['metadata']['name']}",
                         "replicaset-controller")
        changed = True
    return changed


def _reconcile_daemonset(cluster: Cluster, ds: dict) -> bool:
    ns = ds["metadata"]["namespace"]
    pods = [p for p in cluster.list("pods", ns) if owned_by(p, ds)]
    if pods:
        return False
    name = f"{ds['metadata']['name']}-{cluster.rand_suffix(5)}"
    create_pod(cluster, _new_pod(cluster, ds, ds["spec"].get("template", {}), name))
    record_event(cluster, ds, "Normal", "SuccessfulCreate", f"Created pod: {name}", "daemonset-controller")
    return True


# ---- the kubelet ---------------------------------------------------------------------------------
def is_ready(pod: dict) -> bool:
    for c in pod.get("status", {}).get("conditions", []) or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def _set_condition(conds: list, type_: str, status: str, now: str) -> None:
    for c in conds:
        if c["type"] == type_:
            if c["status"] != status:
                c["status"] = status
                c["lastTransitionTime"] = now
            return
    conds.append({"lastProbeTime": None, "lastTransitionTime": now, "status": status, "type": type_})


def _run_pod(cluster: Cluster, pod: dict) -> bool:
    """Advance a pod's lifecycle to the cluster's clock: pull, start, run (or fail to pull)."""
    status = pod.setdefault("status", {})
    if status.get("phase") not in ("Pending", None) or not cluster.running:
        return False
    spec = pod["spec"]
    created = parse_rfc3339(pod["metadata"]["creationTimestamp"])
    containers = spec.get("containers", [])
    bad = [c for c in containers if not images.pullable(c.get("image", ""))]
    host_network = spec.get("hostNetwork", False)
    if bad:
        changed = False
        for cs, c in zip(status.get("containerStatuses", []), containers):
            if c in bad:
                backoff = cluster.now - created >= 10
                if not backoff:
                    wake_at(cluster, created + 10)
                reason = "ImagePullBackOff" if backoff else "ErrImagePull"
                waiting = cs["state"].get("waiting", {})
                if waiting.get("reason") != reason:
                    msg = (f'Back-off pulling image "{c["image"]}"' if backoff else
                           f'failed to pull and unpack image "docker.io/library/{c["image"]}": failed to resolve '
                           f'reference "docker.io/library/{c["image"]}": pull access denied, repository does not '
                           f'exist or may require authorization')
                    cs["state"] = {"waiting": {"message": msg, "reason": reason}}
                    if not waiting.get("reason") or waiting.get("reason") == "ContainerCreating":
                        record_event(cluster, pod, "Normal", "Pulling", f'Pulling image "{c["image"]}"', "kubelet")
                        record_event(cluster, pod, "Warning", "Failed", f"Failed to pull image \"{c['image']}\": {msg}",
                                     "kubelet")
                        record_event(cluster, pod, "Warning", "Failed", "Error: ErrImagePull", "kubelet")
                    else:
                        record_event(cluster, pod, "Normal", "BackOff", f'Back-off pulling image "{c["image"]}"',
                                     "kubelet")
                        record_event(cluster, pod, "Warning", "Failed", "Error: ImagePullBackOff", "kubelet")
                    changed = True
        if changed:
            if not status.get("podIP") and not host_network:
                ip = cluster.allocate_pod_ip()
                status["podIP"], status["podIPs"] = ip, [{"ip": ip}]
            if "startTime" not in status:
                # The sandbox is up; only the image is missing: the kubelet reports what describe shows.
                status["startTime"] = rfc3339(created)
                when = rfc3339(created + 1)
                conds = status.setdefault("conditions", [])
                unready = f"containers with unready status: [{' '.join(c['name'] for c in containers)}]"
                for t, st in (("PodReadyToStartContainers", "True"), ("Initialized", "True"), ("Ready", "False"),
                              ("ContainersReady", "False"), ("PodScheduled", "True")):
                    _set_condition(conds, t, st, when)
                for c in conds:
                    if c["type"] in ("Ready", "ContainersReady"):
                        c["reason"], c["message"] = "ContainersNotReady", unready
                order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
                conds.sort(key=lambda c: order.index(c["type"]) if c["type"] in order else 9)
            cluster.touch(pod)
        return changed
    delay = max(images.startup_seconds(c.get("image", "")) for c in containers) if containers else 0
    if cluster.now - created < delay:
        wake_at(cluster, created + delay)
        return False
    started = rfc3339(created + delay)
    ip = NODE_IP if host_network else cluster.allocate_pod_ip()
    status.update({"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "startTime": rfc3339(created)})
    conds = status.setdefault("conditions", [])
    for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"):
        _set_condition(conds, t, "True", started)
    order = {"PodReadyToStartContainers": 0, "Initialized": 1, "Ready": 2, "ContainersReady": 3, "PodScheduled": 4}
    conds.sort(key=lambda c: order.get(c["type"], 9))
    for c in conds:
        c["lastTransitionTime"] = c["lastTransitionTime"] if c["type"] == "PodScheduled" else started
    statuses = []
    for c in containers:
        cid = cluster.hex_id(64)
        statuses.append({
            "containerID": f"docker://{cid}", "image": _image_ref(c["image"]),
            "imageID": f"docker-pullable://{_image_ref(c['image']).rsplit(':', 1)[0]}@sha256:{cluster.hex_id(64)}",
            "lastState": {}, "name": c["name"], "ready": True, "restartCount": 0, "started": True,
            "state": {"running": {"startedAt": started}},
        })
        record_event(cluster, pod, "Normal", "Pulling", f'Pulling image "{c["image"]}"', "kubelet")
        record_event(cluster, pod, "Normal", "Pulled",
                     f'Successfully pulled image "{c["image"]}" in 1.{cluster.randint(100, 999)}s '
                     f'(1.{cluster.randint(100, 999)}s including waiting). Image size: {cluster.randint(4, 80)*1000000 + cluster.randint(0, 999999)} bytes.',
                     "kubelet")
        record_event(cluster, pod, "Normal", "Created", f"Created container: {c['name']}", "kubelet")
        record_event(cluster, pod, "Normal", "Started", f"Started container {c['name']}", "kubelet")
    status["containerStatuses"] = statuses
    if not images.keeps_running(containers[0].get("image", ""), containers[0].get("command"),
                                containers[0].get("args")) if containers else False:
        _crash(cluster, pod, started)
    cluster.touch(pod)
    return True


def _crash(cluster: Cluster, pod: dict, when: str) -> None:
    """A shell image with nothing to do exits 0: Completed, or CrashLoopBackOff under restartPolicy Always."""
    status = pod["status"]
    policy = pod["spec"].get("restartPolicy", "Always")
    for cs in status["containerStatuses"]:
        cs["ready"] = False
        cs["started"] = False
        terminated = {"containerID": cs["containerID"], "exitCode": 0, "finishedAt": when, "reason": "Completed",
                      "startedAt": when}
        if policy == "Always":
            cs["restartCount"] = 1
            cs["lastState"] = {"terminated": terminated}
            cs["state"] = {"waiting": {"message": f"back-off 10s restarting failed container={cs['name']} "
                                                  f"pod={pod['metadata']['name']}_{pod['metadata']['namespace']}"
                                                  f"({pod['metadata']['uid']})", "reason": "CrashLoopBackOff"}}
            record_event(cluster, pod, "Warning", "BackOff", "Back-off restarting failed container "
                         f"{cs['name']} in pod {pod['metadata']['name']}_{pod['metadata']['namespace']}"
                         f"({pod['metadata']['uid']})", "kubelet")
        else:
            cs["state"] = {"terminated": terminated}
            status["phase"] = "Succeeded"
    for c in status["conditions"]:
        if c["type"] in ("Ready", "ContainersReady"):
            c["status"] = "False"
            c["reason"] = "PodCompleted" if policy != "Always" else "ContainersNotReady"
            if policy == "Always":
                names = ",".join(cs["name"] for cs in status["containerStatuses"])
                c["message"] = f"containers with unready status: [{names}]"


def _image_ref(image: str) -> str:
    """The image as the runtime reports it (`nginx:latest`, `docker.io/library/...` is shortened by docker)."""
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last or "@" in image else f"{image}:latest"


# ---- garbage collection ---------------------------------------------------------------------------
def _collect_garbage(cluster: Cluster) -> bool:
    uids = {o["metadata"].get("uid") for o in cluster.all_objects()}
    changed = False
    for plural in ("replicasets", "pods", "endpoints", "endpointslices", "jobs"):
        for obj in list(cluster.objects.get(plural, {}).values()):
            refs = obj["metadata"].get("ownerReferences") or []
            if refs and all(r.get("uid") not in uids for r in refs):
                cluster.remove(plural, obj["metadata"].get("namespace"), obj["metadata"]["name"])
                changed = True
    # Events outlive nothing they describe in a namespace that is gone.
    namespaces = {n["metadata"]["name"] for n in cluster.list("namespaces")}
    for plural, items in list(cluster.objects.items()):
        for key, obj in list(items.items()):
            ns = obj["metadata"].get("namespace")
            if ns and ns not in namespaces:
                del items[key]
                changed = True
    return changed


# ---- services ------------------------------------------------------------------------------------
def resolve_target_port(svc_port: dict, pod: dict) -> int | None:
    """A Service port's targetPort on one pod: a number, or a named container port (resolved per pod)."""
    target = svc_port.get("targetPort", svc_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    for c in pod["spec"].get("containers", []):
        for p in c.get("ports", []) or []:
            if p.get("name") == target and p.get("protocol", "TCP") == svc_port.get("protocol", "TCP"):
                return int(p["containerPort"])
    return None


def _labels_match(wanted: tuple, labels: dict) -> bool:
    """A Service's selector (plain equality, like matchLabels), without building a LabelSelector per pod."""
    for k, v in wanted:
        if labels.get(k) != v:
            return False
    return True


def _pods_with_label(cluster: Cluster, ns: str, wanted: tuple) -> list[dict]:
    """Pods of a namespace carrying the rarest of the wanted label pairs (a superset of the matches), from an
    index rebuilt only when pods change: every Service asks on every reconcile pass."""
    items = cluster.objects.get("pods", {})
    stamp = (id(items), cluster.resource_version, len(items))
    cache = cluster.__dict__.setdefault("_label_index", {})
    if cache.get("stamp") != stamp:
        index: dict = {}
        for pod in cluster.list("pods"):
            meta = pod["metadata"]
            for kv in (meta.get("labels") or {}).items():
                index.setdefault((meta.get("namespace"),) + kv, []).append(pod)
        cache.clear()
        cache.update(stamp=stamp, index=index)
    index = cache["index"]
    lists = [index.get((ns,) + kv, []) for kv in wanted]
    return min(lists, key=len) if lists else []


def service_pods(cluster: Cluster, svc: dict) -> list[dict]:
    selector = svc["spec"].get("selector")
    if not selector:
        return []
    wanted = tuple(selector.items())
    return [p for p in _pods_with_label(cluster, svc["metadata"]["namespace"], wanted)
            if _labels_match(wanted, p["metadata"].get("labels") or {})
            and p.get("status", {}).get("podIP") and p["status"].get("phase") not in ("Succeeded", "Failed")]


def _endpoint_address(pod: dict) -> dict:
    return {"ip": pod["status"]["podIP"], "nodeName": pod["spec"].get("nodeName", NODE_NAME),
            "targetRef": {"kind": "Pod", "name": pod["metadata"]["name"],
                          "namespace": pod["metadata"]["namespace"], "uid": pod["metadata"]["uid"]}}


def _reconcile_endpoints(cluster: Cluster, svc: dict) -> bool:
    """Endpoints and an EndpointSlice for a Service with a selector, exactly from the matching pods."""
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    spec = svc["spec"]
    if not spec.get("selector") or spec.get("type") == "ExternalName":
        return False
    pods = service_pods(cluster, svc)
    # Group pods by their resolved port set, as the endpoints controller builds subsets.
    subsets: dict[tuple, dict] = {}
    for pod in sorted(pods, key=lambda p: tuple(int(x) for x in p["status"]["podIP"].split("."))):
        ports = []
        for sp in spec.get("ports", []) or []:
            tp = resolve_target_port(sp, pod)
            if tp is None:
                continue
            ep = {"port": tp, "protocol": sp.get("protocol", "TCP")}
            if sp.get("name"):
                ep = {"name": sp["name"]} | ep
            ports.append(ep)
        key = tuple((p.get("name", ""), p["port"], p["protocol"]) for p in ports)
        subset = subsets.setdefault(key, {"ports": ports})
        bucket = "addresses" if is_ready(pod) else "notReadyAddresses"
        subset.setdefault(bucket, []).append(_endpoint_address(pod))
    subset_list = []
    for s in subsets.values():
        ordered = {k: s[k] for k in ("addresses", "notReadyAddresses", "ports") if k in s}
        subset_list.append(ordered)
    existing = cluster.get("endpoints", ns, name)
    labels = dict(svc["metadata"].get("labels", {}) or {})
    changed = False
    if existing is None or existing.get("subsets", []) != subset_list:
        ep = {"apiVersion": "v1", "kind": "Endpoints",
              "metadata": {"name": name, "namespace": ns,
                           "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": cluster.timestamp()}}}
        if labels:
            ep["metadata"]["labels"] = labels
        if subset_list:
            ep["subsets"] = subset_list
        if existing is not None:
            ep["metadata"]["uid"] = existing["metadata"]["uid"]
            ep["metadata"]["creationTimestamp"] = existing["metadata"]["creationTimestamp"]
        cluster.put(ep, new=existing is None)
        changed = True
    changed |= _reconcile_slice(cluster, svc, pods)
    return changed


def _reconcile_slice(cluster: Cluster, svc: dict, pods: list[dict]) -> bool:
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    slices = [s for s in cluster.list("endpointslices", ns)
              if s["metadata"].get("labels", {}).get("kubernetes.io/service-name") == name]
    endpoints = []
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        ready = is_ready(pod)
        endpoints.append({"addresses": [pod["status"]["podIP"]],
                          "conditions": {"ready": ready, "serving": ready, "terminating": False},
                          "nodeName": pod["spec"].get("nodeName", NODE_NAME),
                          "targetRef": {"kind": "Pod", "name": pod["metadata"]["name"],
                                        "namespace": ns, "uid": pod["metadata"]["uid"]}})
    ports = []
    for sp in svc["spec"].get("ports", []) or []:
        tp = resolve_target_port(sp, pods[0]) if pods else None
        p = {"name": sp.get("name", ""), "port": tp, "protocol": sp.get("protocol", "TCP")}
        ports.append(p)
    body = {"addressType": "IPv4", "endpoints": endpoints or None, "ports": ports if pods else None}
    if slices:
        s = slices[0]
        cur = {"addressType": s.get("addressType"), "endpoints": s.get("endpoints"), "ports": s.get("ports")}
        if cur == body:
            return False
        s.update(body)
        cluster.touch(s)
        return True
    labels = {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
              "kubernetes.io/service-name": name} | dict(svc["metadata"].get("labels", {}) or {})
    s = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": f"{name}-{cluster.rand_suffix(5)}", "namespace": ns, "labels": labels,
                      "generateName": f"{name}-",
                      "ownerReferences": [owner_ref(svc)]}} | body
    cluster.put(s, new=True)
    return True


# ---- status roll-ups -----------------------------------------------------------------------------
def _rollup_replicaset(cluster: Cluster, rs: dict) -> bool:
    pods = owned(cluster, "pods", rs)
    ready = sum(1 for p in pods if is_ready(p))
    status = {"replicas": len(pods), "fullyLabeledReplicas": len(pods), "readyReplicas": ready,
              "availableReplicas": ready, "observedGeneration": rs["metadata"].get("generation", 1)}
    status = {k: v for k, v in status.items() if v or k in ("replicas", "observedGeneration")}
    if not pods:
        status = {"replicas": 0, "observedGeneration": rs["metadata"].get("generation", 1)}
    if rs.get("status") != status:
        rs["status"] = status
        cluster.touch(rs)
        return True
    return False


def _rollup_deployment(cluster: Cluster, dep: dict) -> bool:
    ns = dep["metadata"]["namespace"]
    rs_list = owned(cluster, "replicasets", dep)
    pth = template_hash(dep["spec"].get("template", {}), dep.get("status", {}).get("collisionCount", 0))
    new_rs = next((rs for rs in rs_list if rs["metadata"].get("labels", {}).get("pod-template-hash") == pth), None)
    replicas = sum(rs.get("status", {}).get("replicas", 0) for rs in rs_list)
    ready = sum(rs.get("status", {}).get("readyReplicas", 0) for rs in rs_list)
    updated = new_rs.get("status", {}).get("replicas", 0) if new_rs else 0
    want = int(dep["spec"].get("replicas", 1))
    old = dep.get("status", {})
    old_conds = {c["type"]: c for c in old.get("conditions", [])}
    now = cluster.timestamp()
    available = ready >= want - _max_unavailable(dep, want)
    rs_name = new_rs["metadata"]["name"] if new_rs else ""

    def cond(type_, status_, reason, message):
        prev = old_conds.get(type_)
        if prev and prev["status"] == status_ and prev["reason"] == reason and prev["message"] == message:
            return prev
        transition = prev["lastTransitionTime"] if prev and prev["status"] == status_ else now
        return {"lastTransitionTime": transition, "lastUpdateTime": now, "message": message, "reason": reason,
                "status": status_, "type": type_}

    conds = [
        cond("Available", "True" if available else "False",
             "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
             "Deployment has minimum availability." if available else
             "Deployment does not have minimum availability."),
        cond("Progressing", "True",
             "NewReplicaSetAvailable" if ready >= want and updated == want else "ReplicaSetUpdated",
             f'ReplicaSet "{rs_name}" has successfully progressed.' if ready >= want and updated == want else
             f'ReplicaSet "{rs_name}" is progressing.'),
    ]
    status = {"availableReplicas": ready, "conditions": conds,
              "observedGeneration": dep["metadata"].get("generation", 1), "readyReplicas": ready,
              "replicas": replicas, "updatedReplicas": updated}
    if ready < replicas:
        status["unavailableReplicas"] = replicas - ready
    status = {k: v for k, v in status.items() if v or k in ("conditions", "observedGeneration", "replicas")}
    if "collisionCount" in old:
        status["collisionCount"] = old["collisionCount"]
    changed = False
    revision = new_rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision") if new_rs else None
    ann = dep["metadata"].setdefault("annotations", {})
    if revision and ann.get("deployment.kubernetes.io/revision") != revision:
        ann["deployment.kubernetes.io/revision"] = revision
        changed = True
    if old != status:
        dep["status"] = status
        changed = True
    if changed:
        cluster.touch(dep)
    return changed


def _max_unavailable(dep: dict, want: int) -> int:
    ru = dep["spec"].get("strategy", {}).get("rollingUpdate", {}) or {}
    v = ru.get("maxUnavailable", "25%")
    if isinstance(v, str) and v.endswith("%"):
        return int(want * int(v[:-1]) // 100)
    return int(v)


def _rollup_daemonset(cluster: Cluster, ds: dict) -> bool:
    pods = [p for p in cluster.list("pods", ds["metadata"]["namespace"]) if owned_by(p, ds)]
    ready = sum(1 for p in pods if is_ready(p))
    status = {"currentNumberScheduled": len(pods), "desiredNumberScheduled": 1, "numberAvailable": ready,
              "numberMisscheduled": 0, "numberReady": ready, "observedGeneration": ds["metadata"].get("generation", 1),
              "updatedNumberScheduled": len(pods)}
    if not ready:
        status.pop("numberAvailable")
        status["numberUnavailable"] = 1
    if ds.get("status") != status:
        ds["status"] = status
        cluster.touch(ds)
        return True
    return False


EVENT_TTL = 3600          # kube-apiserver --event-ttl default: events vanish after an hour
MAX_EVENTS = 300          # and a sandbox keeps at most this many, so its state stays small


def _expire_events(cluster: Cluster) -> None:
    events = cluster.objects.get("events", {})
    if not events:
        return
    cutoff = cluster.now - EVENT_TTL
    for key, ev in list(events.items()):
        if parse_rfc3339(ev.get("lastTimestamp") or ev["metadata"]["creationTimestamp"]) < cutoff:
            del events[key]
    if len(events) > MAX_EVENTS:
        oldest = sorted(events, key=lambda k: events[k].get("lastTimestamp") or "")
        for key in oldest[: len(events) - MAX_EVENTS]:
            del events[key]


# ---- the loop ------------------------------------------------------------------------------------
# Controllers other parts add (the ingress controller's status sync): fn(cluster) -> changed.
RECONCILERS: list = []


def wake_at(cluster: Cluster, when: float) -> None:
    """A controller that waits on the clock (a pod starting, a back-off) asks to run again at `when`."""
    rt = cluster.runtime
    rt["wake"] = when if rt.get("wake") is None else min(rt["wake"], when)


def reconcile(cluster: Cluster) -> None:
    """Run every controller until the state stops changing (bounded, as a safety net).

    A settled cluster is skipped: nothing was stored since the last run (same resourceVersion) and no
    controller asked to wake before now. Reads (get, describe, curl) on a big cluster then cost nothing here.
    """
    if not cluster.running:
        return
    rt = cluster.runtime
    wake = rt.get("wake")
    if rt.get("settled") == cluster.resource_version and (wake is None or cluster.now < wake):
        _expire_events(cluster)
        return
    rt.pop("wake", None)       # (JSON has no infinity: no key means nothing is waiting)
    for _ in range(10):
        changed = _collect_garbage(cluster)
        for dep in cluster.list("deployments"):
            changed |= _reconcile_deployment(cluster, dep)
        for rs in cluster.list("replicasets"):
            changed |= _reconcile_replicaset(cluster, rs)
        for ds in cluster.list("daemonsets"):
            changed |= _reconcile_daemonset(cluster, ds)
        for pod in cluster.list("pods"):
            changed |= _run_pod(cluster, pod)
        for rs in cluster.list("replicasets"):
            changed |= _rollup_replicaset(cluster, rs)
        for dep in cluster.list("deployments"):
            changed |= _rollup_deployment(cluster, dep)
        for ds in cluster.list("daemonsets"):
            changed |= _rollup_daemonset(cluster, ds)
        for svc in cluster.list("services"):
            changed |= _reconcile_endpoints(cluster, svc)
        for extra in RECONCILERS:
            changed |= bool(extra(cluster))
        if not changed:
            break
    _expire_events(cluster)
    rt["settled"] = cluster.resource_version
