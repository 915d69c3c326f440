"""Controllers that reconcile synchronously after every change, as the real ones converge.

Deployment -> ReplicaSet -> Pods, DaemonSet -> Pods, the kubelet's pod lifecycle, the garbage
collector, and Service -> Endpoints/EndpointSlices. `reconcile(cluster)` runs them all until nothing
changes; it is cheap enough to run after every command: from the cluster's change log (Cluster.put, touch and
remove), each pass looks only at the objects whose inputs changed, so a command's cost follows what it did,
not the size of the cluster.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import sys
from typing import Callable

from . import autoscaling, batch, coredns, defaults, disruption, images, managedfields, nodes, resources as res, \
    systemconfig
from .cluster import Cluster, rfc3339, parse_rfc3339
from .jsondata import deep_copy
from .nodes import NODE_NAME, tolerates
from .probes import probe_failure, readiness_failure
from .processes import exit_code, run_seconds, start_error


# ---- events -------------------------------------------------------------------------------------
def record_event(cluster: Cluster, obj: dict, type_: str, reason: str, message: str, component: str) -> None:
    """An Event as `kubectl get events` and `describe` show it; repeats bump count, as the recorder does."""
    meta = obj["metadata"]
    ns = meta.get("namespace") or "default"
    cache = _event_cache(cluster)
    repeat = (meta.get("uid"), reason, message)
    ev = cache["index"].get(repeat)
    if ev is not None:
        ev["count"] = ev.get("count", 1) + 1
        ev["lastTimestamp"] = cluster.timestamp()
        cluster.touch(ev)
        _event_cache_kept(cluster, cache)
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
    fresh = cluster.get("events", ns, ev["metadata"]["name"]) is None
    cluster.put(ev, new=True)
    if fresh:                      # a new key goes last in the store: a repeat of it finds an earlier one first
        cache["index"].setdefault(repeat, ev)
        _event_cache_kept(cluster, cache)


def _event_cache(cluster: Cluster) -> dict:
    """What the event recorder and the TTL keep about events: `index`, (involvedObject.uid, reason, message)
    -> the first such event in store order (record_event looks for a repeat on every event: a scan of the
    object's events made starting N pods of one ReplicaSet quadratic), and `floor`, a time no event's is
    older than (when known). Dropped when events change other than through record_event and _expire_events."""
    cache = cluster.derived.events
    stamp = cluster.stamp("events", content=True)
    if cache.get("stamp") != stamp:
        index: dict = {}
        for ev in cluster.objects.get("events", {}).values():
            index.setdefault((ev["involvedObject"].get("uid"), ev.get("reason"), ev.get("message")), ev)
        cache.clear()
        cache.update(stamp=stamp, index=index)
    return cache


def _event_cache_kept(cluster: Cluster, cache: dict) -> None:
    """record_event wrote an event stamped now and kept the index in step."""
    cache["stamp"] = cluster.stamp("events", content=True)
    if "floor" in cache:
        cache["floor"] = min(cache["floor"], parse_rfc3339(cluster.timestamp()))


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
    ns = owner["metadata"].get("namespace")
    return [o for o in owner_index(cluster, plural).get(owner["metadata"].get("uid"), [])
            if o["metadata"].get("namespace") == ns]


def owner_index(cluster: Cluster, plural: str) -> dict:
    """uid -> the objects of a type whose ownerReferences name it, in list order."""
    stamp = cluster.stamp(plural, content=True)
    cache = cluster.derived.owners
    hit = cache.get(plural)
    if hit is None or hit[0] != stamp:
        index: dict = {}
        for o in cluster.list(plural):
            for r in o["metadata"].get("ownerReferences") or []:
                index.setdefault(r.get("uid"), []).append(o)
        hit = (stamp, index)
        cache[plural] = hit
    return hit[1]


def controller_of(obj: dict) -> dict | None:
    for r in obj["metadata"].get("ownerReferences", []) or []:
        if r.get("controller"):
            return r
    return None


# ---- workloads ----------------------------------------------------------------------------------
# Deployment annotations the controller does not copy onto its new ReplicaSet (deployment/util).
SKIP_COPY = {"kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision",
             "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
             "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to"}


def _copy_annotations(dep: dict, rs: dict) -> bool:
    """copyDeploymentAnnotationsToReplicaSet: kubernetes.io/change-cause reaches `rollout history` this way."""
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for k, v in (dep["metadata"].get("annotations") or {}).items():
        if k not in SKIP_COPY and ann.get(k) != v:
            ann[k] = v
            changed = True
    return changed


def _reconcile_deployment(cluster: Cluster, dep: dict) -> bool:
    changed = False
    ns = dep["metadata"]["namespace"]
    spec = dep["spec"]
    template = deep_copy(spec.get("template", {}))
    pth = template_hash(template, dep.get("status", {}).get("collisionCount", 0))
    rs_list = owned(cluster, "replicasets", dep)
    current = next((rs for rs in rs_list if rs["metadata"].get("labels", {}).get("pod-template-hash") == pth), None)
    want = int(spec.get("replicas", 1))
    revision = max([int(rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", "0"))
                    for rs in rs_list] + [0])
    if current is None and spec.get("paused") and rs_list:
        return False                     # a paused deployment does not roll out a changed template
    if current is None:
        name = f"{dep['metadata']['name']}-{pth}"
        labels = dict(template.get("metadata", {}).get("labels", {}) or {})
        labels["pod-template-hash"] = pth
        tmpl = deep_copy(template)
        tmpl.setdefault("metadata", {})["labels"] = labels
        selector = deep_copy(spec.get("selector", {}))
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
        _copy_annotations(dep, current)
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
        if _copy_annotations(dep, current):
            cluster.touch(current)
            changed = True
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
            cluster.touch(current)
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
    tmpl = deep_copy(template)
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
    if not spec.get("nodeName"):
        spec["nodeName"] = nodes.pick(cluster, pod)
    host_ip = nodes.ip_of(cluster, spec["nodeName"])
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
        "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
        "conditions": [{"lastProbeTime": None, "lastTransitionTime": cluster.timestamp(),
                        "status": "True", "type": "PodScheduled"}],
        "containerStatuses": [
            {"image": c["image"], "imageID": "", "lastState": {}, "name": c["name"], "ready": False,
             "restartCount": 0, "started": False,
             "state": {"waiting": {"reason": "ContainerCreating"}}}
            for c in spec.get("containers", [])],
    }


def unschedulable(cluster: Cluster, pod: dict) -> str | None:
    """Why the scheduler cannot place the pod on any node (cordoned, a NoSchedule/NoExecute taint the pod
    does not tolerate, its nodeSelector), in its FailedScheduling wording; None when it can."""
    if nodes.multi(cluster):
        return nodes.unschedulable(cluster, pod)
    node = cluster.get("nodes", None, NODE_NAME)
    spec = (node or {}).get("spec") or {}
    if spec.get("unschedulable") and not tolerates(pod, {"key": "node.kubernetes.io/unschedulable",
                                                         "effect": "NoSchedule"}):
        why = "1 node(s) were unschedulable"
    else:
        bad = [t for t in spec.get("taints") or [] if t.get("effect") in ("NoSchedule", "NoExecute")
               and not tolerates(pod, t)]
        if not bad:
            return None
        why = f"1 node(s) had untolerated taint {{{bad[0].get('key')}: {bad[0].get('value', '')}}}"
    return (f"0/1 nodes are available: {why}. preemption: 0/1 nodes are available: 1 Preemption is not helpful "
            "for scheduling.")


def _scheduled(cluster: Cluster, pod: dict) -> None:
    record_event(cluster, pod, "Normal", "Scheduled",
                 f"Successfully assigned {pod['metadata']['namespace']}/{pod['metadata']['name']} to "
                 f"{pod['spec'].get('nodeName') or NODE_NAME}",
                 "default-scheduler")


def create_pod(cluster: Cluster, pod: dict) -> dict:
    why = unschedulable(cluster, pod)
    if why is None:
        schedule_pod(cluster, pod)
        cluster.put(pod, new=True)
        _scheduled(cluster, pod)
        return pod
    defaults.pod(pod)                 # pending until the node takes it (the pods pass retries)
    pod["status"] = {"phase": "Pending", "qosClass": "BestEffort", "conditions": [
        {"lastProbeTime": None, "lastTransitionTime": cluster.timestamp(), "message": why, "reason": "Unschedulable",
         "status": "False", "type": "PodScheduled"}]}
    cluster.put(pod, new=True)
    record_event(cluster, pod, "Warning", "FailedScheduling", why, "default-scheduler")
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
    """One pod per node that lacks one (bound to it, as the DaemonSet controller's node affinity does)."""
    have = {nodes.node_of(p) for p in owned(cluster, "pods", ds)}
    changed = False
    for node in nodes.names(cluster) or [NODE_NAME]:
        if node in have:
            continue
        name = f"{ds['metadata']['name']}-{cluster.rand_suffix(5)}"
        pod = _new_pod(cluster, ds, ds["spec"].get("template", {}), name)
        if nodes.multi(cluster):
            pod["spec"]["nodeName"] = node
        create_pod(cluster, pod)
        record_event(cluster, ds, "Normal", "SuccessfulCreate", f"Created pod: {name}", "daemonset-controller")
        changed = True
    return changed


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
    status = pod.get("status")
    if status is None:
        status = {}                # attached below, when the kubelet has something to report
    if status.get("phase") not in ("Pending", None) or not cluster.running:
        return False
    if not pod["spec"].get("nodeName"):           # unscheduled: bind it once the node takes it
        if unschedulable(cluster, pod) is not None:
            return False
        schedule_pod(cluster, pod)
        cluster.touch(pod)
        _scheduled(cluster, pod)
        return True
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
                ip = nodes.allocate_ip(cluster, pod)
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
        _wake_for(cluster, pod, created + delay)
        return False
    started = rfc3339(created + delay)
    pod["status"] = status
    ip = nodes.allocate_ip(cluster, pod)
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
        if not start_error(c):
            record_event(cluster, pod, "Normal", "Started", f"Started container {c['name']}", "kubelet")
    status["containerStatuses"] = statuses
    _probe_readiness(cluster, pod, containers, started)
    _schedule_probes(cluster, pod, parse_rfc3339(started))
    cannot_run = start_error(containers[0]) if containers else None
    if cannot_run:
        _crash(cluster, pod, started, code=127, cannot_run=cannot_run)
    elif not images.keeps_running(containers[0].get("image", ""), containers[0].get("command"),
                                containers[0].get("args")) if containers else False:
        _crash(cluster, pod, started)
    elif containers and _ends_after(cluster, pod, containers[0], created + delay):
        pass                                       # `sleep 5`: runs, then exits on the clock (_end_commands)
    elif containers and coredns.is_coredns(containers[0]) and coredns.start_error(cluster):
        _crash(cluster, pod, started, code=1)      # coredns exits on a Corefile it cannot read
    cluster.touch(pod)
    return True


def _probe_readiness(cluster: Cluster, pod: dict, containers: list, when: str) -> None:
    """Containers whose readiness probe fails are not ready, and neither is the pod (probes.py)."""
    status = pod["status"]
    unready = []
    for c, cs in zip(containers, status["containerStatuses"]):
        why = readiness_failure(cluster, pod, c) if c.get("readinessProbe") else None
        if why:
            cs["ready"] = False
            unready.append(c["name"])
            record_event(cluster, pod, "Warning", "Unhealthy", f"Readiness probe failed: {why}", "kubelet")
    if unready:
        for cond in status["conditions"]:
            if cond["type"] in ("Ready", "ContainersReady"):
                cond.update(status="False", reason="ContainersNotReady",
                            message=f"containers with unready status: [{' '.join(unready)}]")


def _ends_after(cluster: Cluster, pod: dict, container: dict, started: float) -> bool:
    """A shell image's command that sleeps a while and then exits (processes.run_seconds): it is due to end
    at started + its run time, when _end_commands ends it."""
    if images.repository(container.get("image", "")) not in images.SHELL_IMAGES:
        return False
    seconds = run_seconds(container)
    if not seconds:
        return False
    due = started + seconds
    cluster.runtime.setdefault("exits", {})[cluster.key(pod["metadata"]["namespace"], pod["metadata"]["name"])] = due
    _wake_for(cluster, pod, due)
    return True


def _end_commands(cluster: Cluster) -> bool:
    """End the containers whose command has run its course by now (the clock moved past their due time)."""
    def end(pod: dict, when: float) -> bool:
        running = _running(pod)
        _crash(cluster, pod, rfc3339(when), started=running[0]["state"]["running"].get("startedAt"))
        cluster.touch(pod)
        return True
    return _when_due(cluster, "exits", end, alive=lambda pod: bool(_running(pod)))


def _running(pod: dict) -> list[dict]:
    css = (pod.get("status") or {}).get("containerStatuses") or []
    return [cs for cs in css if "running" in (cs.get("state") or {})]


def _when_due(cluster: Cluster, table: str, act: Callable[[dict, float], bool],
              alive: Callable[[dict], bool] = lambda pod: True) -> bool:
    """Run `act` for each pod of the runtime's due-table ({pod key: time}) whose time has come, with the
    cluster's clock set to that time (the kubelet acted then: its events and states say so); a pod still
    waiting asks for a wake-up, and one that is gone (or no longer `alive`) leaves the table."""
    due = cluster.runtime.get(table)
    if not due:
        return False
    changed = False
    for key, when in sorted(due.items()):
        pod = cluster.objects.get("pods", {}).get(key)
        if pod is None or pod["metadata"].get("deletionTimestamp") or not alive(pod):
            del due[key]
            continue
        if when > cluster.now:
            _wake_for(cluster, pod, when)
            continue
        del due[key]
        now, cluster.now = cluster.now, when
        try:
            changed |= act(pod, when)
        finally:
            cluster.now = now
    return changed


def _crash(cluster: Cluster, pod: dict, when: str, code: int | None = None, started: str | None = None,
           cannot_run: str | None = None) -> None:
    """The command ended (a shell image with nothing to do exits 0; `exit 3` exits 3): Completed or Error;
    restarted with back-off under restartPolicy Always, or OnFailure when it failed (processes.exit_code)."""
    status = pod["status"]
    policy = pod["spec"].get("restartPolicy", "Always")
    if code is None:
        code = exit_code((pod["spec"].get("containers") or [{}])[0])
    for cs in status["containerStatuses"]:
        cs["ready"] = False
        cs["started"] = False
        terminated = {"containerID": cs["containerID"], "exitCode": code, "finishedAt": when,
                      "reason": "Completed" if code == 0 else "Error", "startedAt": started or when}
        if cannot_run:           # docker never started it: cri-dockerd reports the daemon's error
            terminated.update(reason="ContainerCannotRun", message=cannot_run, startedAt="1970-01-01T00:00:00Z")
            failed = f'failed to start container "{cs["containerID"].split("//")[-1]}": Error response from ' \
                     f'daemon: {cannot_run}'
            record_event(cluster, pod, "Warning", "Failed", f"Error: {failed}", "kubelet")
        if policy == "Always" or (policy == "OnFailure" and code):
            cs["restartCount"] = cs.get("restartCount", 0) + 1
            cs["lastState"] = {"terminated": terminated}
            delay = crash_backoff(cs["restartCount"])
            cs["state"] = {"waiting": {"message": f"back-off {_duration(delay)} restarting failed container="
                                                  f"{cs['name']} pod={pod['metadata']['name']}_"
                                                  f"{pod['metadata']['namespace']}({pod['metadata']['uid']})",
                                       "reason": "CrashLoopBackOff"}}
            if cannot_run and cs["restartCount"] == 1:
                cs["state"] = {"waiting": {"message": failed, "reason": "RunContainerError"}}
            record_event(cluster, pod, "Warning", "BackOff", "Back-off restarting failed container "
                         f"{cs['name']} in pod {pod['metadata']['name']}_{pod['metadata']['namespace']}"
                         f"({pod['metadata']['uid']})", "kubelet")
            due = parse_rfc3339(when) + delay
            cluster.runtime.setdefault("backoff", {})[cluster.key(pod["metadata"]["namespace"],
                                                                   pod["metadata"]["name"])] = due
            _wake_for(cluster, pod, due)
        else:
            cs["state"] = {"terminated": terminated}
            status["phase"] = "Succeeded" if code == 0 else "Failed"
    restarting = policy == "Always" or (policy == "OnFailure" and code)
    for c in status["conditions"]:
        if c["type"] in ("Ready", "ContainersReady"):
            c["status"] = "False"
            c["reason"] = "PodCompleted" if not restarting else "ContainersNotReady"
            if restarting:
                names = ",".join(cs["name"] for cs in status["containerStatuses"])
                c["message"] = f"containers with unready status: [{names}]"


# ---- liveness and startup probes (pkg/kubelet/prober/worker.go) ----------------------------------------
def _probe_defaults(probe: dict) -> tuple[int, int, int]:
    """(initialDelaySeconds, periodSeconds, failureThreshold) with the API's defaults (0, 10, 3)."""
    return (int(probe.get("initialDelaySeconds") or 0), int(probe.get("periodSeconds") or 10),
            int(probe.get("failureThreshold") or 3))


def _schedule_probes(cluster: Cluster, pod: dict, started: float) -> None:
    """A started container's startup probe runs first; its liveness probe once startup has passed."""
    key = cluster.key(pod["metadata"]["namespace"], pod["metadata"]["name"])
    table = cluster.runtime.setdefault("probes", {})
    for c in pod["spec"].get("containers") or []:
        for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
            probe = c.get(kind)
            if not isinstance(probe, dict):
                continue
            if kind != "startupProbe" and isinstance(c.get("startupProbe"), dict):
                continue                               # armed when the startup probe passes
            delay, period, _ = _probe_defaults(probe)
            table[f"{key}|{c['name']}|{kind}"] = {"next": started + delay + period, "fails": 0}
            wake_at(cluster, started + delay + period)


def _set_ready(pod: dict, cs: dict, ready: bool, at: float) -> None:
    """A readiness result: the container's ready flag, and the pod's Ready/ContainersReady conditions (which
    the endpoints controller reads: an unready pod moves to notReadyAddresses, ready: false in its slice)."""
    cs["ready"] = ready
    status = pod["status"]
    unready = [s["name"] for s in status.get("containerStatuses") or [] if not s.get("ready")]
    for cond in status.get("conditions") or []:
        if cond["type"] in ("Ready", "ContainersReady"):
            want = "False" if unready else "True"
            if cond["status"] != want:
                cond["status"], cond["lastTransitionTime"] = want, rfc3339(at)
            if unready:
                cond.update(reason="ContainersNotReady",
                            message=f"containers with unready status: [{' '.join(unready)}]")
            else:
                cond.pop("reason", None)
                cond.pop("message", None)


def _run_probes(cluster: Cluster) -> bool:
    """Run the liveness and startup probes that are due, period by period up to now. What a probe sees does
    not change between commands, so one evaluation stands for every period in between."""
    table = cluster.runtime.get("probes")
    if not table:
        return False
    changed = False
    for entry_key in sorted(table):
        entry = table[entry_key]
        key, cname, kind = entry_key.split("|")
        pod = cluster.objects.get("pods", {}).get(key)
        container = next((c for c in (pod or {}).get("spec", {}).get("containers") or [] if c["name"] == cname),
                         None)
        cs = next((s for s in ((pod or {}).get("status") or {}).get("containerStatuses") or []
                   if s.get("name") == cname), None)
        if pod is None or container is None or cs is None or pod["metadata"].get("deletionTimestamp"):
            del table[entry_key]
            continue
        if entry["next"] > cluster.now:
            wake_at(cluster, entry["next"])
            continue
        if "running" not in (cs.get("state") or {}):
            del table[entry_key]                       # not running (crash-looping): nothing to probe
            continue
        probe = container[kind]
        delay, period, threshold = _probe_defaults(probe)
        why = probe_failure(cluster, pod, container, probe)
        now = cluster.now
        label = {"livenessProbe": "Liveness", "startupProbe": "Startup"}.get(kind, "Readiness")
        try:
            while entry_key in table and entry["next"] <= now:
                cluster.now = at = entry["next"]
                if why is None:
                    entry["fails"] = 0
                    if kind == "startupProbe":         # started: hand over to the liveness probe
                        cs["started"] = True
                        del table[entry_key]
                        for later in ("livenessProbe", "readinessProbe"):
                            if isinstance(container.get(later), dict):
                                ld, lp, _ = _probe_defaults(container[later])
                                table[f"{key}|{cname}|{later}"] = {"next": at + ld + lp, "fails": 0}
                        break
                    if kind == "readinessProbe":
                        _set_ready(pod, cs, True, at)
                    entry["next"] = at + period
                    continue
                entry["fails"] += 1
                record_event(cluster, pod, "Warning", "Unhealthy", f"{label} probe failed: {why}", "kubelet")
                if kind == "readinessProbe":          # unready at the threshold; never restarted for it
                    if entry["fails"] >= threshold or not cs.get("ready"):
                        _set_ready(pod, cs, False, at)
                    entry["next"] = at + period
                    continue
                if entry["fails"] < threshold:
                    entry["next"] = at + period
                    continue
                record_event(cluster, pod, "Normal", "Killing",
                             f"Container {cname} failed {label.lower()} probe, will be restarted", "kubelet")
                started = cs["state"]["running"].get("startedAt", rfc3339(at))
                cs["lastState"] = {"terminated": {"containerID": cs.get("containerID", ""), "exitCode": 137,
                                                  "finishedAt": rfc3339(at), "reason": "Error",
                                                  "startedAt": started}}
                cs["restartCount"] = cs.get("restartCount", 0) + 1
                cs["containerID"] = f"docker://{cluster.hex_id(64)}"
                cs["state"] = {"running": {"startedAt": rfc3339(at)}}
                record_event(cluster, pod, "Normal", "Pulled",
                             f'Container image "{container["image"]}" already present on machine', "kubelet")
                record_event(cluster, pod, "Normal", "Created", f"Created container: {cname}", "kubelet")
                record_event(cluster, pod, "Normal", "Started", f"Started container {cname}", "kubelet")
                entry["fails"] = 0
                entry["next"] = at + delay + period
                if kind == "startupProbe":
                    cs["started"] = False
            cluster.touch(pod)
            changed = True
        finally:
            cluster.now = now
        if entry_key in table:
            wake_at(cluster, table[entry_key]["next"])
    return changed


# The kubelet's crash back-off (pkg/kubelet/kubelet.go: backOffPeriod 10s, MaxContainerBackOff 300s): the wait
# before restart N+1 doubles from 10 s and stays at 5 minutes.
BACKOFF_START, BACKOFF_MAX = 10, 300


def crash_backoff(restarts: int) -> int:
    return min(BACKOFF_MAX, BACKOFF_START * 2 ** max(0, restarts - 1))


def _duration(seconds: int) -> str:
    """Go's time.Duration.String for whole seconds: 10s, 1m20s, 5m0s."""
    return f"{seconds}s" if seconds < 60 else f"{seconds // 60}m{seconds % 60}s"


def _restart_crashed(cluster: Cluster) -> bool:
    """Restart the crash-looping containers whose back-off has run out, as often as the clock allows: each
    start runs the command again, which exits again (processes.exit_code), and the next back-off doubles."""
    return _when_due(cluster, "backoff", lambda pod, when: _restart_one(cluster, pod, when))


def _restart_one(cluster: Cluster, pod: dict, when: float) -> bool:
    status = pod.get("status") or {}
    css = status.get("containerStatuses") or []
    if not any((cs.get("state") or {}).get("waiting", {}).get("reason") in ("CrashLoopBackOff", "RunContainerError")
               for cs in css):
        return False
    started = rfc3339(when)
    cannot_run = start_error(pod["spec"]["containers"][0]) if pod["spec"].get("containers") else None
    for c, cs in zip(pod["spec"].get("containers") or [], css):
        record_event(cluster, pod, "Normal", "Pulled",
                     f'Container image "{c["image"]}" already present on machine', "kubelet")
        record_event(cluster, pod, "Normal", "Created", f"Created container: {c['name']}", "kubelet")
        if not cannot_run:
            record_event(cluster, pod, "Normal", "Started", f"Started container {c['name']}", "kubelet")
        cs["containerID"] = f"docker://{cluster.hex_id(64)}"
    code = 1 if pod["spec"].get("containers") and coredns.is_coredns(pod["spec"]["containers"][0]) \
        and coredns.start_error(cluster) else None
    if cannot_run:
        _crash(cluster, pod, started, 127, cannot_run=cannot_run)
        cluster.touch(pod)
        return True
    # this start stays up: CoreDNS's Corefile was fixed, or the command runs again, for its time
    if code is None and (coredns.is_coredns(pod["spec"]["containers"][0])
                         or _ends_after(cluster, pod, pod["spec"]["containers"][0], when)):
        for cs in css:
            cs.update(state={"running": {"startedAt": started}}, started=True, ready=True)
        for cond in status.get("conditions") or []:
            if cond["type"] in ("Ready", "ContainersReady"):
                cond.update(status="True", lastTransitionTime=started)
                cond.pop("reason", None)
                cond.pop("message", None)
    else:
        _crash(cluster, pod, started, code)
    cluster.touch(pod)
    return True


def _image_ref(image: str) -> str:
    """The image as the runtime reports it (`nginx:latest`, `docker.io/library/...` is shortened by docker)."""
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last or "@" in image else f"{image}:latest"


# ---- garbage collection ---------------------------------------------------------------------------
GC_TYPES = ("replicasets", "pods", "endpoints", "endpointslices", "jobs")


def _collect_garbage(cluster: Cluster, since: int | None = None) -> bool:
    """Remove dependents whose owners are all gone, and everything in a namespace that is gone.

    since=None looks at every object; else only at what can have become garbage since that point of the
    change log: objects stored since, and the dependents of objects removed since."""
    if since is None:
        candidates = [(plural, k, obj) for plural in GC_TYPES for k, obj in cluster.objects.get(plural, {}).items()]
    else:
        found: dict = {}
        for plural in GC_TYPES:
            items = cluster.objects.get(plural, {})
            for k, seq in cluster.log_changed.get(plural, {}).items():
                if seq > since and k in items:
                    found[(plural, k)] = items[k]
        gone = {o["metadata"].get("uid") for seq, plural, o in cluster.log_previous
                if seq > since and not _same_object_stored(cluster, plural, o)}
        if gone:
            for plural in GC_TYPES:
                index = owner_index(cluster, plural)
                for uid in gone:
                    for o in index.get(uid, ()):
                        found[(plural, cluster.key(o["metadata"].get("namespace"), o["metadata"]["name"]))] = o
        candidates = [(plural, k, obj) for (plural, k), obj in found.items()]
    uids: set | None = None
    doomed = []
    for plural, k, obj in candidates:
        refs = obj["metadata"].get("ownerReferences") or []
        if not refs:
            continue
        if any(_owner_stored(cluster, r, obj) for r in refs):
            continue
        if uids is None:
            uids = {o["metadata"].get("uid") for o in cluster.all_objects()}
        if all(r.get("uid") not in uids for r in refs):
            doomed.append((plural, k))
    for plural, k in doomed:
        cluster.remove_key(plural, k)
    # Events outlive nothing they describe in a namespace that is gone.
    namespaces = {n["metadata"]["name"] for n in cluster.list("namespaces")}
    if since is not None and not any(seq > since and plural == "namespaces"
                                     for seq, plural, o in cluster.log_previous) \
            and not any(seq > since and k.split("/", 1)[0] not in namespaces and k.split("/", 1)[0]
                        for plural, keys in cluster.log_changed.items() for k, seq in keys.items()):
        return bool(doomed)
    for plural, items in list(cluster.objects.items()):
        for key, obj in list(items.items()):
            ns = obj["metadata"].get("namespace")
            if ns and ns not in namespaces:
                cluster.remove_key(plural, key)
                doomed.append((plural, key))
    return bool(doomed)


def _same_object_stored(cluster: Cluster, plural: str, obj: dict) -> bool:
    """A replaced object (put over it) whose uid lives on in the new version: nothing of it is gone."""
    meta = obj["metadata"]
    now = cluster.objects.get(plural, {}).get(cluster.key(meta.get("namespace"), meta["name"]))
    return now is not None and now["metadata"].get("uid") == meta.get("uid")


def _owner_stored(cluster: Cluster, ref: dict, dependent: dict) -> bool:
    """The owner an ownerReference names (kind, name, uid) is stored: the quick way to know its uid lives."""
    r = res.BY_KIND.get(ref.get("kind", ""))
    if r is None or not ref.get("name"):
        return False
    owner = cluster.get(r.plural, dependent["metadata"].get("namespace") if r.namespaced else None, ref["name"])
    return owner is not None and owner["metadata"].get("uid") == ref.get("uid")


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


def pods_with_label(cluster: Cluster, ns: str, wanted: tuple) -> list[dict]:
    """Pods of a namespace carrying the rarest of the wanted label pairs (a superset of the matches), in list
    order. From an index of the namespace's pods by the value of one label key, built when a Service first
    asks for that key and dropped when pods change: every Service asks on every reconcile pass."""
    stamp = cluster.stamp("pods", content=True)
    cache = cluster.derived.labels
    if cache.get("stamp") != stamp:
        cache.clear()
        cache["stamp"] = stamp
    lists = []
    for key, value in wanted:
        by_value = cache.get((ns, key))
        if by_value is None:
            by_value = cache[(ns, key)] = {}
            for pod in cluster.list("pods", ns):
                v = (pod["metadata"].get("labels") or {}).get(key)
                if v is not None:
                    by_value.setdefault(v, []).append(pod)
        lists.append(by_value.get(value, []))
    return min(lists, key=len) if lists else []


def service_pods(cluster: Cluster, svc: dict) -> list[dict]:
    selector = svc["spec"].get("selector")
    if not selector:
        return []
    wanted = tuple(selector.items())
    return [p for p in pods_with_label(cluster, svc["metadata"]["namespace"], wanted)
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
        # publishNotReadyAddresses: the endpoints controller's tolerateUnreadyEndpoints
        bucket = "addresses" if is_ready(pod) or spec.get("publishNotReadyAddresses") else "notReadyAddresses"
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
                           "annotations": {TRIGGER_TIME: cluster.timestamp()}}}
        if labels:
            ep["metadata"]["labels"] = labels
        if subset_list:
            ep["subsets"] = subset_list
        if existing is not None:
            ep["metadata"]["uid"] = existing["metadata"]["uid"]
            ep["metadata"]["creationTimestamp"] = existing["metadata"]["creationTimestamp"]
        listed = _endpoint_pods(cluster)
        cluster.put(ep, new=existing is None)
        k = cluster.key(ns, name)
        if existing is not None:
            _index_endpoints(listed["index"], k, existing, False)
        _index_endpoints(listed["index"], k, ep, True)
        listed["stamp"] = cluster.stamp("endpoints", content=True)
        changed = True
    changed |= _reconcile_slice(cluster, svc, pods)
    return changed


def _reconcile_slice(cluster: Cluster, svc: dict, pods: list[dict]) -> bool:
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    slices = [s for s in cluster.list("endpointslices", ns)
              if s["metadata"].get("labels", {}).get("kubernetes.io/service-name") == name]
    endpoints = []
    publish = bool(svc["spec"].get("publishNotReadyAddresses"))
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        serving = is_ready(pod)      # endpointslice podToEndpoint: ready = publishNotReadyAddresses || serving
        endpoints.append({"addresses": [pod["status"]["podIP"]],
                          "conditions": {"ready": serving or publish, "serving": serving, "terminating": False},
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
    ann = dep["metadata"].get("annotations") or {}
    if revision and ann.get("deployment.kubernetes.io/revision") != revision:
        dep["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = revision
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
    pods = owned(cluster, "pods", ds)
    ready = sum(1 for p in pods if is_ready(p))
    want = max(len(nodes.names(cluster)), 1)
    status = {"currentNumberScheduled": len(pods), "desiredNumberScheduled": want, "numberAvailable": ready,
              "numberMisscheduled": 0, "numberReady": ready, "observedGeneration": ds["metadata"].get("generation", 1),
              "updatedNumberScheduled": len(pods)}
    if ready < want:
        if not ready:
            status.pop("numberAvailable")
        status["numberUnavailable"] = want - ready
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
    cache = _event_cache(cluster)
    if cache.get("floor", -1) >= cutoff and len(events) <= MAX_EVENTS:
        return                     # nothing is old enough yet, and there are not too many
    doomed, floor = [], float("inf")
    for key, ev in events.items():
        when = parse_rfc3339(ev.get("lastTimestamp") or ev["metadata"]["creationTimestamp"])
        if when < cutoff:
            doomed.append(key)
        else:
            floor = min(floor, when)
    extra = len(events) - len(doomed) - MAX_EVENTS
    if extra > 0:
        dropped = set(doomed)
        kept = [k for k in events if k not in dropped]
        doomed += heapq.nsmallest(extra, kept, key=lambda k: events[k].get("lastTimestamp") or "")
    gone = [cluster.remove_key("events", key) for key in doomed]
    if gone:                       # at most MAX_EVENTS are left: index them again, in store order
        cache.clear()
        cache = _event_cache(cluster)
    cache["floor"] = floor


# ---- the loop ------------------------------------------------------------------------------------
# Controllers other parts add when they load (Envoy Gateway's, gateway/status.py, first; the ingress addon's
# status sync), which write through the API server above: fn(cluster) -> changed.
RECONCILERS: list = []


def wake_at(cluster: Cluster, when: float) -> None:
    """A controller that waits on the clock (a pod starting, a back-off) asks to run again at `when`."""
    rt = cluster.runtime
    rt["wake"] = when if rt.get("wake") is None else min(rt["wake"], when)


def _wake_for(cluster: Cluster, pod: dict, when: float) -> None:
    """wake_at for a pod's lifecycle; a Job's pod also marks a moment the Job controllers must see in order."""
    wake_at(cluster, when)
    ref = controller_of(pod)
    if ref is not None and ref.get("kind") == "Job":
        batch.wake(cluster, when)


def reconcile(cluster: Cluster) -> None:
    """Run every controller until the state stops changing (bounded, as a safety net).

    A settled cluster is skipped: nothing was stored since the last run (same resourceVersion) and no
    controller asked to wake before now. Reads (get, describe, curl) on a big cluster then cost nothing here.
    """
    if not cluster.running:
        return
    if managedfields.recording():
        with managedfields.acting("kube-controller-manager"):
            return _catch_up(cluster)
    return _catch_up(cluster)


def _catch_up(cluster: Cluster) -> None:
    """While Jobs or CronJobs exist, the controllers run at each moment they asked to wake up before now, in
    order: a CronJob's runs, its Jobs' pods starting and ending, the Jobs finishing and the next pod of a Job
    happen at their own times even when the learner's clock jumps ahead (`sleep 300`)."""
    target, last = cluster.now, None
    for _ in range(batch.MAX_STEPS):
        wake = batch.due_before(cluster, target)
        if wake is None or (last is not None and wake <= last):
            break
        last = cluster.now = wake
        wake_at(cluster, wake)                      # (so the pass runs even where nothing else changed)
        try:
            _reconcile(cluster)
        finally:
            cluster.now = target
    _reconcile(cluster)


def _reconcile(cluster: Cluster) -> None:
    rt = cluster.runtime
    wake = rt.get("wake")
    if rt.get("settled") == cluster.resource_version and (wake is None or cluster.now < wake):
        _expire_events(cluster)
        return
    rt.pop("wake", None)       # (JSON has no infinity: no key means nothing is waiting)
    # Every controller is a function of its object and the objects it watches (and of the clock, which only
    # the kubelet's pass reads). Where the last pass ran them all and changed nothing, the next needs only
    # the objects whose inputs were stored, touched or removed since: the cluster's change log says which.
    # The settled state of the last reconcile is such a point, if the log reaches back to it; else the first
    # pass runs everything. Each later pass looks at what changed since the previous one began.
    since = -1 if INCREMENTAL and rt.get("settled") is not None and cluster.log_base == rt["settled"] else None
    converged = False
    for _ in range(10):
        mark = cluster.log_seq
        changed = _collect_garbage(cluster, since)
        for dep in _pick(cluster, "deployments", since, "replicasets"):
            changed |= _reconcile_deployment(cluster, dep)
        for rs in _pick(cluster, "replicasets", since, "pods"):
            changed |= _reconcile_replicaset(cluster, rs)
        for ds in _pick(cluster, "daemonsets", since, "pods"):
            changed |= _reconcile_daemonset(cluster, ds)
        changed |= batch.sync(cluster, since, sys.modules[__name__])    # CronJobs -> Jobs -> Pods
        for pod in _kubelet_pods(cluster):
            status = pod.get("status")
            if status is None or status.get("phase") in ("Pending", None):
                changed |= _run_pod(cluster, pod)
        changed |= _end_commands(cluster)
        changed |= _restart_crashed(cluster)
        changed |= _run_probes(cluster)
        for rs in _pick(cluster, "replicasets", since, "pods"):
            changed |= _rollup_replicaset(cluster, rs)
        for dep in _pick(cluster, "deployments", since, "replicasets"):
            changed |= _rollup_deployment(cluster, dep)
        for ds in _pick(cluster, "daemonsets", since, "pods"):
            changed |= _rollup_daemonset(cluster, ds)
        for svc in _pick_services(cluster, since):
            changed |= _reconcile_endpoints(cluster, svc)
        changed |= _drop_orphan_endpoints(cluster, since)
        changed |= systemconfig.publish_root_ca(cluster)
        coredns.reconcile(cluster, wake_at)
        changed |= autoscaling.sync(cluster)     # HPAs: keep the target's replicas within min..max
        changed |= disruption.sync(cluster)      # PDBs: expected/healthy pods and disruptions allowed
        for extra in RECONCILERS:
            changed |= bool(extra(cluster))
        if not changed:
            converged = True
            break
        since = mark if INCREMENTAL else None
    _expire_events(cluster)
    rt["settled"] = cluster.resource_version
    if converged:
        cluster.log_reset()
    else:
        cluster.log_base = None     # gave up before it settled: the next reconcile looks at everything


# Reconcile from the change log (False: every pass runs every controller on every object, as a reference).
INCREMENTAL = True


def _list_order(obj: dict) -> tuple:
    return obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def _kubelet_pods(cluster: Cluster) -> list[dict]:
    """The pods the kubelet's pass may have to start, in list order: those the pod index holds as pending
    (the reference mode looks at every pod)."""
    if not INCREMENTAL:
        return cluster.list("pods")
    pods = cluster.objects.get("pods", {})
    return sorted((pods[k] for k in cluster.pod_index.pending if k in pods), key=_list_order)


def _touched(cluster: Cluster, plural: str, since: int) -> list[dict]:
    """Objects of a type stored or touched since `since`, and the old versions of those removed or replaced."""
    items = cluster.objects.get(plural, {})
    out = [items[k] for k, seq in cluster.log_changed.get(plural, {}).items() if seq > since and k in items]
    out += [o for seq, p, o in cluster.log_previous if seq > since and p == plural]
    return out


def _pick(cluster: Cluster, plural: str, since: int | None, watched: str) -> list[dict]:
    """The objects of a type a controller pass looks at, in list order: all (since=None), or those changed since
    and the owners of the `watched` objects (pods for a ReplicaSet) changed, removed or replaced since."""
    if since is None:
        return cluster.list(plural)
    items = cluster.objects.get(plural, {})
    found = {k: items[k] for k, seq in cluster.log_changed.get(plural, {}).items() if seq > since and k in items}
    by_uid = None
    for obj in _touched(cluster, watched, since):
        for ref in obj["metadata"].get("ownerReferences") or []:
            k = cluster.key(obj["metadata"].get("namespace"), ref.get("name", ""))
            owner = items.get(k)
            if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
                # owned() goes by uid alone: an odd reference (another name, kind) still counts
                if by_uid is None:
                    by_uid = {o["metadata"].get("uid"): (key, o) for key, o in items.items()}
                k, owner = by_uid.get(ref.get("uid"), (None, None))
            if owner is not None:
                found[k] = owner
    return sorted(found.values(), key=_list_order)


def _pick_services(cluster: Cluster, since: int | None) -> list[dict]:
    """Services whose Endpoints may be out of date: the Service, its Endpoints or EndpointSlice changed, or a
    pod it selects (now, or as its Endpoints say it did) changed, came or went."""
    if since is None:
        return cluster.list("services")
    items = cluster.objects.get("services", {})
    keys = {k for k, seq in cluster.log_changed.get("services", {}).items() if seq > since}
    for ep in _touched(cluster, "endpoints", since):
        keys.add(cluster.key(ep["metadata"].get("namespace"), ep["metadata"]["name"]))
    for sl in _touched(cluster, "endpointslices", since):
        name = (sl["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
        if name:
            keys.add(cluster.key(sl["metadata"].get("namespace"), name))
    pods = _touched(cluster, "pods", since)
    if pods:
        listed = _endpoint_pods(cluster)["index"]
        selecting = _selectors(cluster)
        for pod in pods:
            meta = pod["metadata"]
            ns, labels = meta.get("namespace"), meta.get("labels") or {}
            keys.update(listed.get((ns, meta["name"]), ()))
            for kv in labels.items():
                for k, wanted in selecting.get((ns,) + kv, ()):
                    if _labels_match(wanted, labels):
                        keys.add(k)
    return sorted((items[k] for k in keys if k in items), key=_list_order)


def _drop_orphan_endpoints(cluster: Cluster, since: int | None) -> bool:
    """The endpoints controller deletes the Endpoints it made for a Service that is gone (its EndpointSlices
    go with the Service through their ownerReference). Endpoints a learner wrote for a selector-less
    Service carry no trigger-time annotation and are left alone, as the controller leaves them."""
    items = cluster.objects.get("endpoints", {})
    if since is None:
        keys = list(items)
    else:
        keys = [cluster.key(o["metadata"].get("namespace"), o["metadata"]["name"])
                for seq, plural, o in cluster.log_previous if seq > since and plural == "services"]
    services = cluster.objects.get("services", {})
    doomed = [k for k in keys if k in items and k not in services
              and TRIGGER_TIME in (items[k]["metadata"].get("annotations") or {})]
    for k in doomed:
        cluster.remove_key("endpoints", k)
    return bool(doomed)


TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"


def _selectors(cluster: Cluster) -> dict:
    """(namespace, key, value) of a selector's first pair -> [(Service key, its selector's pairs)]."""
    stamp = cluster.stamp("services", content=True)
    cache = cluster.derived.selectors
    if cache.get("stamp") != stamp:
        index: dict = {}
        for k, svc in cluster.objects.get("services", {}).items():
            selector = (svc.get("spec") or {}).get("selector")
            if selector:
                wanted = tuple(selector.items())
                index.setdefault((svc["metadata"].get("namespace"),) + wanted[0], []).append((k, wanted))
        cache.update(stamp=stamp, index=index)
    return cache["index"]


def _endpoint_pods(cluster: Cluster) -> dict:
    """`index`: (namespace, pod name) -> keys of the Services whose Endpoints list that pod. Kept in step by
    the endpoints controller's own writes, rebuilt after any other change to Endpoints."""
    stamp = cluster.stamp("endpoints", content=True)
    cache = cluster.derived.endpoint_pods
    if cache.get("stamp") != stamp:
        cache.update(stamp=stamp, index={})
        for k, ep in cluster.objects.get("endpoints", {}).items():
            _index_endpoints(cache["index"], k, ep, True)
    return cache


def _index_endpoints(index: dict, k: str, ep: dict, add: bool) -> None:
    ns = ep["metadata"].get("namespace")
    for subset in ep.get("subsets") or []:
        for addr in (subset.get("addresses") or []) + (subset.get("notReadyAddresses") or []):
            ref = addr.get("targetRef") or {}
            pod = (ref.get("namespace") or ns, ref.get("name"))
            if add:
                index.setdefault(pod, set()).add(k)
            elif pod in index:
                index[pod].discard(k)
