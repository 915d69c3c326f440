"""The NetworkPolicy e2e model of kubernetes/kubernetes test/e2e/network/netpol, built and probed through
the engine's command path as the e2e suite builds and probes it.

- model.go: namespaces x, y, z; pods a, b, c labelled pod=<name>; one agnhost container per port and
  protocol, named cont-<port>-<proto> with container port serve-<port>-<proto>: TCP and UDP run
  `/agnhost serve-hostname --tcp|--udp --http=false --port N`, SCTP runs `/agnhost porter` with
  SERVE_SCTP_PORT_N=foo; a Service s-<ns>-<pod> selects each pod with ports service-port-<proto>-<port>.
- kubemanager.go: namespaces carry only the API server's kubernetes.io/metadata.name label; each probe is
  `kubectl exec POD -c CONTAINER -n NS -- /agnhost connect IP:PORT --timeout=1s --protocol=P`, aimed at
  the target's Service IP (probe.go: "we can probe a dnsName instead of ServiceIP").
- reachability.go: the expectation starts all-true and is edited with Expect, ExpectPeer,
  ExpectAllIngress and ExpectAllEgress, read here in the same order as the upstream test.

Loopback cells (a pod to itself) are ignored upstream (network_policy.go ignoreLoopback: CNIs differ);
the playground allows a pod to reach itself, and these tests assert that too.
"""
from __future__ import annotations

from dataclasses import dataclass

from tests.sim.podhelpers import Sandbox

NAMESPACES = ("x", "y", "z")
PODS = ("a", "b", "c")
ALL = [f"{ns}/{p}" for ns in NAMESPACES for p in PODS]
PORTS = (80, 81)
PROTOCOLS = ("TCP", "UDP", "SCTP")


def container_yaml(port: int, proto: str) -> str:
    """model.go Container.Spec()."""
    low = proto.lower()
    if proto == "SCTP":
        cmd, env = '["/agnhost", "porter"]', f'\n      env: [{{name: SERVE_SCTP_PORT_{port}, value: foo}}]'
    else:
        cmd, env = f'["/agnhost", "serve-hostname", "--{low}", "--http=false", "--port", "{port}"]', ""
    return (f"    - name: cont-{port}-{low}\n      image: registry.k8s.io/e2e-test-images/agnhost:2.53\n"
            f"      imagePullPolicy: IfNotPresent\n      command: {cmd}{env}\n"
            f"      ports: [{{containerPort: {port}, name: serve-{port}-{low}, protocol: {proto}}}]\n")


def model_yaml(ns: str, ports=PORTS, protocols=PROTOCOLS) -> str:
    docs = []
    for pod in PODS:
        containers = "".join(container_yaml(port, proto) for port in ports for proto in protocols)
        docs.append(f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {pod}\n  namespace: '{ns}'\n"
                    f"  labels: {{pod: {pod}}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n"
                    + containers)
        svc_ports = "".join(f"  - {{name: service-port-{proto.lower()}-{port}, protocol: {proto}, port: {port}}}\n"
                            for port in ports for proto in protocols)
        docs.append(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: s-{ns}-{pod}\n  namespace: '{ns}'\n"
                    f"spec:\n  selector: {{pod: {pod}}}\n  ports:\n" + svc_ports)
    return "---\n".join(docs)


def build(seed: int = 21, ports=PORTS, protocols=PROTOCOLS, nodes: int = 1) -> Sandbox:
    """A minikube with an enforcing CNI (Calico) and the model, created with kubectl as a learner would."""
    box = Sandbox(seed).setup("minikube delete", f"minikube start --cni=calico --nodes={nodes}")
    lines = [f"kubectl create namespace {ns}" for ns in NAMESPACES]
    lines += [f"kubectl apply -f - <<'EOF'\n{model_yaml(ns, ports, protocols)}EOF" for ns in NAMESPACES]
    return box.setup(*lines)


