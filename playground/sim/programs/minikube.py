"""minikube (docker driver) on the learner's machine: ip, status, start, stop, delete, service, addons,
kubectl, version, profile list.

Wording, emoji prefixes and exit codes follow minikube's source at the version in bootstrap.py
(cmd/minikube/cmd/*.go, pkg/minikube/style/style.go, pkg/minikube/reason/exitcodes.go); tables are
olekukonko/tablewriter v1.0.9's default box style, as minikube v1.37 renders them.
"""
from __future__ import annotations

import hashlib
from typing import Callable

from .. import bootstrap, controllers, network, nodes
from ..cluster import Cluster, rfc3339
from ..proc import Proc
from . import PROGRAMS, load_all, minikube_nodes, program

MINIKUBE_VERSION = bootstrap.MINIKUBE_VERSION
K8S_VERSION = bootstrap.K8S_VERSION
COMMITS = {"v1.37.0": "65318f4cfff9c12cc87ec9eb8f4cdd57b25047f3",
           "v1.38.0": "de81223c61ab1bd97dcfcfa6d9d5c59e5da4a0cf"}
KIC_VERSIONS = {"v1.37.0": "v0.0.48", "v1.38.0": "v0.0.49", "v1.38.1": "v0.0.50"}
KIC_VERSION = KIC_VERSIONS.get(MINIKUBE_VERSION, "v0.0.48")
KIC_IMAGE = f"gcr.io/k8s-minikube/kicbase:{KIC_VERSION}"
PLATFORM = "Ubuntu 24.04 (amd64)"
PROFILE = "minikube"
HOME = "/home/student"
CPUS, MEMORY_MB = 2, 5900        # suggestMemoryAllocation: 25% of the node's 24 GB, rounded to 100 MB

EX_PROVIDER_ERROR = 80
EX_GUEST_NOT_RUNNING = 83
EX_GUEST_NOT_FOUND = 85
EX_SVC_NOT_FOUND = 115
EX_USAGE = 14

# minikube v1.37's addons (pkg/minikube/assets/addons.go): name -> maintainer; listed sorted by name.
ADDONS = {
    "ambassador": "3rd party (Ambassador)", "amd-gpu-device-plugin": "3rd party (AMD)", "auto-pause": "minikube",
    "cloud-spanner": "Google", "csi-hostpath-driver": "Kubernetes", "dashboard": "Kubernetes",
    "default-storageclass": "Kubernetes", "efk": "3rd party (Elastic)", "freshpod": "Google",
    "gcp-auth": "Google", "gvisor": "minikube", "headlamp": "3rd party (kinvolk.io)",
    "inaccel": "3rd party (InAccel [info@inaccel.com])", "ingress": "Kubernetes", "ingress-dns": "minikube",
    "inspektor-gadget": "3rd party (inspektor-gadget.io)", "istio": "3rd party (Istio)",
    "istio-provisioner": "3rd party (Istio)", "kong": "3rd party (Kong HQ)", "kubeflow": "3rd party",
    "kubetail": "3rd party (kubetail.com)", "kubevirt": "3rd party (KubeVirt)", "logviewer": "3rd party (unknown)",
    "metallb": "3rd party (MetalLB)", "metrics-server": "Kubernetes", "nvidia-device-plugin": "3rd party (NVIDIA)",
    "nvidia-driver-installer": "3rd party (NVIDIA)", "nvidia-gpu-device-plugin": "3rd party (NVIDIA)",
    "olm": "3rd party (Operator Framework)", "pod-security-policy": "3rd party (unknown)",
    "portainer": "3rd party (Portainer.io)", "registry": "minikube", "registry-aliases": "3rd party (unknown)",
    "registry-creds": "3rd party (UPMC Enterprises)", "storage-provisioner": "minikube",
    "storage-provisioner-gluster": "3rd party (Gluster)", "storage-provisioner-rancher": "3rd party (Rancher)",
    "volcano": "third-party (volcano)", "volumesnapshots": "Kubernetes", "yakd": "3rd party (marcnuri.com)",
}
VERIFIED_MAINTAINERS = {"inspektor-gadget": "https://github.com/orgs/inspektor-gadget/people", "kong": "@gAmUssA",
                        "volcano": "hwdef", "headlamp": "yolossn", "yakd": "manusa", "kubetail": "amorey"}
DEFAULT_ADDONS = ("storage-provisioner", "default-storageclass")
# The images minikube names when enabling an addon (registry + image, digest removed).
ADDON_IMAGES = {
    "storage-provisioner": ["gcr.io/k8s-minikube/storage-provisioner:v5"],
    # minikube v1.38.0 pins controller v1.14.1 and certgen v1.6.5 (pkg/minikube/assets/addons.go)
    "ingress": ["registry.k8s.io/ingress-nginx/controller:v1.14.1",
                "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.5",
                "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.5"],
    "ingress-dns": ["docker.io/kicbase/minikube-ingress-dns:0.0.4"],
    "metrics-server": ["registry.k8s.io/metrics-server/metrics-server:v0.8.0"],
    "dashboard": ["docker.io/kubernetesui/dashboard:v2.7.0", "docker.io/kubernetesui/metrics-scraper:v1.0.8"],
    "registry": ["gcr.io/k8s-minikube/kube-registry-proxy:0.0.9", "docker.io/registry:3.0.0"],
}
VERIFIED_ADDONS = {"ingress", "registry", "gvisor", "gcp-auth", "csi-hostpath-driver"}
DEPRECATED_ADDONS = {
    "ambassador": "The ambassador addon has stopped working as of v1.23.0, for more details visit: "
                  "https://github.com/datawire/ambassador-operator/issues/73",
    "olm": "The OLM addon has stopped working, for more details visit: "
           "https://github.com/operator-framework/operator-lifecycle-manager/issues/2534",
}
CNI_NAMES = {"": "bridge CNI", "auto": "bridge CNI", "bridge": "bridge CNI", "calico": "Calico",
             "cilium": "Cilium", "flannel": "Flannel", "kindnet": "CNI", "true": "CNI", "false": ""}

# Addon name -> fn(cluster, enabled): lets other parts create or remove the addon's objects
# (the ingress controller, ...). Called on enable/disable and when a cluster starts with it enabled.
ADDON_HOOKS: dict[str, Callable[[Cluster, bool], None]] = {}


# ---- text helpers ------------------------------------------------------------------------------------
def _width(s: str) -> int:
    """Display width as go-runewidth counts it: emoji and East Asian wide characters take two cells."""
    import unicodedata
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or ch == "\ufe0f":
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def box_table(header: list[str], rows: list[list[str]], autoformat: bool = True) -> str:
    """tablewriter v1 default rendering: light box, header centred (upper-cased with autoformat), cells left."""
    if autoformat:
        header = [h.upper() for h in header]
    cols = len(header)
    # Cells may hold several lines (minikube joins multiple URLs with "\n").
    cells = [[c.strip().split("\n") for c in r] + [[""]] * (cols - len(r)) for r in rows]
    widths = [max([_width(header[i])] + [_width(line) for r in cells for line in r[i]]) for i in range(cols)]

    def pad(text: str, w: int, centre: bool) -> str:
        gap = w - _width(text)
        if centre:
            left = (gap + 1) // 2
            return " " * left + text + " " * (gap - left)
        return text + " " * gap

    def rule(l: str, m: str, r: str) -> str:
        return l + m.join("─" * (w + 2) for w in widths) + r + "\n"

    out = [rule("┌", "┬", "┐"), "│" + "│".join(f" {pad(h, widths[i], True)} " for i, h in enumerate(header)) + "│\n",
           rule("├", "┼", "┤")]
    for r in cells:
        height = max(len(c) for c in r)
        for k in range(height):
            out.append("│" + "│".join(f" {pad(r[i][k] if k < len(r[i]) else '', widths[i], False)} "
                                      for i in range(cols)) + "│\n")
    out.append(rule("└", "┴", "┘"))
    return "".join(out)


def issue_box(log_name: str) -> str:
    lines = ["", "😿  If the above advice does not help, please let us know:",
             "👉  https://github.com/kubernetes/minikube/issues/new/choose", "",
             "Please run `minikube logs --file=logs.txt` and attach logs.txt to the GitHub issue.",
             "Please also attach the following file to the GitHub issue:", f"- {log_name}", ""]
    width = max(_width(x) for x in lines) + 8
    body = "".join("│    " + x + " " * (width - 4 - _width(x)) + "│\n" for x in lines)
    return "╭" + "─" * width + "╮\n" + body + "╰" + "─" * width + "╯\n"


def exiting(proc: Proc, reason_id: str, message: str, code: int, issue: bool = False, cmd: str = "") -> int:
    """exit.Message / exit.Error: a blank line, the ❌ line, (the issue box), a blank line; on stderr."""
    text = f"\n❌  Exiting due to {reason_id}: {message}\n"
    if issue:
        digest = hashlib.sha1(f"{cmd}:{proc.cluster.now}".encode()).hexdigest()
        text += "\n" + issue_box(f"/tmp/minikube_{cmd}_{digest}_0.log")
    proc.err(text + "\n")
    return code


# ---- the machine's state -------------------------------------------------------------------------
def state(cluster: Cluster) -> str:
    """"Running", "Stopped", or "Nonexistent" (after `minikube delete`)."""
    if cluster.runtime.get("kic", {}).get("deleted"):
        return "Nonexistent"
    return "Running" if cluster.running else "Stopped"


def _profile_missing(proc: Proc) -> int:
    proc.out(f'🤷  Profile "{PROFILE}" not found. Run "minikube profile list" to view all profiles.\n')
    proc.out('👉  To start a cluster, run: "minikube start"\n')
    return EX_GUEST_NOT_FOUND


def _need_running(proc: Proc) -> int | None:
    """mustload.Running: the exit code when the cluster is not up, after saying why."""
    st = state(proc.cluster)
    if st == "Nonexistent":
        return _profile_missing(proc)
    if st == "Stopped":
        proc.out(f"🤷  The control-plane node {PROFILE} host is not running: state=Stopped\n")
        proc.out('👉  To start a cluster, run: "minikube start"\n')
        return EX_GUEST_NOT_RUNNING
    return None


def _docker_version(cluster: Cluster) -> str:
    node = cluster.get("nodes", None, nodes.NODE_NAME)
    runtime = (node or {}).get("status", {}).get("nodeInfo", {}).get("containerRuntimeVersion", "docker://28.4.0")
    return runtime.split("://", 1)[-1]


# ---- subcommands --------------------------------------------------------------------------------------
def do_ip(proc: Proc, args: list[str]) -> int:
    code = _need_running(proc)
    if code is not None:
        return code
    ip = minikube_nodes.node_ip(proc, args)
    if ip is None:
        return EX_GUEST_NOT_FOUND
    proc.out(ip + "\n")
    return 0


def do_status(proc: Proc, args: list[str]) -> int:
    st = state(proc.cluster)
    if st == "Nonexistent":
        return _profile_missing(proc)
    if st == "Stopped":
        proc.out(f"{PROFILE}\ntype: Control Plane\nhost: Stopped\nkubelet: Stopped\napiserver: Stopped\n"
                 "kubeconfig: Stopped\n\n")
        return 7      # host (1) + kubelet (2) + apiserver (4) not running
    proc.out(f"{PROFILE}\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\n"
             "kubeconfig: Configured\n\n")
    for name in nodes.names(proc.cluster)[1:]:
        proc.out(f"{name}\ntype: Worker\nhost: Running\nkubelet: Running\n\n")
    return 0


def do_stop(proc: Proc, args: list[str]) -> int:
    cluster = proc.cluster
    st = state(cluster)
    if st == "Nonexistent":
        return _profile_missing(proc)
    names = nodes.names(cluster) or [PROFILE]
    for name in names:
        proc.out(f'✋  Stopping node "{name}"  ...\n')
        if st == "Running":
            proc.out(f'🛑  Powering off "{name}" via SSH ...\n')
    if st == "Running":
        kic = network.kic(cluster)
        kic.update({"state": "exited", "exit_code": 130, "finished": cluster.now})
        cluster.runtime["stopped_at"] = cluster.now
        cluster.running = False
        cluster.bump()
    proc.out(f"🛑  {len(names)} node{'s' if len(names) > 1 else ''} stopped.\n")
    return 0


def do_delete(proc: Proc, args: list[str]) -> int:
    old = proc.cluster
    if state(old) == "Nonexistent":
        proc.err(f'🙄  "{PROFILE}" profile does not exist, trying anyways.\n')
        proc.out(f'💀  Removed all traces of the "{PROFILE}" cluster.\n')
        return 0
    proc.out(f'🔥  Deleting "{PROFILE}" in docker ...\n')
    proc.out(f'🔥  Deleting container "{PROFILE}" ...\n')
    proc.out(f"🔥  Removing {HOME}/.minikube/machines/{PROFILE} ...\n")
    proc.out(f'💀  Removed all traces of the "{PROFILE}" cluster.\n')
    gone = Cluster(seed=old.seed, now=old.now, limits=old.limits)
    gone.counter = old.counter
    gone.running = False
    gone.addons = {}
    gone.resource_version = old.resource_version + 1
    gone.runtime = {"kic": {"deleted": True, "next_host_port": network.kic(old).get("next_host_port",
                                                                                   network.KIC_FIRST_HOST_PORT)},
                    "generation": old.runtime.get("generation", 0)}
    proc.engine.cluster = gone
    return 0


def _parse_flags(args: list[str], known: dict[str, bool]) -> tuple[dict[str, str], list[str], str | None]:
    """--flag=value / --flag value / --bool. Returns (values, positionals, unknown flag)."""
    values: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            rest += args[i:]
            break
        if a.startswith("-") and len(a) > 1:
            name, eq, val = a.lstrip("-").partition("=")
            if name not in known:
                return values, rest, a
            if known[name] and not eq:
                if i >= len(args):
                    return values, rest, a
                val = args[i]
                i += 1
            values[name] = val if (eq or known[name]) else "true"
        else:
            rest.append(a)
    return values, rest, None


START_FLAGS = {"cni": True, "driver": True, "vm-driver": True, "kubernetes-version": True, "memory": True,
               "cpus": True, "container-runtime": True, "nodes": True, "n": True, "addons": True, "force": False,
               "wait": True, "network-plugin": True, "p": True, "profile": True, "alsologtostderr": False,
               "v": True, "ports": True, "apiserver-ips": True, "extra-config": True, "disk-size": True}


def do_start(proc: Proc, args: list[str]) -> int:
    values, rest, bad = _parse_flags(args, START_FLAGS)
    if bad:
        proc.err(f"Error: unknown flag: {bad.split('=')[0]}\nSee 'minikube start --help' for usage.\n")
        return EX_USAGE
    driver = values.get("driver") or values.get("vm-driver") or ""
    if driver and driver != "docker":
        proc.err(f"podscape: the playground simulates minikube's docker driver only (not --driver={driver}).\n")
        return EX_USAGE
    version = values.get("kubernetes-version", "")
    if version and version.lstrip("v") not in (K8S_VERSION.lstrip("v"), "stable", "latest"):
        proc.err(f"podscape: the playground runs Kubernetes {K8S_VERSION} only "
                 f"(not --kubernetes-version={version}).\n")
        return EX_USAGE
    runtime = values.get("container-runtime", "docker")
    if runtime != "docker":
        proc.err(f"podscape: the playground simulates the docker container runtime only (not {runtime}).\n")
        return EX_USAGE
    cni = values.get("cni", values.get("network-plugin") == "cni" and "bridge" or "").lower()
    count = values.get("nodes", values.get("n", "1"))
    if not count.isdigit() or int(count) < 1:
        proc.err(f"podscape: --nodes wants a number of nodes (not {count}).\n")
        return EX_USAGE
    workers = int(count) - 1
    if workers and cni in ("", "auto"):
        cni = "kindnet"                 # cni.chooseDefault: a multi-node cluster needs a CNI that routes
    if cni not in CNI_NAMES:
        proc.err(f"podscape: the playground simulates --cni=bridge, calico, cilium, flannel, kindnet or false "
                 f"(not {cni}).\n")
        return EX_USAGE
    extra_addons = [a for a in values.get("addons", "").split(",") if a]
    cluster = proc.cluster
    st = state(cluster)
    out = proc.out
    out(f"😄  minikube {MINIKUBE_VERSION} on {PLATFORM}\n")
    if st == "Nonexistent":
        out("✨  Using the docker driver based on user configuration\n" if driver else
            "✨  Automatically selected the docker driver. Other choices: ssh, none\n")
        out("📌  Using Docker driver with root privileges\n")
    else:
        out("✨  Using the docker driver based on existing profile\n")
    out(f'👍  Starting "{PROFILE}" primary control-plane node in "{PROFILE}" cluster\n')
    out(f"🚜  Pulling base image {KIC_VERSION} ...\n")
    if st == "Nonexistent":
        out(f"🔥  Creating docker container (CPUs={CPUS}, Memory={MEMORY_MB}MB) ...\n")
        cluster = _rebuild(proc, cni)
    elif st == "Stopped":
        out(f'🔄  Restarting existing docker container for "{PROFILE}" ...\n')
        _restart(cluster)
    else:
        out(f'🏃  Updating the running docker "{PROFILE}" container ...\n')
    out(f"🐳  Preparing Kubernetes {K8S_VERSION} on Docker {_docker_version(cluster)} ...\n")
    cni_name = CNI_NAMES.get(cluster.cni, "bridge CNI")
    if cni_name:
        out(f"🔗  Configuring {cni_name} (Container Networking Interface) ...\n")
    out("🔎  Verifying Kubernetes components...\n")
    for name in extra_addons:
        if name in ADDONS:
            cluster.addons[name] = True
    enabled = [a for a in DEFAULT_ADDONS if cluster.addons.get(a)] + \
        [a for a in cluster.addons if cluster.addons[a] and a not in DEFAULT_ADDONS]
    for name in enabled:
        for image in ADDON_IMAGES.get(name, []):
            out(f"    ▪ Using image {image}\n")
        if name in VERIFIED_ADDONS:
            out(f"🔎  Verifying {name} addon...\n")
        hook = ADDON_HOOKS.get(name)
        if hook:
            hook(cluster, True)
    if enabled:
        out(f"🌟  Enabled addons: {', '.join(enabled)}\n")
    if st != "Nonexistent" and (values.get("nodes") or values.get("n")) and \
            int(count) != len(nodes.names(cluster)):
        out("❗  You cannot change the number of nodes for an existing minikube cluster. Please use 'minikube node "
            "add' to add nodes to an existing cluster.\n")
    if workers and st == "Nonexistent":
        for index in range(2, workers + 2):
            worker_start_lines(proc, nodes.name_of(index), nodes.NODE_IP, True)
        minikube_nodes.add_workers(proc, workers)
    out(f'🏄  Done! kubectl is now configured to use "{PROFILE}" cluster and "default" namespace by default\n')
    return 0


def _rebuild(proc: Proc, cni: str) -> Cluster:
    """A new cluster where the deleted one was: bootstrap's fresh cluster with a seed drawn from the old."""
    old = proc.cluster
    generation = int(old.runtime.get("generation", 0)) + 1
    seed = int(hashlib.blake2b(f"{old.seed}:{generation}".encode(), digest_size=4).hexdigest(), 16)
    fresh = bootstrap.fresh_cluster(seed, old.now, old.limits, cni="" if cni in ("", "auto", "bridge") else cni)
    fresh.resource_version = max(fresh.resource_version, old.resource_version) + 1
    fresh.runtime["generation"] = generation
    kic = network.kic(fresh)
    kic["next_host_port"] = old.runtime.get("kic", {}).get("next_host_port", network.KIC_FIRST_HOST_PORT)
    kic["ports"] = network.allocate_kic_ports(kic)
    proc.engine.cluster = fresh
    return fresh


def _restart(cluster: Cluster) -> None:
    """`minikube start` on a stopped cluster: the container starts again (new host ports), the kubelet
    re-creates every pod's sandbox: each container restarts once and gets a new pod IP."""
    kic = network.kic(cluster)
    kic.update({"state": "running", "started": cluster.now, "finished": None, "exit_code": 0})
    kic["ports"] = network.allocate_kic_ports(kic)
    cluster.running = True
    stopped_at = rfc3339(cluster.runtime.pop("stopped_at", cluster.now))
    now = cluster.timestamp()
    for pod in cluster.list("pods"):
        status = pod.get("status", {})
        if status.get("phase") != "Running":
            continue
        for cs in status.get("containerStatuses", []) or []:
            running = cs.get("state", {}).get("running")
            if running is None:
                continue
            cs["lastState"] = {"terminated": {"containerID": cs.get("containerID", ""), "exitCode": 0,
                                              "finishedAt": stopped_at, "reason": "Completed",
                                              "startedAt": running.get("startedAt")}}
            cs["restartCount"] = int(cs.get("restartCount", 0)) + 1
            cs["containerID"] = f"docker://{cluster.hex_id(64)}"
            cs["state"] = {"running": {"startedAt": now}}
        if not pod["spec"].get("hostNetwork"):
            ip = nodes.allocate_ip(cluster, pod)
            status["podIP"], status["podIPs"] = ip, [{"ip": ip}]
        controllers.record_event(cluster, pod, "Normal", "SandboxChanged",
                                 "Pod sandbox changed, it will be killed and re-created.", "kubelet")
        cluster.touch(pod)


def do_service(proc: Proc, args: list[str]) -> int:
    values, rest, bad = _parse_flags(args, {"url": False, "n": True, "namespace": True, "https": False,
                                            "all": False, "wait": True, "interval": True, "format": True})
    if bad:
        proc.err(f"Error: unknown flag: {bad.split('=')[0]}\nSee 'minikube service --help' for usage.\n")
        return EX_USAGE
    if rest[:1] == ["list"]:
        return _service_list(proc, values.get("n") or values.get("namespace"))
    if not rest and "all" not in values:
        return exiting(proc, "MK_USAGE", "You must specify service name(s) or --all", EX_USAGE)
    code = _need_running(proc)
    if code is not None:
        return code
    ns = values.get("n") or values.get("namespace") or "default"
    url_mode = "url" in values
    cluster = proc.cluster
    names = rest or [s["metadata"]["name"] for s in cluster.list("services", ns)]
    services = [cluster.get("services", ns, n) for n in names]
    if not rest and not services:
        return exiting(proc, "SVC_NOT_FOUND", f"No services were found in the '{ns}' namespace.\n"
                       f"You may select another namespace by using 'minikube service --all -n <namespace>'",
                       EX_SVC_NOT_FOUND)
    scheme = "https" if "https" in values else "http"
    rows: list[list[str]] = []
    no_node_port: list[str] = []
    for name, svc in zip(names, services):
        if svc is None:
            return exiting(proc, "SVC_NOT_FOUND", f"Service '{name}' was not found in '{ns}' namespace.\n"
                           f"You may select another namespace by using 'minikube service {name} -n <namespace>'. "
                           "Or list out all the services using 'minikube service list'", EX_SVC_NOT_FOUND)
        urls, port_names = [], []
        for p in svc["spec"].get("ports", []) or []:
            if p.get("nodePort"):
                urls.append(f"{scheme}://{nodes.NODE_IP}:{p['nodePort']}")
                port_names.append(f"{p['name']}/{p['port']}" if p.get("name") else str(p["port"]))
        if not urls:
            if not url_mode:
                proc.out(box_table(["Namespace", "Name", "Target Port", "URL"], [[ns, name, "", "No node port"]]))
            proc.out(f"😿  service {ns}/{name} has no node port\n")
            no_node_port.append(f"{ns}/{name}")
        else:
            if not url_mode:
                proc.out(box_table(["Namespace", "Name", "Target Port", "URL"],
                                   [[ns, name, "\n".join(port_names), "\n".join(urls)]]))
            else:
                proc.out("\n".join(urls) + "\n")
            rows.append([ns, name, "\n".join(port_names), urls[0]])
        if svc["spec"].get("type") in ("NodePort", "LoadBalancer"):
            running = [p for p in controllers.service_pods(cluster, svc) if p["status"].get("phase") == "Running"]
            if not running:
                return exiting(proc, "SVC_UNREACHABLE",
                               f"service not available: no running pod for service {name} found",
                               EX_SVC_NOT_FOUND, issue=True, cmd="service")
    if no_node_port:
        proc.err(f"❗  Services [{' '.join(no_node_port)}] have type \"ClusterIP\" not meant to be exposed, "
                 "however for local development minikube allows you to access this !\n")
    if not url_mode:
        for ns_, name, _, url in rows:
            proc.out(f"🎉  Opening service {ns_}/{name} in default browser...\n")
            proc.err(f"podscape: the playground has no browser; open {url} with curl instead.\n")
    return 0


def _service_list(proc: Proc, ns: str | None) -> int:
    code = _need_running(proc)
    if code is not None:
        return code
    rows = []
    for svc in proc.cluster.list("services", ns):
        urls = [f"http://{nodes.NODE_IP}:{p['nodePort']}" for p in svc["spec"].get("ports", []) or []
                if p.get("nodePort")]
        names = [f"{p['name']}/{p['port']}" if p.get("name") else str(p["port"])
                 for p in svc["spec"].get("ports", []) or [] if p.get("nodePort")]
        rows.append([svc["metadata"]["namespace"], svc["metadata"]["name"], "\n".join(names) or "No node port",
                     "\n".join(urls)])
    proc.out(box_table(["Namespace", "Name", "Target Port", "URL"], rows))
    return 0


def do_addons(proc: Proc, args: list[str]) -> int:
    sub = args[0] if args else ""
    rest = args[1:]
    cluster = proc.cluster
    if sub == "list":
        if state(cluster) == "Nonexistent":
            proc.out(box_table(["Addon Name", "Maintainer"], [[n, ADDONS[n]] for n in sorted(ADDONS)]))
            return 0
        rows = []
        for n in sorted(ADDONS):
            on = bool(cluster.addons.get(n))
            rows.append([n, PROFILE, "enabled ✅" if on else "disabled", ADDONS[n]])
        proc.out(box_table(["Addon Name", "Profile", "Status", "Maintainer"], rows))
        return 0
    if sub in ("enable", "disable"):
        if len(rest) != 1:
            return exiting(proc, "MK_USAGE", f"usage: minikube addons {sub} ADDON_NAME", EX_USAGE)
        if state(cluster) == "Nonexistent":
            return _profile_missing(proc)
        name = rest[0]
        return _enable(proc, name) if sub == "enable" else _disable(proc, name)
    if sub in ("configure", "images", "open"):
        proc.err(f"podscape: `minikube addons {sub}` is not simulated in the playground.\n")
        return 1
    if not sub:
        proc.out(ADDONS_USAGE)
        return 0
    proc.err(f'Error: unknown command "{sub}" for "minikube addons"\nRun \'minikube addons --help\' for usage.\n')
    return 1


ADDONS_USAGE = """addons modifies minikube addons files using subcommands like "minikube addons enable dashboard"

Available Commands:
  configure     Configures the addon w/ADDON_NAME within minikube (example: minikube addons configure registry-creds). For a list of available addons use: minikube addons list
  disable       Disables the addon w/ADDON_NAME within minikube (example: minikube addons disable dashboard). For a list of available addons use: minikube addons list
  enable        Enables the addon w/ADDON_NAME within minikube. For a list of available addons use: minikube addons list
  images        List image names the addon w/ADDON_NAME used. For a list of available addons use: minikube addons list
  list          Lists all available minikube addons as well as their current statuses (enabled/disabled)
  open          Opens the addon w/ADDON_NAME within minikube (example: minikube addons open dashboard). For a list of available addons use: minikube addons list

Usage:
  minikube addons SUBCOMMAND [flags] [options]

Use "minikube <command> --help" for more information about a given command.
Use "minikube options" for a list of global command-line options (applies to all commands).
"""


def _enable(proc: Proc, name: str) -> int:
    cluster = proc.cluster
    if name in DEPRECATED_ADDONS:
        return exiting(proc, "MK_ADDON_ENABLE", DEPRECATED_ADDONS[name], 1)
    if name not in ADDONS:
        return exiting(proc, "MK_ADDON_ENABLE", f"enable failed: run callbacks: {name} is not a valid addon", 1,
                       issue=True, cmd="addons")
    maintainer = ADDONS[name]
    if maintainer in ("Google", "Kubernetes", "minikube"):
        proc.out(f"💡  {name} is an addon maintained by {maintainer}. For any concerns contact minikube on GitHub.\n"
                 "You can view the list of minikube maintainers at: "
                 "https://github.com/kubernetes/minikube/blob/master/OWNERS\n")
    else:
        proc.err(f"❗  {name} is a 3rd party addon and is not maintained or verified by minikube maintainers, "
                 "enable at your own risk.\n")
        if name in VERIFIED_MAINTAINERS:
            proc.out(f"💡  {name} is maintained by {maintainer} for any concerns contact "
                     f"{VERIFIED_MAINTAINERS[name]} on GitHub.\n")
        else:
            proc.err(f"❗  {name} does not currently have an associated maintainer.\n")
    if name == "dashboard":
        proc.out("💡  Some dashboard features require the metrics-server addon. To enable all features please run:\n"
                 "\n\tminikube addons enable metrics-server\n\n")
    if cluster.running and not cluster.addons.get(name):
        for image in ADDON_IMAGES.get(name, []):
            proc.out(f"    ▪ Using image {image}\n")
        if name in VERIFIED_ADDONS:
            proc.out(f"🔎  Verifying {name} addon...\n")
    was = cluster.addons.get(name)
    cluster.addons[name] = True
    hook = ADDON_HOOKS.get(name)
    if hook and cluster.running and not was:
        hook(cluster, True)
    proc.out(f"🌟  The '{name}' addon is enabled\n")
    return 0


def _disable(proc: Proc, name: str) -> int:
    cluster = proc.cluster
    if name not in ADDONS:
        return exiting(proc, "MK_ADDON_DISABLE", f"\"'{name}' is not a valid minikube addon", 1)
    was = cluster.addons.get(name)
    cluster.addons[name] = False
    hook = ADDON_HOOKS.get(name)
    if hook and cluster.running and was:
        hook(cluster, False)
    proc.out(f"🌑  \"The '{name}' addon is disabled\n")
    return 0


def do_kubectl(proc: Proc, args: list[str]) -> int:
    if args[:1] == ["--"]:
        args = args[1:]
    if "kubectl" not in PROGRAMS:
        load_all()
    kubectl = PROGRAMS.get("kubectl")
    if kubectl is None:
        proc.err("podscape: kubectl is not available in this playground build.\n")
        return 1
    sub = Proc(proc.engine, ["kubectl", *args], proc.stdin, proc.stdout, proc.stderr, proc.env, proc.stdin_is_tty)
    if hasattr(proc, "stdout_is_tty"):
        sub.stdout_is_tty = proc.stdout_is_tty     # type: ignore[attr-defined]
    return kubectl(sub)


def do_version(proc: Proc, args: list[str]) -> int:
    if "--short" in args:
        proc.out(f"{MINIKUBE_VERSION}\n")
        return 0
    proc.out(f"minikube version: {MINIKUBE_VERSION}\n")
    if MINIKUBE_VERSION in COMMITS:
        proc.out(f"commit: {COMMITS[MINIKUBE_VERSION]}\n")
    return 0


def do_profile(proc: Proc, args: list[str]) -> int:
    if args[:1] != ["list"]:
        if not args:
            proc.out(f"{PROFILE}\n")
            return 0
        proc.err("podscape: the playground has one minikube profile, \"minikube\".\n")
        return 1
    st = state(proc.cluster)
    if st == "Nonexistent":
        return exiting(proc, "MK_USAGE_NO_PROFILE", "No minikube profile was found.", EX_GUEST_NOT_FOUND)
    running = st == "Running"
    proc.out(box_table(["Profile", "Driver", "Runtime", "IP", "Version", "Status", "Nodes", "Active Profile",
                        "Active Kubecontext"],
                       [[PROFILE, "docker", "docker", nodes.NODE_IP, K8S_VERSION, "OK" if running else "Stopped",
                         str(len(nodes.names(proc.cluster)) or 1), "*", "*" if running else ""]], autoformat=False))
    return 0


# ---- `minikube node add|list|delete` (the nodes themselves: minikube_nodes.py) -------------------------
def worker_start_lines(proc: Proc, name: str, primary_ip: str, with_proxy_env: bool) -> None:
    out = proc.out
    out(f'👍  Starting "{name}" worker node in "{PROFILE}" cluster\n')
    out(f"🚜  Pulling base image {KIC_VERSION} ...\n")
    out(f"🔥  Creating docker container (CPUs={CPUS}, Memory={MEMORY_MB}MB) ...\n")
    if with_proxy_env:
        out(f"🌐  Found network options:\n    ▪ NO_PROXY={primary_ip}\n")
    out(f"🐳  Preparing Kubernetes {K8S_VERSION} on Docker {_docker_version(proc.cluster)} ...\n")
    if with_proxy_env:
        out(f"    ▪ env NO_PROXY={primary_ip}\n")
    out("🔎  Verifying Kubernetes components...\n")


def do_node(proc: Proc, args: list[str]) -> int:
    sub, rest = (args[0], args[1:]) if args else ("", [])
    if sub not in ("add", "list", "delete", "start", "stop"):
        proc.err("Error: unknown command \"%s\" for \"minikube node\"\nRun 'minikube node --help' for usage.\n" % sub
                 if sub else "podscape: `minikube node` needs a subcommand: add, list or delete.\n")
        return 1
    code = _need_running(proc)
    if code is not None:
        return code
    cluster = proc.cluster
    if sub == "list":
        for name in nodes.names(cluster):
            proc.out(f"{name}\t{nodes.ip_of(cluster, name)}\n")
        return 0
    if sub == "add":
        if rest and rest[0] not in ("--worker", "--worker=true"):
            proc.err(f"podscape: `minikube node add {' '.join(rest)}` is not simulated; workers only.\n")
            return 1
        index = max(nodes.index_of(n) for n in nodes.names(cluster)) + 1
        label = f"m{index:02d}"
        proc.out(f"😄  Adding node {label} to cluster {PROFILE} as [worker]\n")
        if (cluster.cni or "") == "":
            proc.err("❗  Cluster was created without any CNI, adding a node to it might cause broken networking.\n")
        worker_start_lines(proc, nodes.name_of(index), nodes.ip_of(cluster, nodes.PRIMARY), False)
        minikube_nodes.add_workers(proc, 1)
        proc.out(f"🏄  Successfully added {label} to {PROFILE}!\n")
        return 0
    if sub == "delete":
        if len(rest) != 1:
            proc.err("❌  Exiting due to MK_USAGE: Usage: minikube node delete [name]\n")
            return 1
        found = minikube_nodes.find(proc, rest[0])
        if found is None or found == nodes.PRIMARY:
            proc.err(f"❌  Exiting due to GUEST_NODE_RETRIEVE: retrieving node: Could not find node {rest[0]}\n")
            return 85
        name = found
        proc.out(f"🔥  Deleting node {minikube_nodes.short(name)} from cluster {PROFILE}\n")
        proc.out(f'✋  Stopping node "{name}"  ...\n🛑  Powering off "{name}" via SSH ...\n')
        proc.out(f'🔥  Deleting "{name}" in docker ...\n')
        bootstrap.remove_worker(cluster, name)
        controllers.reconcile(cluster)
        proc.out(f"💀  Node {minikube_nodes.short(name)} was successfully deleted.\n")
        return 0
    proc.err(f"podscape: `minikube node {sub}` is not simulated; use `minikube node add` or `delete`.\n")
    return 1


UNSIMULATED = {
    "dashboard": "the Kubernetes dashboard (a web UI) is not simulated in the playground; use kubectl.",
    "tunnel": "`minikube tunnel` is not simulated in the playground; NodePort Services are reachable at "
              "192.168.49.2.",
    "ssh": "`minikube ssh` is not simulated in the playground.",
    "logs": "`minikube logs` is not simulated in the playground; try `kubectl logs` or `kubectl get events`.",
    "mount": "`minikube mount` is not simulated in the playground.",
    "docker-env": "`minikube docker-env` is not simulated in the playground.",
    "image": "`minikube image` is not simulated in the playground; images pull from the registry as needed.",
    "pause": "`minikube pause` is not simulated in the playground.",
    "unpause": "`minikube unpause` is not simulated in the playground.",
    "cp": "`minikube cp` is not simulated in the playground.",
    "config": "`minikube config` is not simulated in the playground.",
    "update-context": "`minikube update-context` is not simulated in the playground.",
    "cache": "`minikube cache` is not simulated in the playground.",
    "podman-env": "`minikube podman-env` is not simulated in the playground.",
    "update-check": "`minikube update-check` is not simulated in the playground.",
    "license": "`minikube license` is not simulated in the playground.",
    "options": "`minikube options` is not simulated in the playground.",
    "completion": "`minikube completion` is not simulated in the playground.",
}
COMMANDS = {"ip": do_ip, "status": do_status, "stop": do_stop, "delete": do_delete, "start": do_start,
            "service": do_service, "addons": do_addons, "kubectl": do_kubectl, "version": do_version,
            "profile": do_profile, "node": do_node}
USAGE = """minikube provisions and manages local Kubernetes clusters optimized for development workflows.

Basic Commands:
  start            Starts a local Kubernetes cluster
  status           Gets the status of a local Kubernetes cluster
  stop             Stops a running local Kubernetes cluster
  delete           Deletes a local Kubernetes cluster
  dashboard        Access the Kubernetes dashboard running within the minikube cluster
  pause            pause Kubernetes
  unpause          unpause Kubernetes

Images Commands:
  docker-env       Provides instructions to point your terminal's docker-cli to the Docker Engine inside minikube.
  podman-env       Configure environment to use minikube's Podman service
  cache            Manage cache for images
  image            Manage images

Configuration and Management Commands:
  addons           Enable or disable a minikube addon
  config           Modify persistent configuration values
  profile          Get or list the current profiles (clusters)
  update-context   Update kubeconfig in case of an IP or port change

Networking and Connectivity Commands:
  service          Returns a URL to connect to a service
  tunnel           Connect to LoadBalancer services

Advanced Commands:
  mount            Mounts the specified directory into minikube
  ssh              Log into the minikube environment (for debugging)
  kubectl          Run a kubectl binary matching the cluster version
  node             Add, remove, or list additional nodes
  cp               Copy the specified file into minikube

Troubleshooting Commands:
  ssh-key          Retrieve the ssh identity key path of the specified node
  ssh-host         Retrieve the ssh host key of the specified node
  ip               Retrieves the IP address of the specified node
  logs             Returns logs to debug a local Kubernetes cluster
  update-check     Print current and latest version number
  version          Print the version of minikube
  options          Show a list of global command-line options (applies to all commands).

Other Commands:
  completion       Generate command completion for a shell
  license          Mount the license files into minikube

Use "minikube <command> --help" for more information about a given command.
"""


@program("minikube")
def minikube(proc: Proc) -> int:
    args = proc.argv[1:]
    # Global profile flags: only the one profile exists.
    cleaned = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-p", "--profile") and i + 1 < len(args):
            if args[i + 1] != PROFILE:
                proc.err("podscape: the playground has one minikube profile, \"minikube\".\n")
                return 1
            i += 2
            continue
        if a.startswith("--profile=") or (a.startswith("-p=")):
            if a.split("=", 1)[1] != PROFILE:
                proc.err("podscape: the playground has one minikube profile, \"minikube\".\n")
                return 1
            i += 1
            continue
        cleaned.append(a)
        i += 1
    args = cleaned
    if not args or args[0] in ("-h", "--help", "help"):
        proc.out(USAGE)
        return 0
    cmd, rest = args[0], args[1:]
    if cmd == "--version":
        return do_version(proc, rest)
    if cmd in COMMANDS:
        if cmd != "kubectl" and ("--help" in rest or "-h" in rest):
            proc.out(f"podscape: help for `minikube {cmd}` is not included in the playground.\n")
            return 0
        return COMMANDS[cmd](proc, rest)
    if cmd in UNSIMULATED:
        proc.err(f"podscape: {UNSIMULATED[cmd]}\n")
        return 1
    proc.err(f'Error: unknown command "{cmd}" for "minikube"\nRun \'minikube --help\' for usage.\n')
    return 1
