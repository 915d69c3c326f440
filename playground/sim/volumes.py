"""The files the kubelet mounts into a container from its pod's volumes (pkg/volume: configmap, secret,
projected, downwardapi, emptydir), so `cat /var/run/secrets/kubernetes.io/serviceaccount/namespace` reads
what it reads on a node.

configMap and secret volumes hold one file per key (or per `items` entry, at its `path`), secret data
decoded from base64; a projected volume merges its sources: the service-account token (a JWT the API
server issued for this pod: apiserver.py accepts it), the kube-root-ca.crt ConfigMap's ca.crt, and
downward API fields. emptyDir starts as an empty directory. A volume whose ConfigMap or Secret does not
exist leaves the pod in ContainerCreating on a real node; here its mount is simply empty.
"""
from __future__ import annotations

import base64
import hashlib
import json

from .cluster import parse_rfc3339

ISSUER = "https://kubernetes.default.svc.cluster.local"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def service_account_token(cluster, pod: dict, expiration: int = 3607) -> str:
    """The bound token the kubelet requests (TokenRequest) for the pod: claims as
    pkg/serviceaccount/claims.go writes them. Signed by no real key: only the playground's API server reads it."""
    meta = pod["metadata"]
    ns, sa = meta.get("namespace", "default"), pod.get("spec", {}).get("serviceAccountName") or "default"
    iat = int(parse_rfc3339(meta["creationTimestamp"])) if meta.get("creationTimestamp") else int(cluster.now)
    header = {"alg": "RS256", "kid": _b64url(meta.get("uid", "").encode())[:43]}
    claims = {"aud": [ISSUER], "exp": iat + expiration, "iat": iat, "iss": ISSUER, "jti": meta.get("uid", ""),
              "kubernetes.io": {"namespace": ns, "node": {"name": pod.get("spec", {}).get("nodeName", "minikube"),
                                                          "uid": ""},
                                "pod": {"name": meta["name"], "uid": meta.get("uid", "")},
                                "serviceaccount": {"name": sa, "uid": ""}, "warnafter": iat + 3600},
              "nbf": iat, "sub": f"system:serviceaccount:{ns}:{sa}"}
    body = _b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hashlib.sha512((body + str(cluster.seed)).encode()).digest() * 4
    return body + "." + _b64url(signature[:256])


def token_claims(token: str) -> dict | None:
    """The claims of a token shaped as service_account_token makes them, or None."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None


def _field(pod: dict, path: str) -> str:
    meta = pod["metadata"]
    table = {"metadata.namespace": meta.get("namespace", ""), "metadata.name": meta["name"],
             "metadata.uid": meta.get("uid", ""), "spec.nodeName": pod.get("spec", {}).get("nodeName", ""),
             "spec.serviceAccountName": pod.get("spec", {}).get("serviceAccountName", "default"),
             "status.podIP": pod.get("status", {}).get("podIP", ""),
             "status.hostIP": pod.get("status", {}).get("hostIP", "")}
    if path in ("metadata.labels", "metadata.annotations"):
        items = meta.get(path.split(".")[1]) or {}
        return "\n".join(f'{k}="{v}"' for k, v in sorted(items.items()))
    return table.get(path, "")


def _keyed(data: dict, items: list | None, decode: bool) -> dict[str, str]:
    def value(v) -> str:
        if not decode:
            return str(v)
        try:
            return base64.b64decode(str(v)).decode("utf-8", "replace")
        except ValueError:
            return ""
    if items:
        return {it.get("path", it.get("key", "")): value(data[it["key"]]) for it in items if it.get("key") in data}
    return {k: value(v) for k, v in data.items()}


def _source_files(cluster, pod: dict, vol: dict) -> dict[str, str] | None:
    ns = pod["metadata"].get("namespace", "default")
    if "configMap" in vol:
        src = vol["configMap"] or {}
        cm = cluster.get("configmaps", ns, src.get("name", ""))
        return _keyed((cm or {}).get("data") or {}, src.get("items"), False)
    if "secret" in vol:
        src = vol["secret"] or {}
        secret = cluster.get("secrets", ns, src.get("secretName", src.get("name", "")))
        return _keyed((secret or {}).get("data") or {}, src.get("items"), True)
    if "downwardAPI" in vol:
        return {it.get("path", ""): _field(pod, (it.get("fieldRef") or {}).get("fieldPath", ""))
                for it in (vol["downwardAPI"] or {}).get("items") or []}
    if "serviceAccountToken" in vol:
        src = vol["serviceAccountToken"] or {}
        return {src.get("path", "token"): service_account_token(cluster, pod, int(src.get("expirationSeconds", 3607)))}
    if "projected" in vol:
        files: dict[str, str] = {}
        for source in (vol["projected"] or {}).get("sources") or []:
            files.update(_source_files(cluster, pod, source) or {})
        return files
    if "emptyDir" in vol:
        return {}
    return None


def mounted(cluster, pod: dict, container: dict) -> tuple[dict[str, str], set[str]]:
    """(path -> content, mount directories) for the container's volumeMounts."""
    volumes = {v.get("name"): v for v in pod.get("spec", {}).get("volumes") or []}
    files: dict[str, str] = {}
    dirs: set[str] = set()
    for m in container.get("volumeMounts") or []:
        vol = volumes.get(m.get("name"))
        if vol is None or not m.get("mountPath"):
            continue
        content = _source_files(cluster, pod, vol)
        if content is None:
            continue
        base = "/" + m["mountPath"].strip("/")
        sub = (m.get("subPath") or "").strip("/")
        if sub:
            if sub in content:
                files[base] = content[sub]
            continue
        dirs.add(base)
        for rel, text in content.items():
            files[f"{base}/{rel.strip('/')}"] = text
    return files, dirs
