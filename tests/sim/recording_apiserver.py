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


def recording_server(objects: dict[str, dict], patches: list, patch_status: dict | None = None):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.sim.test_manifests import GROUPS, _resource_list

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
            if p == "/api":
                return self._send(200, {"kind": "APIVersions", "versions": ["v1"]})
            if p == "/api/v1":
                return self._send(200, _resource_list("v1", GROUPS[""][1]))
            if p == "/apis":
                return self._send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                    {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                     "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]})
            if p == "/apis/apps/v1":
                return self._send(200, _resource_list("apps/v1", GROUPS["apps"][1]))
            if p in objects:
                return self._send(200, objects[p])
            return self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                                    "code": 404, "message": "not found"})

        def do_PATCH(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            patches.append((self.headers.get("Content-Type"), json.loads(body)))
            if patch_status is not None:
                return self._send(patch_status["code"], patch_status)
            self._send(200, objects[self.path.split("?")[0]])

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv
