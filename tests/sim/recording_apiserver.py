"""A fake API server for differential tests: real kubectl (the oracle) talks to it as to a cluster.

It serves discovery and the given objects, and records every PATCH kubectl sends, so a test can compare
the patch real kubectl computes (apply, edit) with what the engine does.
"""
from __future__ import annotations

from pathlib import Path

from playground.sim import resources


def object_path(obj: dict, namespace: str = "default") -> str:
    """The REST path of an object, as kubectl GETs and PATCHes it."""
    r = resources.BY_KIND[obj["kind"]]
    base = f"/apis/{r.group}/{r.version}" if r.group else f"/api/{r.version}"
    return f"{base}/namespaces/{namespace}/{r.plural}/{obj['metadata']['name']}"


def write_kubeconfig(tmp_path: Path, srv) -> Path:
    """A kubeconfig pointing kubectl at the fake server, namespace default."""
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text(f"apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: http://127.0.0.1:"
                          f"{srv.server_address[1]}\n  name: f\ncontexts:\n- context:\n    cluster: f\n    user: f\n"
                          f"    namespace: default\n  name: f\ncurrent-context: f\nusers:\n- name: f\n  user: {{}}\n")
    return kubeconfig


# What discovery says the fake cluster serves: group -> (version, [(plural, kind, namespaced, short names)]).
GROUPS = {
    "": ("v1", [("pods", "Pod", True, ["po"]), ("services", "Service", True, ["svc"]),
                ("namespaces", "Namespace", False, ["ns"]), ("configmaps", "ConfigMap", True, ["cm"])]),
    "apps": ("v1", [("deployments", "Deployment", True, ["deploy"]), ("replicasets", "ReplicaSet", True, ["rs"])]),
    "networking.k8s.io": ("v1", [("networkpolicies", "NetworkPolicy", True, ["netpol"]),
                                 ("ingresses", "Ingress", True, ["ing"])]),
}
NOT_FOUND = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404,
             "message": "not found"}


def resource_list(gv: str, items) -> dict:
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": [
        {"name": p, "singularName": k.lower(), "namespaced": ns, "kind": k, "shortNames": sn,
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]} for p, k, ns, sn in items]}


def discovery(path: str) -> dict | None:
    """The discovery document at path (/api, /api/v1, /apis, /apis/<group>/<version>), or None."""
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"]}
    if path == "/api/v1":
        return resource_list("v1", GROUPS[""][1])
    if path == "/apis":
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
             "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}} for g, (v, _) in GROUPS.items() if g]}
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "apis" and parts[2] in GROUPS:
        return resource_list(f"{parts[2]}/{parts[3]}", GROUPS[parts[2]][1])
    return None


def recording_server(objects: dict[str, dict] | None = None, patches: list | None = None,
                     patch_status: dict | None = None):
    """Serves discovery and `objects` (REST path -> object); records each PATCH as (content type, body).
    With no objects it is discovery only, enough for kubectl's client-side dry runs."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    objects = {} if objects is None else objects
    patches = [] if patches is None else patches

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            p = self.path.split("?")[0]
            doc = discovery(p) or objects.get(p)
            return self._send(200, doc) if doc is not None else self._send(404, NOT_FOUND)

        def do_PATCH(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            patches.append((self.headers.get("Content-Type"), json.loads(body)))
            if patch_status is not None:
                return self._send(patch_status["code"], patch_status)
            self._send(200, objects[self.path.split("?")[0]])

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv
