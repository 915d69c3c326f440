"""`kubectl describe`: the describers of k8s.io/kubectl/pkg/describe/describe.go, field for field.

Output goes through the same text/tabwriter as kubectl (minwidth 0, padding 2), so alignment restarts
wherever kubectl's does (after lines without a tab, and at the flush before an Events table).
`describe(cluster, plural, obj, show_events)` returns the text for one object.
"""
from __future__ import annotations

import base64
import copy
import time as _time

from ..cluster import Cluster, parse_rfc3339
from ..controllers import events_for, owned_by
from ..labels import format_labels
from .. import resources as res
from . import describe_access
from .describe_ingressclass import describe_ingressclass
from .age import human_duration, translate_timestamp_since
from .describe_unstructured import write_content
from .describe_writer import (PrefixWriter, annotations_multiline, describe_events, labels_multiline, object_head,
                              rfc1123z)
from ..labels import format_label_selector, selector_string
from .tables import _lb_status, node_roles


def tolerations_multiline(w: PrefixWriter, title: str, tolerations: list | None, initial: str = "") -> None:
    w.write(0, f"{initial}{title}:\t")
    if not tolerations:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, initial + "\t")
        s = t.get("key", "")
        if t.get("value"):
            s += f"={t['value']}"
        if t.get("effect"):
            s += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            s += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            s += f" for {t['tolerationSeconds']}s"
        w.write(0, s + "\n")


def taints_multiline(w: PrefixWriter, title: str, taints: list | None) -> None:
    w.write(0, f"{title}:\t")
    if not taints:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(taints, key=lambda t: t.get("effect", "") + "," + t.get("key", ""))):
        if i:
            w.write(0, "\t")
        s = t.get("key", "") + (f"={t['value']}" if t.get("value") else "") + (f":{t['effect']}" if t.get("effect") else "")
        w.write(0, s + "\n")


def _controller(obj: dict) -> str:
    for r in obj.get("metadata", {}).get("ownerReferences") or []:
        if r.get("controller"):
            return f"{r.get('kind')}/{r.get('name')}"
    return ""


def _ports(ports: list | None, host: bool) -> str:
    out = []
    for p in ports or []:
        s = f"{p.get('hostPort', 0) if host else p.get('containerPort')}/{p.get('protocol', 'TCP')}"
        if p.get("name"):
            s += f" ({p['name']})"
        out.append(s)
    return ", ".join(out)


