"""A minimal Kubernetes API server for the kubectl oracle: discovery plus GET of a few fixed objects.

`kubectl run --dry-run=client` and `kubectl expose --dry-run=client` need the server's discovery (and
expose the object it exposes) even though they create nothing; this serves just that, so the oracle's
output can be compared with the playground's. Use as a context manager:

    with FakeApiServer(objects) as srv:
        env = {"KUBECONFIG": srv.kubeconfig}
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playground.sim import resources as res


def _resource_list(group_version: str) -> dict:
    out = []
    for r in res.RESOURCES:
        if r.api_version != group_version:
            continue
        out.append({"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind,
                    "verbs": list(r.verbs), **({"shortNames": list(r.short_names)} if r.short_names else {}),
                    **({"categories": list(r.categories)} if r.categories else {})})
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": out}


def _groups() -> dict:
    versions = {r.group: r.version for r in res.RESOURCES if r.group}     # (autoscaling serves v2)
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
         "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}} for g, v in sorted(versions.items())]}


def _openapi_v3(group_version: str) -> dict:
    """An OpenAPI v3 document for one group/version, from the playground's explain schemas."""
    schemas = json.loads((Path(res.__file__).parent / "programs/kubectl/explain_schemas.json").read_text())
    prefix = "#/components/schemas/io.k8s.api.x."

    def conv(s: dict) -> dict:
        out: dict = {}
        if "ref" in s:
            out = {"allOf": [{"$ref": prefix + s["ref"]}], "default": {}}
        elif "items" in s:
            out = {"type": "array", "items": conv(s["items"])}
        elif "additionalProperties" in s:
            out = {"type": "object", "additionalProperties": conv(s["additionalProperties"])}
        else:
            out = {k: s[k] for k in ("type", "format") if k in s}
        if s.get("description"):
            out["description"] = s["description"]
        return out

    components, paths = {}, {}
    for name, t in schemas.items():
        entry: dict = {"type": "object", "properties": {k: conv(v) for k, v in t["properties"].items()}}
        if t.get("description"):
            entry["description"] = t["description"]
        if t.get("required"):
            entry["required"] = t["required"]
        gvk = t.get("gvk")
        if gvk:
            entry["x-kubernetes-group-version-kind"] = [gvk]
            gv = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            if gv == group_version:
                r = res.BY_KIND[gvk["kind"]]
                base = f"/apis/{gv}" if gvk["group"] else f"/api/{gv}"
                path = f"{base}/namespaces/{{namespace}}/{r.plural}" if r.namespaced else f"{base}/{r.plural}"
                paths[path] = {"get": {"x-kubernetes-group-version-kind": gvk}}
        components["io.k8s.api.x." + name] = entry
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.35.0"}, "paths": paths,
            "components": {"schemas": components}}


class FakeApiServer:
    def __init__(self, objects: list[dict] | None = None):
        self.objects = objects or []

    def _lookup(self, path: str) -> dict | None:
        parts = path.strip("/").split("/")
        if "namespaces" in parts and len(parts) == parts.index("namespaces") + 3:      # a namespaced list
            ns, plural = parts[parts.index("namespaces") + 1], parts[parts.index("namespaces") + 2]
            items = [o for o in self.objects if (r := res.for_object(o)) and r.plural == plural
                     and o["metadata"].get("namespace", "default") == ns]
            r = res.lookup(plural)
            return {"kind": f"{r.kind}List" if r else "List", "apiVersion": r.api_version if r else "v1",
                    "metadata": {"resourceVersion": "1"}, "items": items}
        # /api/v1/namespaces/NS/PLURAL/NAME or /apis/G/V/namespaces/NS/PLURAL/NAME
        if "namespaces" in parts and len(parts) >= parts.index("namespaces") + 4:
            i = parts.index("namespaces")
            ns, plural, name = parts[i + 1], parts[i + 2], parts[i + 3]
            for obj in self.objects:
                r = res.for_object(obj)
                if r and r.plural == plural and obj["metadata"]["name"] == name and \
                        obj["metadata"].get("namespace", "default") == ns:
                    return obj
            return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404,
                    "message": f'{(res.lookup(plural).qualified if res.lookup(plural) else plural)} "{name}" not found',
                    "details": {"name": name, "kind": plural}, "metadata": {}}
        return None

    def __enter__(self) -> "FakeApiServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                status = 200
                if path == "/api":
                    body = {"kind": "APIVersions", "versions": ["v1"],
                            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "x:1"}]}
                elif path == "/apis":
                    body = _groups()
                elif path == "/api/v1":
                    body = _resource_list("v1")
                elif path.startswith("/apis/") and path.count("/") == 3:
                    body = _resource_list(path[len("/apis/"):])
                elif path == "/openapi/v3":
                    body = {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=1"},
                                      "apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=1"}}}
                elif path.startswith("/openapi/v3/"):
                    rest = path[len("/openapi/v3/"):]
                    body = _openapi_v3(rest[len("api/"):] if rest.startswith("api/") else rest[len("apis/"):])
                elif path == "/version":
                    body = {"major": "1", "minor": "35", "emulationMajor": "1", "emulationMinor": "35", "minCompatibilityMajor": "1", "minCompatibilityMinor": "34", "gitVersion": "v1.35.0", "gitCommit": "abc", "gitTreeState": "clean", "buildDate": "2025-12-17T12:32:06Z", "goVersion": "go1.25.5", "compiler": "gc", "platform": "linux/amd64"}
                else:
                    body = server._lookup(path)
                    if body is None:
                        status, body = 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                             "reason": "NotFound", "code": 404, "message": "not found"}
                    elif body.get("kind") == "Status":
                        status = 404
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        port = self.httpd.server_address[1]
        self.dir = tempfile.mkdtemp(prefix="fakeapi-")
        self.kubeconfig = os.path.join(self.dir, "config")
        with open(self.kubeconfig, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
clusters:
- cluster:
    server: http://127.0.0.1:{port}
  name: fake
contexts:
- context:
    cluster: fake
    user: fake
    namespace: default
  name: fake
current-context: fake
users:
- name: fake
  user: {{}}
""")
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        import shutil
        shutil.rmtree(self.dir, ignore_errors=True)
