"""`helm` v3.19.0, for the one chart the playground simulates: Envoy Gateway's gateway-helm v1.6.7, installed
as its quick start says (`helm install eg oci://docker.io/envoyproxy/gateway-helm --version v1.6.7
-n envoy-gateway-system --create-namespace`). Also `helm list`, `helm uninstall` and `helm version`.

What the install creates is what the chart's templates render with its default values (charts/gateway-helm
in envoyproxy/gateway at v1.6.7: envoy-gateway-{serviceaccount,config,deployment,service}.yaml, _helpers.tpl
for the labels): ServiceAccount, ConfigMap, Deployment and Service `envoy-gateway`, plus the Secret
`envoy-gateway` that the chart's certgen hook Job would write (the Job itself is not run). CRDs come from
the vendored Gateway API v1.4.1 standard install (the chart bundles the experimental channel and Envoy
Gateway's own policy CRDs; neither is simulated), and the RBAC objects and the topology injector's webhook
are not created. The release is recorded as helm does, in a Secret `sh.helm.release.v1.<name>.v<rev>`
(type helm.sh/release.v1, data.release = base64 of gzipped JSON), which `helm list` and `helm status` read
back. The OCI pull's `Digest:` line is not printed (the playground has no copy of the chart archive to hash).
"""
from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime, timezone

from .. import apiserver, manifests, resources as res
from ..apierrors import ApiError
from ..downloads import GATEWAY_API, fetch
from ..proc import Proc
from ..gateway import controller, envoy
from . import program

VERSION = 'version.BuildInfo{Version:"v3.19.0", GitCommit:"3d8990f0836691f0229297773f3524598f46bda6", ' \
          'GitTreeState:"clean", GoVersion:"go1.24.7"}'
CHART_REF = "oci://docker.io/envoyproxy/gateway-helm"
CHART = "gateway-helm"
CHART_VERSION = envoy.VERSION
CRDS_URL = GATEWAY_API + "v1.4.1/standard-install.yaml"
NOT_SIMULATED = ("Podscape: this chart's Envoy Gateway policy CRDs (gateway.envoyproxy.io), its RBAC objects, "
                 "its certgen Job and its topology webhook are not simulated; the Gateway API CRDs installed are "
                 "the v1.4.1 standard channel.\n")
UNSUPPORTED = ("helm: the playground simulates only `helm install|list|status|uninstall|version` for the chart "
               f"{CHART_REF} --version {CHART_VERSION} (Envoy Gateway's quick start)\n")

NOTES = """**************************************************************************
*** PLEASE BE PATIENT: Envoy Gateway may take a few minutes to install ***
**************************************************************************

Envoy Gateway is an open source project for managing Envoy Proxy as a standalone or Kubernetes-based application gateway.

Thank you for installing Envoy Gateway! 🎉

Your release is named: {name}. 🎉

Your release is in namespace: {ns}. 🎉

To learn more about the release, try:

  $ helm status {name} -n {ns}
  $ helm get all {name} -n {ns}

To have a quickstart of Envoy Gateway, please refer to https://gateway.envoyproxy.io/latest/tasks/quickstart.

To get more details, please visit https://gateway.envoyproxy.io and https://github.com/envoyproxy/gateway.
"""

# values.yaml: deployment.ports, plus the topology injector's webhook (topologyInjector.enabled: true)
PORTS = [("grpc", 18000), ("ratelimit", 18001), ("wasm", 18002), ("metrics", 19001)]
CONFIG = """apiVersion: gateway.envoyproxy.io/v1alpha1
kind: EnvoyGateway
extensionApis: {{}}
gateway:
  controllerName: gateway.envoyproxy.io/gatewayclass-controller
logging:
  level:
    default: info
provider:
  kubernetes:
    rateLimitDeployment:
      container:
        image: docker.io/envoyproxy/ratelimit:05c08d03
      patch:
        type: StrategicMerge
        value:
          spec:
            template:
              spec:
                containers:
                - imagePullPolicy: IfNotPresent
                  name: envoy-ratelimit
    shutdownManager:
      image: {image}
  type: Kubernetes
"""


class HelmError(Exception):
    pass


# ---- the chart, rendered --------------------------------------------------------------------------------
def _selector(release: str) -> dict:
    return {"app.kubernetes.io/name": CHART, "app.kubernetes.io/instance": release}


def _labels(release: str) -> dict:
    """eg.labels in _helpers.tpl."""
    return {"helm.sh/chart": f"{CHART}-{CHART_VERSION}", **_selector(release),
            "app.kubernetes.io/version": CHART_VERSION, "app.kubernetes.io/managed-by": "Helm"}


def _meta(name: str, release: str, ns: str, extra: dict | None = None) -> dict:
    return {"name": name, "namespace": ns, "labels": {**(extra or {}), **_labels(release)},
            "annotations": {"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": ns}}


def render(release: str, ns: str) -> list[dict]:
    image = envoy.GATEWAY_IMAGE
    cp = {"control-plane": "envoy-gateway"}
    sc = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "privileged": False,
          "runAsNonRoot": True, "runAsGroup": 65532, "runAsUser": 65532, "seccompProfile": {"type": "RuntimeDefault"}}
    container = {
        "args": ["server", "--config-path=/config/envoy-gateway.yaml"],
        "env": [{"name": "ENVOY_GATEWAY_NAMESPACE",
                 "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
                {"name": "KUBERNETES_CLUSTER_DOMAIN", "value": "cluster.local"}],
        "image": image, "imagePullPolicy": "IfNotPresent",
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": controller.HEALTH_PORT},
                          "initialDelaySeconds": 15, "periodSeconds": 20},
        "name": "envoy-gateway",
        "ports": [{"containerPort": p, "name": n} for n, p in PORTS] + [{"name": "webhook", "containerPort": 9443}],
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": controller.HEALTH_PORT},
                           "initialDelaySeconds": 5, "periodSeconds": 10},
        "resources": {"limits": {"memory": "1024Mi"}, "requests": {"cpu": "100m", "memory": "256Mi"}},
        "securityContext": sc,
        "volumeMounts": [{"mountPath": "/config", "name": "envoy-gateway-config", "readOnly": True},
                         {"mountPath": "/certs", "name": "certs", "readOnly": True}]}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta("envoy-gateway", release, ns)},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("envoy-gateway-config", release, ns),
         "data": {"envoy-gateway.yaml": CONFIG.format(image=image)}},
        {"apiVersion": "v1", "kind": "Service", "metadata": _meta("envoy-gateway", release, ns, cp),
         "spec": {"type": "ClusterIP", "selector": {**cp, **_selector(release)},
                  "ports": [{"name": n, "port": p, "targetPort": p} for n, p in PORTS]
                  + [{"name": "webhook", "port": 9443, "targetPort": 9443}]}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta("envoy-gateway", release, ns, cp),
         "spec": {"replicas": 1, "selector": {"matchLabels": {**cp, **_selector(release)}},
                  "template": {"metadata": {"annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "19001"},
                                            "labels": {**cp, **_selector(release)}},
                               "spec": {"containers": [container], "imagePullSecrets": [],
                                        "serviceAccountName": "envoy-gateway", "terminationGracePeriodSeconds": 10,
                                        "volumes": [{"configMap": {"defaultMode": 420, "name": "envoy-gateway-config"},
                                                     "name": "envoy-gateway-config"},
                                                    {"name": "certs", "secret": {"secretName": "envoy-gateway"}}]}}}},
    ]


def _certgen_secret(ns: str) -> dict:
    """The Secret certgen writes (internal/provider/kubernetes/secrets.go): not from the chart's templates, so
    no Helm labels; its certificates are not real ones."""
    blank = base64.b64encode(b"(certificate not simulated)\n").decode()
    return {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": "envoy-gateway", "namespace": ns},
            "data": {"ca.crt": blank, "tls.crt": blank, "tls.key": blank}}


# ---- release records ---------------------------------------------------------------------------------------
def _release_name(name: str, rev: int) -> str:
    return f"sh.helm.release.v1.{name}.v{rev}"


def _releases(cluster, ns: str | None) -> list[dict]:
    out = []
    for s in cluster.list("secrets", ns):
        if s.get("type") != "helm.sh/release.v1" or (s["metadata"].get("labels") or {}).get("owner") != "helm":
            continue
        raw = base64.b64decode(base64.b64decode(s["data"]["release"]))
        out.append(json.loads(gzip.decompress(raw)))
    return out


def _record(cluster, rel: dict) -> None:
    blob = base64.b64encode(gzip.compress(json.dumps(rel).encode(), mtime=0))
    apiserver.create(cluster, {
        "apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
        "metadata": {"name": _release_name(rel["name"], rel["version"]), "namespace": rel["namespace"],
                     "labels": {"modifiedAt": str(int(cluster.now)), "name": rel["name"], "owner": "helm",
                                "status": rel["info"]["status"], "version": str(rel["version"])}},
        "data": {"release": base64.b64encode(blob).decode()}})


