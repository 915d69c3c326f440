"""kubectl version, cluster-info, api-resources, api-versions, options (command groups
such as `kubectl set` print their help through framework.group_help).

cluster-info colours its two lines as kubectl does on a terminal (go-colortext: green name, yellow URL)
and prints plain text when stdout is not a terminal (piped, redirected, `$(...)`), as v1.35 does.
"""
from __future__ import annotations

import json

from ... import resources as res
from ...printers.tabwriter import rows_text
from .framework import Invocation, KubectlError, command
from .helpflags import HELP_DIR, flags_from_help
from .objout import to_yaml
from ...network import cluster_unreachable_error
from .create import unreachable_error

SERVER = "https://192.168.49.2:8443"
CLIENT_VERSION = {"major": "1", "minor": "35", "gitVersion": "v1.35.2",
                  "gitCommit": "fdc9d74cbf2da6754ebf81d56f80ae2948cd6425", "gitTreeState": "clean",
                  "buildDate": "2026-02-26T20:05:34Z", "goVersion": "go1.25.7", "compiler": "gc",
                  "platform": "linux/amd64"}
# minikube's v1.35.0 API server; the build fields have the shape of a release build.
SERVER_VERSION = {"major": "1", "minor": "35", "emulationMajor": "1", "emulationMinor": "35",
                  "minCompatibilityMajor": "1", "minCompatibilityMinor": "34", "gitVersion": "v1.35.0",
                  "gitCommit": "66452049f3d692768c39c797b21b793dce80314e", "gitTreeState": "clean",
                  "buildDate": "2025-12-17T12:32:06Z", "goVersion": "go1.25.5", "compiler": "gc",
                  "platform": "linux/amd64"}
KUSTOMIZE_VERSION = "v5.7.1"


def unreachable(inv: Invocation, discovery: bool = True) -> str:
    return cluster_unreachable_error(inv.cluster, discovery=discovery)


def stdout_is_tty(inv: Invocation) -> bool:
    return bool(getattr(inv.proc, "stdout_is_tty", False))


# ---- version ------------------------------------------------------------------------------------
@command("version", flags=flags_from_help("version"), needs_server=False)
def version(inv: Invocation) -> int:
    if inv.args:
        raise KubectlError(f"extra arguments: [{' '.join(inv.args)}]")
    fmt = inv.flags["output"]
    if fmt not in ("", "yaml", "json"):
        raise KubectlError("--output must be 'yaml' or 'json'")
    data: dict = {"clientVersion": dict(CLIENT_VERSION), "kustomizeVersion": KUSTOMIZE_VERSION}
    server_ok = inv.flags["client"] or inv.cluster.running
    if not inv.flags["client"] and inv.cluster.running:
        data["serverVersion"] = dict(SERVER_VERSION)
    if fmt == "":
        inv.out(f"Client Version: {CLIENT_VERSION['gitVersion']}\nKustomize Version: {KUSTOMIZE_VERSION}\n")
        if "serverVersion" in data:
            inv.out(f"Server Version: {SERVER_VERSION['gitVersion']}\n")
    elif fmt == "yaml":
        inv.out(to_yaml(data) + "\n")
    else:
        inv.out(json.dumps(data, indent=2) + "\n")
    if not server_ok:
        inv.err(unreachable(inv, discovery=False))     # GET /version directly: no discovery klog lines
        return 1
    return 0


# ---- cluster-info -------------------------------------------------------------------------------
def _service_line(inv: Invocation, name: str, link: str) -> str:
    if stdout_is_tty(inv):
        return f"\x1b[0;32m{name}\x1b[0m is running at \x1b[0;33m{link}\x1b[0m\n"
    return f"{name} is running at {link}\n"


@command("cluster-info", flags=flags_from_help("cluster-info"), needs_server=False)
def cluster_info(inv: Invocation) -> int:
    if not inv.cluster.running:
        inv.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
        inv.err(unreachable(inv))
        return 1
    ns = inv.flags.get("namespace") or "kube-system"
    out = [_service_line(inv, "Kubernetes control plane", SERVER)]
    for svc in inv.cluster.list("services", ns):
        labels = svc["metadata"].get("labels") or {}
        if labels.get("kubernetes.io/cluster-service") != "true":
            continue
        name = svc["metadata"]["name"]
        ingress = (svc.get("status", {}).get("loadBalancer") or {}).get("ingress") or []
        ports = svc.get("spec", {}).get("ports") or []
        if ingress:
            ip = ingress[0].get("ip") or ingress[0].get("hostname", "")
            link = "".join(f"http://{ip}:{p.get('port')} " for p in ports)
        else:
            ref = name
            if ports:
                p = ports[0]
                scheme = "https" if p.get("name") == "https" or p.get("port") == 443 else ""
                port_name = p.get("name", "")
                # utilnet.JoinSchemeNamePort
                ref = f"{scheme}:{name}:{port_name}" if scheme else f"{name}:{port_name}" if port_name else name
            link = f"{SERVER}/api/v1/namespaces/{svc['metadata']['namespace']}/services/{ref}/proxy"
        out.append(_service_line(inv, labels.get("kubernetes.io/name") or name, link))
    inv.out("".join(out) + "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
    return 0


@command("cluster-info dump", flags=flags_from_help("cluster-info dump"), needs_server=False)
def cluster_info_dump(inv: Invocation) -> int:
    if not inv.cluster.running:
        return _offline(inv, 0)
    raise KubectlError("'kubectl cluster-info dump' is not simulated in the playground (it prints every object "
                       "and log in the cluster); try 'kubectl get all -A' or 'kubectl describe'")


# ---- api-resources / api-versions ---------------------------------------------------------------
def _offline(inv: Invocation, klog_lines: int) -> int:
    """The cluster is down: the discovery warnings this command logs, then the refused connection."""
    inv.err(unreachable_error(inv.cluster, klog_lines))
    return 1


@command("api-resources", needs_server=False, flags=flags_from_help(
    "api-resources", kinds={"verbs": "stringSlice", "categories": "stringSlice"}))
def api_resources(inv: Invocation) -> int:
    f = inv.flags
    if inv.args:
        raise KubectlError(f"unexpected arguments: [{' '.join(inv.args)}]", usage="help")
    if f["sort-by"] not in ("", "name", "kind"):
        raise KubectlError("--sort-by accepts only name or kind")
    fmt = f["output"]
    if fmt not in ("", "wide", "name", "json", "yaml"):
        raise KubectlError(f'unable to match a printer suitable for the output format "{fmt}", allowed formats '
                           "are: json,kyaml,name,wide,yaml")
    if not inv.cluster.running:
        return _offline(inv, 1)
    items = list(res.served())
    if f["api-group"]:
        items = [r for r in items if r.group == f["api-group"]]
    if "namespaced" in inv.changed:
        items = [r for r in items if r.namespaced == f["namespaced"]]
    if f["verbs"]:
        items = [r for r in items if all(v in r.verbs for v in f["verbs"])]
    if f["categories"]:
        items = [r for r in items if all(c in r.categories for c in f["categories"])]
    if f["sort-by"] == "name":
        items.sort(key=lambda r: r.plural)
    elif f["sort-by"] == "kind":
        items.sort(key=lambda r: r.kind)
    if fmt == "name":
        inv.out("".join(f"{r.qualified}\n" for r in items))
        return 0
    if fmt in ("json", "yaml"):
        listing = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "", "resources": [
            {"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
             **({"group": r.group} if r.group else {}), "version": r.version, "kind": r.kind,
             "verbs": list(r.verbs), **({"shortNames": list(r.short_names)} if r.short_names else {}),
             **({"categories": list(r.categories)} if r.categories else {})} for r in items]}
        inv.out(json.dumps(listing, indent=4) + "\n" if fmt == "json" else to_yaml(listing))
        return 0
    header = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    wide = fmt == "wide"
    if wide:
        header += ["VERBS", "CATEGORIES"]
    rows = [] if f["no-headers"] else [header]
    for r in items:
        row = [r.plural, ",".join(r.short_names), r.api_version, "true" if r.namespaced else "false", r.kind]
        if wide:
            row += [",".join(r.verbs), ",".join(r.categories)]
        rows.append(row)
    inv.out(rows_text(rows, 6, 3))            # kubectl's printers: minwidth 6, padding 3
    return 0


@command("api-versions", flags=flags_from_help("api-versions"), needs_server=False)
def api_versions(inv: Invocation) -> int:
    if inv.args:
        raise KubectlError(f"unexpected arguments: [{' '.join(inv.args)}]", usage="help")
    if not inv.cluster.running:
        klog = unreachable_error(inv.cluster, 1).splitlines(keepends=True)[:-1]
        inv.err("".join(klog) + 'error: couldn\'t get available api versions from server: Get '
                '"http://localhost:8080/api?timeout=32s": dial tcp 127.0.0.1:8080: connect: connection refused\n')
        return 1
    versions = sorted({r.api_version for r in res.served()})
    inv.out("".join(v + "\n" for v in versions))
    return 0


# ---- options -------------------------------------------------------------------
@command("options", needs_server=False)
def options(inv: Invocation) -> int:
    inv.out((HELP_DIR / "options_list.txt").read_text())
    return 0
