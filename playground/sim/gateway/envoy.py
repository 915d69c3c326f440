"""Envoy Gateway v1.6.7: its controller name, whether it runs, and the proxy infrastructure it creates for
each Gateway (internal/infrastructure/kubernetes/proxy/resource_provider.go, internal/utils/misc.go)."""
from __future__ import annotations

import hashlib

CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller"
NAMESPACE = "envoy-gateway-system"
DEPLOYMENT = "envoy-gateway"
VERSION = "v1.6.7"
ENVOY_IMAGE = "docker.io/envoyproxy/envoy:distroless-v1.36.6"
GATEWAY_IMAGE = f"docker.io/envoyproxy/gateway:{VERSION}"
GROUP = "gateway.networking.k8s.io"
# Listener ports below 1024 are served by Envoy on port + 10000, so it needs no privilege
# (internal/gatewayapi/translator.go minEphemeralPort, wellKnownPortShift).
MIN_EPHEMERAL_PORT = 1024
WELL_KNOWN_PORT_SHIFT = 10000


def running(cluster) -> bool:
    """Envoy Gateway's controller acts only while its Deployment has an available replica."""
    dep = cluster.get("deployments", NAMESPACE, DEPLOYMENT)
    return bool(dep) and int((dep.get("status") or {}).get("availableReplicas") or 0) > 0


def hashed_name(ns_name: str, length: int) -> str:
    """utils.GetHashedName: `{ns}-{name}` (trimmed to `length`) and the first 8 hex of sha256("{ns}/{name}")."""
    digest = hashlib.sha256(ns_name.encode()).hexdigest()
    name = ns_name.replace("/", "-")
    if length > 0 and len(name) > length:
        name = name[:length].rstrip("-")
    return f"{name}-{digest[:8]}"


def infra_name(gateway: dict) -> str:
    """ExpectedResourceHashedName: envoy-default-eg-e41e7b31 for Gateway default/eg."""
    meta = gateway["metadata"]
    return "envoy-" + hashed_name(f"{meta['namespace']}/{meta['name']}", 48)


def container_port(port: int) -> int:
    return port + WELL_KNOWN_PORT_SHIFT if port < MIN_EPHEMERAL_PORT else port


def port_name(protocol: str, port: int) -> str:
    """irListenerPortName: `http-80`."""
    return f"{protocol.lower()}-{port}"


def labels(gateway: dict) -> dict:
    meta = gateway["metadata"]
    return {"app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway",
            "app.kubernetes.io/name": "envoy", "gateway.envoyproxy.io/owning-gateway-name": meta["name"],
            "gateway.envoyproxy.io/owning-gateway-namespace": meta["namespace"]}


def service_ports(gateway: dict) -> list[dict]:
    seen, out = set(), []
    for listener in (gateway.get("spec") or {}).get("listeners") or []:
        port, proto = int(listener.get("port") or 0), str(listener.get("protocol") or "")
        if not port or port in seen or proto not in ("HTTP", "HTTPS"):
            continue
        seen.add(port)
        out.append({"name": port_name(proto, port), "port": port, "protocol": "TCP",
                    "targetPort": container_port(port)})
    return out


def owner(gateway_class: dict) -> dict:
    meta = gateway_class["metadata"]
    return {"apiVersion": f"{GROUP}/v1", "kind": "GatewayClass", "name": meta["name"], "uid": meta.get("uid", "")}


def service(gateway: dict, gateway_class: dict) -> dict:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": infra_name(gateway), "namespace": NAMESPACE, "labels": labels(gateway),
                         "ownerReferences": [owner(gateway_class)]},
            "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "sessionAffinity": "None",
                     "selector": labels(gateway), "ports": service_ports(gateway)}}


def deployment(gateway: dict, gateway_class: dict) -> dict:
    name = infra_name(gateway)
    ports = [{"containerPort": p["targetPort"], "name": p["name"], "protocol": "TCP"} for p in service_ports(gateway)]
    ports.append({"containerPort": 19001, "name": "metrics", "protocol": "TCP"})
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": NAMESPACE, "labels": labels(gateway),
                         "ownerReferences": [owner(gateway_class)]},
            "spec": {"replicas": 1, "selector": {"matchLabels": labels(gateway)},
                     "template": {"metadata": {"labels": labels(gateway)},
                                  "spec": {"serviceAccountName": name, "containers": [
                                      {"name": "envoy", "image": ENVOY_IMAGE, "ports": ports},
                                      {"name": "shutdown-manager", "image": GATEWAY_IMAGE,
                                       "command": ["envoy-gateway"],
                                       "args": ["envoy", "shutdown-manager"]}]}}}}


def service_account(gateway: dict, gateway_class: dict) -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": infra_name(gateway), "namespace": NAMESPACE, "labels": labels(gateway),
                         "ownerReferences": [owner(gateway_class)]}}