def _probe(p: dict) -> str:
    attrs = (f"delay={p.get('initialDelaySeconds', 0)}s timeout={p.get('timeoutSeconds', 1)}s "
             f"period={p.get('periodSeconds', 10)}s successThreshold={p.get('successThreshold', 1)} "
             f"failureThreshold={p.get('failureThreshold', 3)}")
    if p.get("exec"):
        return f"exec [{' '.join(p['exec'].get('command') or [])}] {attrs}"
    if p.get("httpGet"):
        h = p["httpGet"]
        scheme = (h.get("scheme") or "HTTP").lower()
        return f"http-get {scheme}://{h.get('host', '')}:{h.get('port')}{h.get('path', '')} {attrs}"
    if p.get("tcpSocket"):
        return f"tcp-socket {p['tcpSocket'].get('host', '')}:{p['tcpSocket'].get('port')} {attrs}"
    if p.get("grpc"):
        return f"grpc <pod>:{p['grpc'].get('port')} {p['grpc'].get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _state(w: PrefixWriter, name: str, state: dict) -> None:
    if state.get("running") is not None:
        w.write(2, f"{name}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{name}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(2, f"{name}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal"):
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{name}:\tWaiting\n")


def _resources(w: PrefixWriter, resources: dict | None, level: int) -> None:
    resources = resources or {}
    for kind in ("limits", "requests"):
        vals = resources.get(kind) or {}
        if vals:
            w.write(level, f"{kind.capitalize()}:\n")
        for name in sorted(vals):
            w.write(level + 1, f"{name}:\t{vals[name]}\n")


def describe_containers(w: PrefixWriter, label: str, containers: list, statuses: list | None, space: str,
                        pod: dict | None = None) -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{' <none>' if not containers else ''}\n")
    indent = " " if space else ""
    for c in containers or []:
        st = by_name.get(c.get("name"))
        w.write(1, f"{indent}{c.get('name')}:\n")
        if st is not None:
            w.write(2, f"Container ID:\t{st.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if st is not None:
            w.write(2, f"Image ID:\t{st.get('imageID', '')}\n")
        ports = _ports(c.get("ports"), False)
        w.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        hports = _ports(c.get("ports"), True)
        w.write(2, f"Host Ports:\t{hports}\n" if "," in hports else f"Host Port:\t{hports or '<none>'}\n")
        for key, title in (("command", "Command"), ("args", "Args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for part in c[key]:
                    for s in str(part).split("\n"):
                        w.write(3, f"{s}\n")
        if st is not None:
            _state(w, "State", st.get("state") or {})
            if (st.get("lastState") or {}).get("terminated"):
                _state(w, "Last State", st["lastState"])
            w.write(2, f"Ready:\t{'True' if st.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{st.get('restartCount', 0)}\n")
        _resources(w, c.get("resources"), 2)
        for key, title in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup")):
            if c.get(key):
                w.write(2, f"{title}:\t{_probe(c[key])}\n")
        if c.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for e in c["envFrom"]:
                ref, kind = (e.get("configMapRef"), "ConfigMap") if e.get("configMapRef") else (e.get("secretRef"), "Secret")
                ref = ref or {}
                opt = "true" if ref.get("optional") else "false"
                prefix = f" with prefix '{e['prefix']}'" if e.get("prefix") else ""
                w.write(3, f"{ref.get('name', '')}\t{kind}{prefix}\tOptional: {opt}\n")
        env = c.get("env") or []
        w.write(2, "Environment:" + ("\t<none>" if not env else "") + "\n")
        for e in env:
            if "valueFrom" not in e:
                for i, s in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name')}:\t{s}\n" if i == 0 else f"\t{s}\n")
                continue
            vf = e["valueFrom"]
            if vf.get("fieldRef"):
                fr = vf["fieldRef"]
                val = _field_value(pod, fr.get("fieldPath", "")) if pod else ""
                w.write(3, f"{e.get('name')}:\t{val} ({fr.get('apiVersion', 'v1')}:{fr.get('fieldPath')})\n")
            elif vf.get("resourceFieldRef"):
                w.write(3, f"{e.get('name')}:\t ({vf['resourceFieldRef'].get('resource')})\n")
            elif vf.get("secretKeyRef"):
                r = vf["secretKeyRef"]
                w.write(3, f"{e.get('name')}:\t<set to the key '{r.get('key')}' in secret '{r.get('name')}'>\t"
                           f"Optional: {'true' if r.get('optional') else 'false'}\n")
            elif vf.get("configMapKeyRef"):
                r = vf["configMapKeyRef"]
                w.write(3, f"{e.get('name')}:\t<set to the key '{r.get('key')}' of config map '{r.get('name')}'>\t"
                           f"Optional: {'true' if r.get('optional') else 'false'}\n")
        mounts = c.get("volumeMounts") or []
        w.write(2, "Mounts:" + ("\t<none>" if not mounts else "") + "\n")
        for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")


def _field_value(pod: dict, path: str) -> str:
    cur = pod
    for part in path.replace("']", "").replace("['", ".").split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return "" if cur is None else str(cur)


def describe_volumes(w: PrefixWriter, volumes: list | None, space: str) -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    indent = " " if space else ""
    for v in volumes:
        w.write(1, f"{indent}{v.get('name')}:\n")
        if "projected" in v:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            for s in v["projected"].get("sources") or []:
                if s.get("secret"):
                    w.write(2, f"SecretName:\t{s['secret'].get('name')}\n    Optional:\t"
                               f"{'true' if s['secret'].get('optional') else 'false'}\n")
                elif s.get("downwardAPI"):
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif s.get("configMap"):
                    w.write(2, f"ConfigMapName:\t{s['configMap'].get('name')}\n    Optional:\t"
                               f"{'true' if s['configMap'].get('optional') else 'false'}\n")
                elif s.get("serviceAccountToken"):
                    w.write(2, f"TokenExpirationSeconds:\t{s['serviceAccountToken'].get('expirationSeconds', 3607)}\n")
        elif "emptyDir" in v:
            ed = v["emptyDir"] or {}
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                       f"    Medium:\t{ed.get('medium', '')}\n    SizeLimit:\t{ed.get('sizeLimit', '<unset>')}\n")
        elif "hostPath" in v:
            hp = v["hostPath"] or {}
            w.write(2, "Type:\tHostPath (bare host directory volume)\n"
                       f"    Path:\t{hp.get('path', '')}\n    HostPathType:\t{hp.get('type', '')}\n")
        elif "configMap" in v:
            cm = v["configMap"] or {}
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                       f"    Name:\t{cm.get('name', '')}\n    Optional:\t{'true' if cm.get('optional') else 'false'}\n")
        elif "secret" in v:
            s = v["secret"] or {}
            w.write(2, "Type:\tSecret (a volume populated by a Secret)\n"
                       f"    SecretName:\t{s.get('secretName', '')}\n    Optional:\t"
                       f"{'true' if s.get('optional') else 'false'}\n")
        elif "persistentVolumeClaim" in v:
            p = v["persistentVolumeClaim"] or {}
            w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same "
                       f"namespace)\n    ClaimName:\t{p.get('claimName', '')}\n    ReadOnly:\t"
                       f"{'true' if p.get('readOnly') else 'false'}\n")
        else:
            w.write(1, "<unknown>\n")


def pod_template(w: PrefixWriter, template: dict | None) -> None:
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        annotations_multiline(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, "  ")
    describe_containers(w, "Containers", spec.get("containers") or [], None, "  ")
    describe_volumes(w, spec.get("volumes"), "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


def _qos(pod: dict) -> str:
    if pod.get("status", {}).get("qosClass"):
        return pod["status"]["qosClass"]
    reqs = lims = False
    for c in pod.get("spec", {}).get("containers") or []:
        r = c.get("resources") or {}
        reqs |= bool(r.get("requests"))
        lims |= bool(r.get("limits"))
    return "BestEffort" if not (reqs or lims) else "Burstable"


def _pods_status(cluster: Cluster, owner: dict) -> str:
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    uid = owner["metadata"].get("uid")
    for p in cluster.list("pods", owner["metadata"].get("namespace")):
        if any(r.get("uid") == uid and r.get("controller") for r in p["metadata"].get("ownerReferences") or []):
            phase = p.get("status", {}).get("phase", "Pending")
            if phase in counts:
                counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / "
            f"{counts['Failed']} Failed")


# ---- describers ------------------------------------------------------------------------------------------
def describe_pod(cluster: Cluster, pod: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec, st = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    w.write(0, f"Node:\t{spec['nodeName'] + '/' + st.get('hostIP', '') if spec.get('nodeName') else '<none>'}\n")
    if st.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(st['startTime'])}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    if meta.get("deletionTimestamp") and st.get("phase") not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {translate_timestamp_since(meta['deletionTimestamp'], cluster.now)})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 30)}s\n")
    else:
        w.write(0, f"Status:\t{st.get('phase', '')}\n")
    if st.get("reason"):
        w.write(0, f"Reason:\t{st['reason']}\n")
    if st.get("message"):
        w.write(0, f"Message:\t{st['message']}\n")
    w.write(0, f"IP:\t{st.get('podIP', '')}\n")
    if not st.get("podIPs"):
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in st["podIPs"]:
            w.write(1, f"IP:\t{ip.get('ip')}\n")
    ctl = _controller(pod)
    if ctl:
        w.write(0, f"Controlled By:\t{ctl}\n")
    if st.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{st['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], st.get("initContainerStatuses"), "", pod)
    describe_containers(w, "Containers", spec.get("containers") or [], st.get("containerStatuses"), "", pod)
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
        for g in spec["readinessGates"]:
            w.write(1, f"{g.get('conditionType')} \t{conds.get(g.get('conditionType'), '<none>')} \n")
    if st.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \n")
    describe_volumes(w, spec.get("volumes"), "")
    w.write(0, f"QoS Class:\t{_qos(pod)}\n")
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def format_endpoint_slices(slices: list[dict], port_name: str | None) -> str:
    if not slices:
        return "<none>"
    items, more, count, limit = [], False, 0, 3
    for s in slices:
        eps = s.get("endpoints") or []
        if not s.get("ports"):
            for e in eps:
                if len(items) == limit:
                    more = True
                ready = (e.get("conditions") or {}).get("ready")
                if ready is False:
                    continue
                if not more:
                    items.append((e.get("addresses") or [""])[0])
                count += 1
            continue
        for p in s["ports"]:
            if port_name is None or (p.get("name") or "") == port_name:
                for e in eps:
                    if len(items) == limit:
                        more = True
                    ready = (e.get("conditions") or {}).get("ready")
                    if ready is False:
                        continue
                    if not more:
                        addr = (e.get("addresses") or [""])[0]
                        items.append(f"[{addr}]:{p.get('port')}" if ":" in addr else f"{addr}:{p.get('port')}")
                    count += 1
    ret = ",".join(items)
    return f"{ret} + {count - limit} more..." if more else ret


def describe_service(cluster: Cluster, svc: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec = svc["metadata"], svc.get("spec") or {}
    status = svc.get("status") or {}
    object_head(w, meta)
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.write(0, "LoadBalancer Ingress:\t" + ", ".join(
            (i.get("ip", "") + (f" ({i['ipMode']})" if i.get("ipMode") else "")) if i.get("ip") else i.get("hostname", "")
            for i in ingress) + "\n")
    slices = [s for s in cluster.list("endpointslices", meta.get("namespace"))
              if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == meta["name"]]
    for sp in spec.get("ports") or []:
        name = sp.get("name") or "<unset>"
        proto = sp.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{sp.get('port')}/{proto}\n")
        w.write(0, f"TargetPort:\t{sp.get('targetPort', sp.get('port'))}/{proto}\n")
        if sp.get("appProtocol"):
            w.write(0, f"AppProtocol:\t{sp['appProtocol']}\n")
        if sp.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{sp['nodePort']}/{proto}\n")
        w.write(0, f"Endpoints:\t{format_endpoint_slices(slices, sp.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution"):
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def _rs_summary(rss: list[dict]) -> str:
    parts = [f"{rs['metadata']['name']} ({(rs.get('status') or {}).get('replicas', 0)}/"
             f"{rs.get('spec', {}).get('replicas', 1)} replicas created)" for rs in rss]
    return ", ".join(parts) or "<none>"


def describe_deployment(cluster: Cluster, d: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec, st = d["metadata"], d.get("spec") or {}, d.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {st.get('updatedReplicas', 0)} updated | "
               f"{st.get('replicas', 0)} total | {st.get('availableReplicas', 0)} available | "
               f"{st.get('unavailableReplicas', 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None:
        w.write(0, f"RollingUpdateStrategy:\t{ru.get('maxUnavailable', '25%')} max unavailable, "
                   f"{ru.get('maxSurge', '25%')} max surge\n")
    pod_template(w, spec.get("template"))
    if st.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")
    rss = [rs for rs in cluster.list("replicasets", meta.get("namespace")) if owned_by(rs, d)]
    tmpl_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    new = [rs for rs in rss if _same_template(rs, spec.get("template") or {}, tmpl_labels)][:1]
    old = [rs for rs in rss if rs not in new]
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_rs_summary(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_rs_summary(new)}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def _same_template(rs: dict, template: dict, labels: dict) -> bool:
    """deploymentutil.EqualIgnoreHash: the RS template equals the deployment's, minus pod-template-hash."""
    t = copy.deepcopy((rs.get("spec") or {}).get("template") or {})
    (t.get("metadata") or {}).get("labels", {}).pop("pod-template-hash", None)
    d = copy.deepcopy(template)
    for x in (t, d):
        x.setdefault("metadata", {}).pop("creationTimestamp", None)
        if not x["metadata"].get("labels"):
            x["metadata"].pop("labels", None)
    return t == d


def describe_replicaset(cluster: Cluster, rs: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec, st = rs["metadata"], rs.get("spec") or {}, rs.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    ctl = _controller(rs)
    if ctl:
        w.write(0, f"Controlled By:\t{ctl}\n")
    w.write(0, f"Replicas:\t{st.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    w.write(0, "Pods Status:\t")
    w.write(0, _pods_status(cluster, rs) + "\n")
    pod_template(w, spec.get("template"))
    if st.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_daemonset(cluster: Cluster, ds: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec, st = ds["metadata"], ds.get("spec") or {}, ds.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(0, f"Node-Selector:\t{format_labels(((spec.get('template') or {}).get('spec') or {}).get('nodeSelector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Desired Number of Nodes Scheduled: {st.get('desiredNumberScheduled', 0)}\n")
    w.write(0, f"Current Number of Nodes Scheduled: {st.get('currentNumberScheduled', 0)}\n")
    w.write(0, f"Number of Nodes Scheduled with Up-to-date Pods: {st.get('updatedNumberScheduled', 0)}\n")
    w.write(0, f"Number of Nodes Scheduled with Available Pods: {st.get('numberAvailable', 0)}\n")
    w.write(0, f"Number of Nodes Misscheduled: {st.get('numberMisscheduled', 0)}\n")
    w.write(0, f"Pods Status:\t{_pods_status(cluster, ds)}\n")
    pod_template(w, spec.get("template"))
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_namespace(cluster: Cluster, ns: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta = ns["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{(ns.get('status') or {}).get('phase', '')}\n")
    w.write(0, "\n")
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")
    return w.value()


def describe_endpoints(cluster: Cluster, ep: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta = ep["metadata"]
    object_head(w, meta)
    w.write(0, "Subsets:\n")
    for ss in ep.get("subsets") or []:
        w.write(1, f"Addresses:\t{','.join(a.get('ip', '') for a in ss.get('addresses') or []) or '<none>'}\n")
        w.write(1, f"NotReadyAddresses:\t"
                   f"{','.join(a.get('ip', '') for a in ss.get('notReadyAddresses') or []) or '<none>'}\n")
        if ss.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for p in ss["ports"]:
                w.write(2, f"{p.get('name') or '<unset>'}\t{p.get('port')}\t{p.get('protocol', 'TCP')}\n")
        w.write(0, "\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


_UNITS = {"Ki": 1024, "Mi": 1024 ** 2, "Gi": 1024 ** 3, "Ti": 1024 ** 4, "k": 1000, "M": 1000 ** 2, "G": 1000 ** 3}


def _milli(q: str | None) -> int:
    if not q:
        return 0
    q = str(q)
    if q.endswith("m"):
        return int(float(q[:-1]))
    for suf, mult in _UNITS.items():
        if q.endswith(suf):
            return int(float(q[: -len(suf)]) * mult * 1000)
    return int(float(q) * 1000)


def _fmt_cpu(milli: int) -> str:
    return "0" if milli == 0 else (str(milli // 1000) if milli % 1000 == 0 else f"{milli}m")


def _fmt_mem(milli: int) -> str:
    b = milli // 1000
    if b == 0:
        return "0"
    for suf in ("Ti", "Gi", "Mi", "Ki"):
        if b % _UNITS[suf] == 0:
            return f"{b // _UNITS[suf]}{suf}"
    return str(b)


def describe_node(cluster: Cluster, node: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec, st = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    taints_multiline(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    # The kubelet renews its Lease in kube-node-lease every 10s.
    renew = cluster.now - (int(cluster.now) % 10)
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{meta['name']}\n")
    w.write(1, "AcquireTime:\t<unset>\n")
    w.write(1, f"RenewTime:\t{_time.strftime('%a, %d %b %Y %H:%M:%S +0000', _time.gmtime(renew))}\n")
    if st.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for a in st.get("addresses") or []:
        w.write(1, f"{a.get('type')}:\t{a.get('address')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        vals = st.get(key) or {}
        if vals:
            w.write(0, f"{title}:\n")
            for name in sorted(vals):
                w.write(0, f"  {name}:\t{vals[name]}\n")
    info = st.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for label, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion")):
        w.write(0, f"  {label}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    pods = [p for p in cluster.list("pods") if (p.get("spec") or {}).get("nodeName") == meta["name"]
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    alloc = st.get("allocatable") or st.get("capacity") or {}
    cpu_alloc, mem_alloc = _milli(alloc.get("cpu")), _milli(alloc.get("memory"))
    eph_alloc = _milli(alloc.get("ephemeral-storage"))

    def pct(v: int, total: int) -> int:
        return int(v / total * 100) if total else 0

    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    totals = {"cpu": [0, 0], "memory": [0, 0], "ephemeral-storage": [0, 0]}
    for p in pods:
        req = {"cpu": 0, "memory": 0, "ephemeral-storage": 0}
        lim = {"cpu": 0, "memory": 0, "ephemeral-storage": 0}
        for c in (p.get("spec") or {}).get("containers") or []:
            r = c.get("resources") or {}
            for k in req:
                req[k] += _milli((r.get("requests") or {}).get(k))
                lim[k] += _milli((r.get("limits") or {}).get(k))
        for k in totals:
            totals[k][0] += req[k]
            totals[k][1] += lim[k]
        w.write(1, f"{p['metadata'].get('namespace')}\t{p['metadata']['name']}\t\t"
                   f"{_fmt_cpu(req['cpu'])} ({pct(req['cpu'], cpu_alloc)}%)\t"
                   f"{_fmt_cpu(lim['cpu'])} ({pct(lim['cpu'], cpu_alloc)}%)\t"
                   f"{_fmt_mem(req['memory'])} ({pct(req['memory'], mem_alloc)}%)\t"
                   f"{_fmt_mem(lim['memory'])} ({pct(lim['memory'], mem_alloc)}%)\t"
                   f"{translate_timestamp_since(p['metadata'].get('creationTimestamp'), cluster.now)}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    cr, cl = totals["cpu"]
    mr, ml = totals["memory"]
    er, el = totals["ephemeral-storage"]
    w.write(1, f"cpu\t{_fmt_cpu(cr)} ({pct(cr, cpu_alloc)}%)\t{_fmt_cpu(cl)} ({pct(cl, cpu_alloc)}%)\n")
    w.write(1, f"memory\t{_fmt_mem(mr)} ({pct(mr, mem_alloc)}%)\t{_fmt_mem(ml)} ({pct(ml, mem_alloc)}%)\n")
    w.write(1, f"ephemeral-storage\t{_fmt_mem(er)} ({pct(er, eph_alloc)}%)\t{_fmt_mem(el)} ({pct(el, eph_alloc)}%)\n")
    for name in sorted(k for k in alloc if k.startswith("hugepages-")):
        w.write(1, f"{name}\t0 (0%)\t0 (0%)\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_generic(cluster: Cluster, obj: dict, events: list | None) -> str:
    """Kinds without a dedicated describer: name, namespace, labels, annotations and events."""
    w = PrefixWriter()
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    if meta.get("namespace"):
        w.write(0, f"Namespace:\t{meta['namespace']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_unstructured(cluster: Cluster, obj: dict, events: list | None) -> str:
    """genericDescriber: custom resources and CRDs, every field of the object."""
    w = PrefixWriter()
    meta = obj["metadata"]
    object_head(w, meta)
    write_content(w, 0, obj)
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def go_time_string(ts: str | None) -> str:
    """metav1.Time printed with %s (time.Time.String) on a UTC machine: `2022-03-20 10:00:00 +0000 UTC`."""
    if not ts:
        return "0001-01-01 00:00:00 +0000 UTC"
    return _time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", _time.gmtime(parse_rfc3339(ts)))


def _peers(w: PrefixWriter, rules: list | None, key: str, word: str, isolated: str, unrestricted: str) -> None:
    indent = "    "
    if not rules:
        w.write(0, f"{indent}<none> (Selected pods are isolated for {isolated} connectivity)\n")
        return
    for i, rule in enumerate(rules):
        ports = rule.get("ports") or []
        if not ports:
            w.write(0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        for p in ports:
            proto = p.get("protocol") or "TCP"
            port = p.get("port", "<nil>")
            if p.get("endPort") is None:
                w.write(0, f"{indent}To Port: {port}/{proto}\n")
            else:
                w.write(0, f"{indent}To Port Range: {port}-{p['endPort']}/{proto}\n")
        peers = rule.get(key) or []
        if not peers:
            w.write(0, f"{indent}{word}: <any> (traffic not restricted by {unrestricted})\n")
        for peer in peers:
            w.write(0, f"{indent}{word}:\n")
            pod_sel, ns_sel = peer.get("podSelector"), peer.get("namespaceSelector")
            if pod_sel is not None and ns_sel is not None:
                w.write(1, f"{indent}NamespaceSelector: {format_label_selector(ns_sel)}\n")
                w.write(1, f"{indent}PodSelector: {format_label_selector(pod_sel)}\n")
            elif pod_sel is not None:
                w.write(1, f"{indent}PodSelector: {format_label_selector(pod_sel)}\n")
            elif ns_sel is not None:
                w.write(1, f"{indent}NamespaceSelector: {format_label_selector(ns_sel)}\n")
            elif peer.get("ipBlock") is not None:
                w.write(1, f"{indent}IPBlock:\n")
                w.write(2, f"{indent}CIDR: {peer['ipBlock'].get('cidr', '')}\n")
                w.write(2, f"{indent}Except: {', '.join(peer['ipBlock'].get('except') or [])}\n")
        if i != len(rules) - 1:
            w.write(0, f"{indent}----------\n")


def describe_networkpolicy(cluster: Cluster, np_: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec = np_["metadata"], np_.get("spec") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Created on:\t{go_time_string(meta.get('creationTimestamp'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "Spec:\n")
    w.write(1, "PodSelector: ")
    sel = spec.get("podSelector") or {}
    if not sel.get("matchLabels") and not sel.get("matchExpressions"):
        w.write(2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.write(2, f"{format_label_selector(sel)}\n")
    types = spec.get("policyTypes") or []
    if "Ingress" in types:
        w.write(1, "Allowing ingress traffic:\n")
        _peers(w, spec.get("ingress"), "from", "From", "ingress", "source")
    else:
        w.write(1, "Not affecting ingress traffic\n")
    if "Egress" in types:
        w.write(1, "Allowing egress traffic:\n")
        _peers(w, spec.get("egress"), "to", "To", "egress", "destination")
    else:
        w.write(1, "Not affecting egress traffic\n")
    w.write(1, f"Policy Types: {', '.join(types) or '<none>'}\n")
    return w.value()


def _ingress_backend(cluster: Cluster, ns: str, backend: dict) -> str:
    svc_ref = backend.get("service")
    if svc_ref:
        port = svc_ref.get("port") or {}
        sb = f"{svc_ref.get('name', '')}:{port.get('number') or port.get('name', '')}"
        svc = cluster.get("services", ns, svc_ref.get("name", ""))
        if svc is None:
            return f'{sb} (<error: services "{svc_ref.get("name", "")}" not found>)'
        sp_name = ""
        for sp in (svc.get("spec") or {}).get("ports") or []:
            if port.get("number") and port["number"] == sp.get("port"):
                sp_name = sp.get("name", "")
            elif port.get("name") and port["name"] == sp.get("name"):
                sp_name = sp.get("name", "")
        slices = [s for s in cluster.list("endpointslices", ns)
                  if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == svc_ref.get("name")]
        return f"{sb} ({format_endpoint_slices(slices, sp_name)})"
    res_ref = backend.get("resource")
    if res_ref:
        return f"APIGroup: {res_ref.get('apiGroup') or '<none>'}, Kind: {res_ref.get('kind')}, Name: {res_ref.get('name')}"
    return ""


def describe_ingress(cluster: Cluster, ing: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec = ing["metadata"], ing.get("spec") or {}
    ns = meta.get("namespace", "")
    w.write(0, f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    w.write(0, f"Namespace:\t{ns}\n")
    w.write(0, f"Address:\t{_lb_status(ing.get('status') or {}, True)}\n")
    w.write(0, f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n")
    default = _ingress_backend(cluster, ns, spec["defaultBackend"]) if spec.get("defaultBackend") else "<default>"
    w.write(0, f"Default backend:\t{default}\n")
    if spec.get("tls"):
        w.write(0, "TLS:\n")
        for t in spec["tls"]:
            hosts = ",".join(t.get("hosts") or [])
            w.write(1, f"{t['secretName']} terminates {hosts}\n" if t.get("secretName") else f"SNI routes {hosts}\n")
    w.write(0, "Rules:\n  Host\tPath\tBackends\n")
    w.write(1, "----\t----\t--------\n")
    count = 0
    for rule in spec.get("rules") or []:
        if not rule.get("http"):
            continue
        count += 1
        w.write(1, f"{rule.get('host') or '*'}\t\n")
        for path in rule["http"].get("paths") or []:
            w.write(2, f"\t{path.get('path', '')} \t{_ingress_backend(cluster, ns, path.get('backend') or {})}\n")
    if count == 0:
        w.write(1, f"*\t*\t{default}\n")
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_endpointslice(cluster: Cluster, eps: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta = eps["metadata"]
    object_head(w, meta)
    w.write(0, f"AddressType:\t{eps.get('addressType', '')}\n")
    if not eps.get("ports"):
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for p in eps["ports"]:
            port = "<unset>" if p.get("port") is None else str(p["port"])
            w.write(1, f"{p.get('name') or '<unset>'}\t{port}\t{p.get('protocol', 'TCP')}\n")
    if not eps.get("endpoints"):
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for e in eps["endpoints"]:
            w.write(1, f"- Addresses:\t{', '.join(e.get('addresses') or []) or '<none>'}\n")
            w.write(2, "Conditions:\n")
            ready = (e.get("conditions") or {}).get("ready")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else ('true' if ready else 'false')}\n")
            w.write(2, f"Hostname:\t{e.get('hostname') or '<unset>'}\n")
            if e.get("targetRef"):
                w.write(2, f"TargetRef:\t{e['targetRef'].get('kind')}/{e['targetRef'].get('name')}\n")
            w.write(2, f"NodeName:\t{e.get('nodeName') or '<unset>'}\n")
            w.write(2, f"Zone:\t{e.get('zone') or '<unset>'}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_configmap(cluster: Cluster, cm: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta = cm["metadata"]
    object_head(w, meta)
    w.write(0, "\nData\n====\n")
    for k in sorted(cm.get("data") or {}):
        w.write(0, f"{k}:\n----\n")
        w.write(0, f"{cm['data'][k]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    for k in sorted(cm.get("binaryData") or {}):
        w.write(0, f"{k}: {len(base64.b64decode(cm['binaryData'][k]))} bytes\n")
    w.write(0, "\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_secret(cluster: Cluster, secret: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta = secret["metadata"]
    object_head(w, meta)
    w.write(0, f"\nType:\t{secret.get('type', '')}\n")
    w.write(0, "\nData\n====\n")
    for k in sorted(secret.get("data") or {}):
        raw = base64.b64decode(secret["data"][k] or "")
        if k == "token" and secret.get("type") == "kubernetes.io/service-account-token":
            w.write(0, f"{k}:\t{raw.decode(errors='replace')}\n")
        else:
            w.write(0, f"{k}:\t{len(raw)} bytes\n")
    return w.value()


def describe_serviceaccount(cluster: Cluster, sa: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta = sa["metadata"]
    object_head(w, meta)
    names = [s.get("name", "") for s in sa.get("imagePullSecrets") or []]
    if not names:
        w.write(0, "Image pull secrets:\t<none>\n")
    for i, n in enumerate(names):
        w.write(0, f"{'Image pull secrets:' if i == 0 else ' ' * 19}\t{n}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_job(cluster: Cluster, job: dict, events: list | None) -> str:
    w = PrefixWriter()
    meta, spec, st = job["metadata"], job.get("spec") or {}, job.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    ctl = _controller(job)
    if ctl:
        w.write(0, f"Controlled By:\t{ctl}\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{spec['parallelism']}\n")
    w.write(0, f"Completions:\t{spec['completions'] if spec.get('completions') is not None else '<unset>'}\n")
    if spec.get("completionMode"):
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    if st.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(st['startTime'])}\n")
    if st.get("completionTime"):
        w.write(0, f"Completed At:\t{rfc1123z(st['completionTime'])}\n")
    if st.get("startTime") and st.get("completionTime"):
        w.write(0, f"Duration:\t{human_duration(parse_rfc3339(st['completionTime']) - parse_rfc3339(st['startTime']))}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    counts = f"{st.get('active', 0)} Active"
    if st.get("ready") is not None:
        counts += f" ({st['ready']} Ready)"
    w.write(0, f"Pods Statuses:\t{counts} / {st.get('succeeded', 0)} Succeeded / {st.get('failed', 0)} Failed\n")
    pod_template(w, spec.get("template"))
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


def describe_cronjob(cluster: Cluster, cj: dict, events: list | None) -> str:
    """kubectl describe.go describeCronJob, describeJobTemplate and printActiveJobs."""
    w = PrefixWriter()
    meta, spec, st = cj["metadata"], cj.get("spec") or {}, cj.get("status") or {}
    object_head(w, meta)
    w.write(0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.write(0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    suspend = spec.get("suspend")
    w.write(0, f"Suspend:\t{'<unset>' if suspend is None else ('True' if suspend else 'False')}\n")
    for title, field in (("Successful Job History Limit", "successfulJobsHistoryLimit"),
                         ("Failed Job History Limit", "failedJobsHistoryLimit")):
        w.write(0, f"{title}:\t{spec[field] if spec.get(field) is not None else '<unset>'}\n")
    sds = spec.get("startingDeadlineSeconds")
    w.write(0, f"Starting Deadline Seconds:\t{'<unset>' if sds is None else f'{sds}s'}\n")
    tspec = (spec.get("jobTemplate") or {}).get("spec") or {}
    w.write(0, f"Selector:\t{selector_string(tspec['selector']) if tspec.get('selector') else '<unset>'}\n")
    for title, field in (("Parallelism", "parallelism"), ("Completions", "completions")):
        w.write(0, f"{title}:\t{tspec[field] if tspec.get(field) is not None else '<unset>'}\n")
    if tspec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{tspec['activeDeadlineSeconds']}s\n")
    pod_template(w, tspec.get("template"))
    last = st.get("lastScheduleTime")
    w.write(0, f"Last Schedule Time:\t{rfc1123z(last) if last else '<unset>'}\n")
    active = ", ".join(a.get("name", "") for a in st.get("active") or [])
    w.write(0, f"Active Jobs:\t{active or '<none>'}\n")
    if events is not None:
        describe_events(w, events, cluster.now)
    return w.value()


DESCRIBERS = {
    "cronjobs": describe_cronjob,
    "pods": describe_pod, "services": describe_service, "deployments": describe_deployment,
    "replicasets": describe_replicaset, "daemonsets": describe_daemonset, "nodes": describe_node,
    "namespaces": describe_namespace, "endpoints": describe_endpoints, "networkpolicies": describe_networkpolicy,
    "ingresses": describe_ingress, "endpointslices": describe_endpointslice, "configmaps": describe_configmap,
    "secrets": describe_secret, "serviceaccounts": describe_serviceaccount, "jobs": describe_job,
    "ingressclasses": describe_ingressclass,
}
# Describers that never look events up (describe.go passes them no event list).
NO_EVENTS = {"namespaces", "networkpolicies", "secrets"}


def describe(cluster: Cluster, plural: str, obj: dict, show_events: bool = True) -> str:
    events = None
    if plural in describe_access.DESCRIBERS:
        if show_events and plural not in describe_access.NO_EVENTS:
            events = events_for(cluster, obj)
        return describe_access.DESCRIBERS[plural](cluster, obj, events)
    if show_events and plural not in NO_EVENTS:
        events = events_for(cluster, obj)
        if plural == "nodes":
            events = events + [e for e in cluster.objects.get("events", {}).values()
                               if (e.get("involvedObject") or {}).get("kind") == "Node"
                               and (e.get("involvedObject") or {}).get("name") == obj["metadata"]["name"]
                               and e not in events]
    describer = DESCRIBERS.get(plural)
    if describer is None:
        r = res.by_plural(plural)
        custom = r is not None and (r.custom is not None or r.plural == "customresourcedefinitions")
        describer = describe_unstructured if custom else describe_generic
    return describer(cluster, obj, events)