def apply(box: Sandbox, ns: str, manifest: str) -> None:
    r = box.run(f"kubectl apply -n {ns} -f - <<'EOF'\n{manifest}\nEOF")
    assert r.exit_code == 0, r.output


@dataclass
class Peer:
    namespace: str = ""
    pod: str = ""

    def matches(self, pod: str) -> bool:
        ns, name = pod.split("/")
        return (not self.namespace or self.namespace == ns) and (not self.pod or self.pod == name)


class Reachability:
    """reachability.go's expectation matrix, rows from, columns to."""

    def __init__(self, default: bool = True):
        self.cells = {(f, t): default for f in ALL for t in ALL}

    def expect(self, src: str, dst: str, ok: bool) -> "Reachability":
        self.cells[(src, dst)] = ok
        return self

    def expect_peer(self, src: Peer, dst: Peer, ok: bool) -> "Reachability":
        for f, t in self.cells:
            if src.matches(f) and dst.matches(t):
                self.cells[(f, t)] = ok
        return self

    def expect_all_ingress(self, pod: str, ok: bool) -> "Reachability":
        return self.expect_peer(Peer(), Peer(*pod.split("/")), ok)

    def expect_all_egress(self, pod: str, ok: bool) -> "Reachability":
        return self.expect_peer(Peer(*pod.split("/")), Peer(), ok)

    def with_loopback(self) -> "Reachability":
        """The playground's answer for the cells upstream ignores: a pod always reaches itself."""
        for p in ALL:
            self.cells[(p, p)] = True
        return self


def probe(box: Sandbox, src: str, dst: str, port: int, proto: str, by: str = "service") -> tuple[str, int]:
    """One kubectl exec of `agnhost connect` from the source pod's first container (probe.go), at the
    target's Service IP or, with by="pod", its pod IP."""
    ns, pod = src.split("/")
    dns, dpod = dst.split("/")
    addr = box.svc_ip(f"s-{dns}-{dpod}", dns) if by == "service" else box.pod_ip(dpod, dns)
    container = box.cluster.get("pods", ns, pod)["spec"]["containers"][0]["name"]
    r = box.run(f"kubectl exec {pod} -c {container} -n {ns} -- /agnhost connect {addr}:{port} --timeout=1s "
                f"--protocol={proto.lower()}", wait=0.01)
    return r.output, r.exit_code


def observe(box: Sandbox, port: int, proto: str, by: str = "service") -> dict:
    return {(f, t): probe(box, f, t, port, proto, by) for f in ALL for t in ALL}


def table(cells: dict) -> str:
    """The truth table as the e2e logs it: `.` connected, X not."""
    rows = ["-\t" + "\t".join(ALL)]
    for f in ALL:
        rows.append(f + "\t" + "\t".join("." if cells[(f, t)] else "X" for t in ALL))
    return "\n".join(rows)


# ---- what agnhost connect prints for each verdict (connect.go), via kubectl exec ----------------------
EXIT1 = "command terminated with exit code 1\n"


def verdict(output: str, code: int) -> str:
    """`.` connected, `X` timed out (a NetworkPolicy dropped it), `R` refused (nothing listens), `?` else."""
    if code == 0 and output == "":
        return "."
    if output in ("TIMEOUT\n" + EXIT1,) or (output.startswith("TIMEOUT: read udp ") and
                                            output.endswith(": i/o timeout\n" + EXIT1)):
        return "X"
    if output in ("REFUSED\n" + EXIT1, "OTHER: connection refused\n" + EXIT1) or (
            output.startswith("REFUSED: read udp ") and output.endswith(": read: connection refused\n" + EXIT1)):
        return "R"
    return "?"


def grid(cells: dict) -> str:
    rows = ["-\t" + "\t".join(ALL)]
    for f in ALL:
        rows.append(f + "\t" + "\t".join(cells[(f, t)] for t in ALL))
    return "\n".join(rows)
