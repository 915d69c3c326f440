"""What the API server at 192.168.49.2:8443 (kubernetes.default:443 from pods) answers plain HTTPS requests.

Authentication (staging/src/k8s.io/apiserver/pkg/authentication): no credentials is system:anonymous; a
bearer token the playground issued to a pod (volumes.service_account_token, still bound to a live pod) is
that pod's service account; any other token is 401 Unauthorized. Authorization is the default RBAC of a
kubeadm cluster: system:public-info-viewer lets everyone read /healthz, /livez, /readyz; system:discovery
lets authenticated users read /api and /apis; a namespace's `default` service account may do nothing else,
so resource paths are 403 with the RBAC authorizer's message (plugin/pkg/auth/authorizer/rbac).
"""
from __future__ import annotations

import json
import re

from . import volumes

HEALTH = ("/healthz", "/livez", "/readyz")


def _status(code: int, reason: str, message: str, details: dict | None = None) -> str:
    body: dict = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason}
    if code != 401:
        body["details"] = details or {}
    body["code"] = code
    return json.dumps(body, indent=2)


def user_of(cluster, headers: list[tuple[str, str]]) -> str | None:
    """The authenticated user name, "system:anonymous" without credentials, None for a bad token."""
    auth = next((v for k, v in headers if k.lower() == "authorization"), None)
    if auth is None:
        return "system:anonymous"
    m = re.fullmatch(r"Bearer\s+(\S+)\s*", auth)
    claims = volumes.token_claims(m.group(1)) if m else None
    if not claims or claims.get("iss") != volumes.ISSUER:
        return None
    bound = (claims.get("kubernetes.io") or {}).get("pod") or {}
    ns = (claims.get("kubernetes.io") or {}).get("namespace", "")
    pod = cluster.get("pods", ns, bound.get("name", ""))
    if pod is None or pod["metadata"].get("uid") != bound.get("uid") or claims.get("exp", 0) < cluster.now:
        return None                                  # the pod it was bound to is gone: the token is invalid
    if m is None or m.group(1) != volumes.service_account_token(cluster, pod, claims["exp"] - claims["iat"]):
        return None                                  # not what the API server signed
    return claims.get("sub")


def _forbidden_resource(user: str, verb: str, path: str) -> tuple[str, dict] | None:
    """The RBAC denial for a resource path (/api/v1/namespaces/NS/pods, /api/v1/nodes, ...), or None."""
    m = re.fullmatch(r"/api/v1(?:/namespaces/([^/]+))?/([^/]+)(?:/([^/]+))?/?", path)
    if not m:
        return None
    ns, resource, name = m.groups()
    if ns and resource and name is None and resource == "namespaces":
        return None
    verb = verb if name else "list"
    where = f' in the namespace "{ns}"' if ns else " at the cluster scope"
    details = ({"name": name} if name else {}) | {"kind": resource}     # NewForbidden's StatusDetails
    return (f'{resource} {"" if not name else chr(34) + name + chr(34) + " "}is forbidden: User "{user}" cannot '
            f'{verb} resource "{resource}" in API group ""{where}', details)


def answer(cluster, method: str, path: str, headers: list[tuple[str, str]]) -> tuple[int, str, str]:
    """(status, content type, body)."""
    path = path.split("?", 1)[0] or "/"
    user = user_of(cluster, headers)
    if user is None:
        return 401, "application/json", _status(401, "Unauthorized", "Unauthorized")
    if path in HEALTH and method in ("GET", "HEAD"):
        return 200, "text/plain; charset=utf-8", "ok"
    verb = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch",
            "DELETE": "delete"}.get(method, method.lower())
    if user != "system:anonymous" and verb == "get" and path in ("/api", "/api/"):
        body = {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "192.168.49.2:8443"}]}
        return 200, "application/json", json.dumps(body, indent=2)
    denied = _forbidden_resource(user, verb, path)
    if denied:
        return 403, "application/json", _status(403, "Forbidden", *denied)
    return 403, "application/json", _status(403, "Forbidden",
                                            f'forbidden: User "{user}" cannot {verb} path "{path}"')