def _ansic(t: float) -> str:
    """Go's time.ANSIC layout, `Mon Jan _2 15:04:05 2006`."""
    d = datetime.fromtimestamp(t, tz=timezone.utc)
    return f"{d:%a %b} {d.day:>2} {d:%H:%M:%S %Y}"


def _updated(t: float) -> str:
    """`2006-01-02 15:04:05.999999999 -0700 MST` (helm list's UPDATED): trailing zeros of the fraction dropped."""
    d = datetime.fromtimestamp(t, tz=timezone.utc)
    frac = f"{round((t % 1) * 1e9):09d}".rstrip("0")
    return f"{d:%Y-%m-%d %H:%M:%S}{'.' + frac if frac else ''} +0000 UTC"


# ---- flags ---------------------------------------------------------------------------------------------------
def _parse(args: list[str], with_value: set[str], switches: set[str]) -> tuple[dict, list[str]]:
    flags: dict[str, str] = {}
    pos: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and a != "-":
            key, eq, val = a.partition("=")
            if key in switches:
                flags[key] = "true"
            elif key in with_value:
                if not eq:
                    if i + 1 >= len(args):
                        raise HelmError(f'flag needs an argument: {key!r} in {key}')
                    i += 1
                    val = args[i]
                flags[key] = val
            else:
                raise HelmError(f"unknown flag: {key}")
        else:
            pos.append(a)
        i += 1
    return flags, pos


def _namespace(flags: dict) -> str:
    return flags.get("-n") or flags.get("--namespace") or "default"


# ---- commands ------------------------------------------------------------------------------------------------
def do_install(proc: Proc, args: list[str]) -> int:
    flags, pos = _parse(args, {"-n", "--namespace", "--version", "--timeout"},
                        {"--create-namespace", "--wait", "--debug"})
    if len(pos) != 2:
        raise HelmError('"helm install" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] '
                        '[flags]' if not pos else "INSTALLATION FAILED: must either provide a name or specify "
                                                   "--generate-name")
    name, chart = pos
    version = flags.get("--version", "")
    if chart != CHART_REF or version not in (CHART_VERSION, CHART_VERSION.lstrip("v")):
        proc.err(UNSUPPORTED)
        return 1
    cluster = proc.cluster
    ns = _namespace(flags)
    if any(r["name"] == name for r in _releases(cluster, ns)):
        raise HelmError("INSTALLATION FAILED: cannot re-use a name that is still in use")
    proc.err(f"Pulled: docker.io/envoyproxy/gateway-helm:{CHART_VERSION}\n")
    if cluster.get("namespaces", None, ns) is None:
        if "--create-namespace" not in flags:
            raise HelmError(f'INSTALLATION FAILED: create: failed to create: namespaces "{ns}" not found')
        # pkg/action/install.go createNamespace: labelled name=<namespace>
        apiserver.create(cluster, {"apiVersion": "v1", "kind": "Namespace",
                                   "metadata": {"name": ns, "labels": {"name": ns}}})
    # helm installs crds/ first and skips any CRD that exists already
    for m in manifests.read_stream(fetch(CRDS_URL) or "", CRDS_URL):
        obj = getattr(m, "obj", None)
        if obj and cluster.get("customresourcedefinitions", None, obj["metadata"]["name"]) is None:
            apiserver.create(cluster, obj)
    for obj in render(name, ns):
        found = cluster.get(_plural(obj), ns, obj["metadata"]["name"])
        if found is not None:
            raise HelmError(f"INSTALLATION FAILED: Unable to continue with install: {obj['kind']} "
                            f'"{obj["metadata"]["name"]}" in namespace "{ns}" exists and cannot be imported into '
                            'the current release: invalid ownership metadata')
    if cluster.get("secrets", ns, "envoy-gateway") is None:
        apiserver.create(cluster, _certgen_secret(ns))
    for obj in render(name, ns):
        apiserver.create(cluster, obj)
    now = cluster.now
    _record(cluster, {"name": name, "namespace": ns, "version": 1,
                      "info": {"first_deployed": now, "last_deployed": now, "status": "deployed",
                               "description": "Install complete"},
                      "chart": {"name": CHART, "version": CHART_VERSION, "appVersion": CHART_VERSION}})
    proc.out(_summary(name, ns, now, 1))
    proc.err(NOT_SIMULATED)
    return 0


def _summary(name: str, ns: str, deployed: float, revision: int) -> str:
    """What install and status print (pkg/cli/output of cmd/helm/status.go's writer, without --show-desc)."""
    return (f"NAME: {name}\nLAST DEPLOYED: {_ansic(deployed)}\nNAMESPACE: {ns}\nSTATUS: deployed\n"
            f"REVISION: {revision}\nTEST SUITE: None\nNOTES:\n{NOTES.format(name=name, ns=ns)}")


def do_status(proc: Proc, args: list[str]) -> int:
    flags, pos = _parse(args, {"-n", "--namespace"}, set())
    if len(pos) != 1:
        raise HelmError('"helm status" requires 1 argument\n\nUsage:  helm status RELEASE_NAME [flags]')
    ns = _namespace(flags)
    rel = next((r for r in _releases(proc.cluster, ns) if r["name"] == pos[0]), None)
    if rel is None:
        raise HelmError("release: not found")
    proc.out(_summary(rel["name"], ns, rel["info"]["last_deployed"], rel["version"]))
    return 0


def _plural(obj: dict) -> str:
    return {"ServiceAccount": "serviceaccounts", "ConfigMap": "configmaps", "Service": "services",
            "Deployment": "deployments"}[obj["kind"]]


def do_list(proc: Proc, args: list[str]) -> int:
    flags, pos = _parse(args, {"-n", "--namespace", "-o", "--output"}, {"-A", "--all-namespaces", "-a", "--all"})
    ns = None if ("-A" in flags or "--all-namespaces" in flags) else _namespace(flags)
    rels = sorted(_releases(proc.cluster, ns), key=lambda r: (r["name"], r["namespace"]))
    fmt = flags.get("-o") or flags.get("--output") or "table"
    rows = [[r["name"], r["namespace"], str(r["version"]), _updated(r["info"]["last_deployed"]), r["info"]["status"],
             f"{r['chart']['name']}-{r['chart']['version']}", r["chart"]["appVersion"]] for r in rels]
    if fmt == "json":
        keys = ["name", "namespace", "revision", "updated", "status", "chart", "app_version"]
        proc.out(json.dumps([dict(zip(keys, row)) for row in rows], separators=(",", ":")) + "\n")
        return 0
    if fmt != "table":
        raise HelmError(f'invalid argument "{fmt}" for "-o, --output" flag: invalid format type')
    table = [["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]] + rows
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    # gosuri/uitable: every cell padded to its column's width, cells joined by a tab
    proc.out("".join("\t".join(c.ljust(w) for c, w in zip(r, widths)) + "\n" for r in table))
    return 0


def do_uninstall(proc: Proc, args: list[str]) -> int:
    flags, pos = _parse(args, {"-n", "--namespace", "--timeout"}, {"--wait", "--debug"})
    if not pos:
        raise HelmError('"helm uninstall" requires at least 1 argument\n\nUsage:  helm uninstall RELEASE_NAME '
                        '[...] [flags]')
    cluster = proc.cluster
    ns = _namespace(flags)
    for name in pos:
        rel = next((r for r in _releases(cluster, ns) if r["name"] == name), None)
        if rel is None:
            raise HelmError(f"uninstall: Release not loaded: {name}: release: not found")
        # helm deletes what the release rendered (not its CRDs, never the namespace) and then its records
        for obj in reversed(render(name, ns)):
            if cluster.get(_plural(obj), ns, obj["metadata"]["name"]) is not None:
                _delete(cluster, _plural(obj), ns, obj["metadata"]["name"])
        for s in list(cluster.list("secrets", ns)):
            if (s["metadata"].get("labels") or {}).get("name") == name and s.get("type") == "helm.sh/release.v1":
                _delete(cluster, "secrets", ns, s["metadata"]["name"])
        proc.out(f'release "{name}" uninstalled\n')
    return 0


def _delete(cluster, plural: str, ns: str, name: str) -> None:
    apiserver.delete(cluster, res.BY_PLURAL[plural], ns, name)


@program("helm")
def helm(proc: Proc) -> int:
    args = proc.argv[1:]
    sub, rest = (args[0], args[1:]) if args else ("", [])
    try:
        if sub == "version":
            proc.out(VERSION + "\n")
            return 0
        if sub == "install":
            return do_install(proc, rest)
        if sub == "status":
            return do_status(proc, rest)
        if sub in ("list", "ls"):
            return do_list(proc, rest)
        if sub in ("uninstall", "delete", "del", "un"):
            return do_uninstall(proc, rest)
    except HelmError as exc:
        proc.err(f"Error: {exc}\n")
        return 1
    except ApiError as exc:
        proc.err(f"Error: INSTALLATION FAILED: {exc}\n")
        return 1
    proc.err(UNSUPPORTED)
    return 1
