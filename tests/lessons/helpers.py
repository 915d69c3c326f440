"""Build cluster state directly (as the API server would store it), so assessment tests do not depend on
how kubectl's commands are implemented, plus a Result-like stand-in for a command's outcome."""
from __future__ import annotations

from playground.sim import controllers, defaults
from playground.sim.engine import Engine

T0 = 1_767_603_600.0        # 2026-01-05T09:00:00Z, like manage.py sim's fake clock


def engine() -> Engine:
    return Engine.new(seed=1, now=T0)


def later(eng: Engine, seconds: float = 5) -> None:
    eng.tick(eng.cluster.now + seconds)


def deployment(eng: Engine, name: str, image: str = "nginx:latest", replicas: int = 3) -> dict:
    labels = {"app": name}
    obj = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": "default", "labels": dict(labels)},
           "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                    "template": {"metadata": {"labels": dict(labels)},
                                 "spec": {"containers": [{"name": image.split(":")[0], "image": image}]}}}}
    defaults.deployment(obj)
    eng.cluster.put(obj, new=True)
    later(eng)
    return obj


def service(eng: Engine, name: str, port: int = 80, target: int | None = None, type_: str = "ClusterIP",
            node_port: int | None = None, selector: dict | None = None) -> dict:
    entry = {"port": port, "protocol": "TCP", "targetPort": target or port}
    if type_ in ("NodePort", "LoadBalancer"):
        entry["nodePort"] = node_port or eng.cluster.allocate_node_port()
    ip = eng.cluster.allocate_cluster_ip()
    obj = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
           "spec": {"type": type_, "clusterIP": ip, "clusterIPs": [ip], "ports": [entry],
                    "selector": selector if selector is not None else {"app": name}}}
    defaults.service(obj)
    eng.cluster.put(obj, new=True)
    controllers.reconcile(eng.cluster)
    return obj


def remove(eng: Engine, plural: str, name: str) -> None:
    eng.cluster.remove(plural, "default", name)
    controllers.reconcile(eng.cluster)


def ok(output: str = "", editor: dict | None = None) -> dict:
    return {"output": output, "exit_code": 0, "editor": editor}


def failed(output: str, code: int = 1) -> dict:
    return {"output": output, "exit_code": code, "editor": None}
