"""kubectl create secret tls|docker-registry, serviceaccount, job, cronjob and quota: kubectl v1.35's generators.

Objects are built as kubectl builds them (pkg/cmd/create/create_*.go) and go through the same submit path as
the other generators (dry runs print them; otherwise the API server stores them).
`secret tls` reads --cert/--key from the learner's machine and checks them as Go's tls.X509KeyPair does
(crypto/tls/tls.go): PEM blocks present and not swapped, a key that parses, and a key whose public half is
the certificate's.
"""
from __future__ import annotations

import base64
import json
import re

from ... import apiserver, resources as res, tlscerts
from .create import name_from_args, prepare, require_flags, submit
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .setenv import resource_list
from .rollout import _seconds

PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)


def _read(inv: Invocation, path: str) -> str:
    host = inv.proc.host
    full = host.abspath(path)
    if full not in host.files:
        what = "is a directory" if full in host.dirs else "no such file or directory"
        raise KubectlError(f"Cannot read file {path}, open {path}: {what}")
    return host.files[full]


def _pem_types(text: str) -> list[str]:
    """The types of the PEM blocks Go's pem.Decode would find (a body that is not base64 is no block)."""
    types = []
    for kind, body in PEM_BLOCK.findall(text):
        lines = [ln for ln in body.splitlines() if ln and ":" not in ln]      # headers are `Key: value`
        try:
            base64.b64decode("".join(lines), validate=True)
        except ValueError:
            continue
        types.append(kind)
    return types


def check_key_pair(cert: str, key: str) -> None:
    """tls.X509KeyPair's first checks, with its error wording."""
    certs = _pem_types(cert)
    if "CERTIFICATE" not in certs:
        if not certs:
            raise KubectlError("tls: failed to find any PEM data in certificate input")
        if any(t == "PRIVATE KEY" or t.endswith(" PRIVATE KEY") for t in certs):
            raise KubectlError("tls: failed to find certificate PEM data in certificate input, but did find a "
                               "private key; PEM inputs may have been switched")
        raise KubectlError(f"tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping "
                           f"PEM blocks of the following types: {certs}")
    keys = _pem_types(key)
    if not any(t == "PRIVATE KEY" or t.endswith(" PRIVATE KEY") for t in keys):
        if not keys:
            raise KubectlError("tls: failed to find any PEM data in key input")
        if "CERTIFICATE" in keys:
            raise KubectlError("tls: found a certificate rather than a key in the PEM for the private key")
        raise KubectlError(f"tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after "
                           f"skipping PEM blocks of the following types: {keys}")
    parsed = tlscerts.load_cert(cert)
    if parsed is None:
        raise KubectlError("x509: malformed certificate")
    private = tlscerts.load_key(key)
    if private is None:
        raise KubectlError("tls: failed to parse private key")
    if not tlscerts.same_public_key(parsed, private):
        raise KubectlError("tls: private key does not match public key")


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@command("create secret tls", needs_server=False, flags=flags_from_help("create secret tls"))
def create_secret_tls(inv: Invocation) -> int:
    name, dry = prepare(inv)
    if not inv.flags["cert"] or not inv.flags["key"]:
        raise KubectlError("key and cert must be specified")
    cert, key = _read(inv, inv.flags["cert"]), _read(inv, inv.flags["key"])
    check_key_pair(cert, key)
    if inv.flags["append-hash"]:
        raise KubectlError("the playground does not simulate --append-hash for secret tls")
    obj = {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": name},
           "data": {"tls.crt": _b64(cert), "tls.key": _b64(key)}, "type": "kubernetes.io/tls"}
    return submit(inv, obj, dry, wrap="failed to create secret ")


@command("create secret docker-registry", needs_server=False, flags=flags_from_help(
    "create secret docker-registry", {"from-file": "stringSlice"}))
def create_secret_docker_registry(inv: Invocation) -> int:
    name, dry = prepare(inv)
    f = inv.flags
    if f["from-file"]:
        raise KubectlError("the playground does not simulate --from-file for secret docker-registry; use "
                           "--docker-username, --docker-password and --docker-server")
    if not (f["docker-username"] and f["docker-password"] and f["docker-server"]):
        raise KubectlError("either --from-file or the combination of --docker-username, --docker-password and "
                           "--docker-server is required")
    entry = {"username": f["docker-username"], "password": f["docker-password"]}
    if f["docker-email"]:
        entry["email"] = f["docker-email"]
    entry["auth"] = _b64(f"{f['docker-username']}:{f['docker-password']}")
    config = json.dumps({"auths": {f["docker-server"]: entry}}, separators=(",", ":"), ensure_ascii=False)
    config = config.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    if f["append-hash"]:
        raise KubectlError("the playground does not simulate --append-hash for secret docker-registry")
    obj = {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": name},
           "data": {".dockerconfigjson": _b64(config)}, "type": "kubernetes.io/dockerconfigjson"}
    return submit(inv, obj, dry, wrap="failed to create secret ")


@command("create serviceaccount", aliases=("create sa",), needs_server=False,
         flags=flags_from_help("create serviceaccount"))
def create_serviceaccount(inv: Invocation) -> int:
    name, dry = prepare(inv)
    return submit(inv, {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"name": name}}, dry,
                  wrap="failed to create serviceaccount: ")


def _job_template(inv: Invocation, name: str, restart: str) -> dict:
    container = {"name": name, "image": inv.flags["image"]}
    command_ = inv.args[inv.dash_index:] if inv.dash_index != -1 else []
    if command_:
        container = {"name": name, "image": inv.flags["image"], "command": command_}
    container["resources"] = {}
    return {"metadata": {}, "spec": {"containers": [container], "restartPolicy": restart}}


@command("create job", needs_server=False, flags=flags_from_help("create job"))
def create_job(inv: Invocation) -> int:
    name, dry = prepare(inv)
    if not inv.flags["image"] and not inv.flags["from"]:
        raise KubectlError("either --image or --from must be specified")
    if inv.flags["image"] and inv.flags["from"]:
        raise KubectlError("--image and --from are mutually exclusive")
    if inv.flags["from"]:
        return _job_from_cronjob(inv, name, dry)
    obj = {"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": name},
           "spec": {"template": _job_template(inv, name, "Never")}, "status": {}}
    return submit(inv, obj, dry, wrap="failed to create job: ")


def _job_from_cronjob(inv: Invocation, name: str, dry: str) -> int:
    kind, _, source = inv.flags["from"].partition("/")
    if kind.split(".")[0] not in ("cronjob", "cronjobs", "cj") or not source:
        raise KubectlError(f"from must be an existing cronjob: {inv.flags['from']}"
                           if source else "from must be of the form <resource>/<name>")
    cj = inv.cluster.get("cronjobs", inv.namespace, source)
    if cj is None:
        raise KubectlError(apiserver.not_found(res.lookup("cronjobs"), source).render() + "\n", raw=True)
    tmpl = cj["spec"].get("jobTemplate") or {}
    meta = {"name": name, "annotations": {"cronjob.kubernetes.io/instantiate": "manual",
                                          **((tmpl.get("metadata") or {}).get("annotations") or {})},
            "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": source,
                                 "uid": cj["metadata"].get("uid", ""), "controller": True}]}
    if (tmpl.get("metadata") or {}).get("labels"):
        meta["labels"] = dict(tmpl["metadata"]["labels"])
    obj = {"kind": "Job", "apiVersion": "batch/v1", "metadata": meta, "spec": dict(tmpl.get("spec") or {}),
           "status": {}}
    return submit(inv, obj, dry, wrap="failed to create job: ")


@command("create cronjob", aliases=("create cj",), needs_server=False, flags=flags_from_help("create cronjob"))
def create_cronjob(inv: Invocation) -> int:
    require_flags(inv, "image", "schedule")
    name, dry = prepare(inv)
    restart = inv.flags["restart"] or "OnFailure"
    obj = {"kind": "CronJob", "apiVersion": "batch/v1", "metadata": {"name": name},
           "spec": {"schedule": inv.flags["schedule"],
                    "jobTemplate": {"metadata": {"name": name},
                                    "spec": {"template": _job_template(inv, name, restart)}}},
           "status": {}}
    return submit(inv, obj, dry, wrap="failed to create cronjob: ")


@command("create quota", aliases=("create resourcequota",), needs_server=False,
         flags=flags_from_help("create quota", {"scopes": "string"}))
def create_quota(inv: Invocation) -> int:
    name, dry = prepare(inv)
    spec: dict = {}
    hard = resource_list(inv.flags["hard"])
    if hard:
        spec["hard"] = hard
    scopes = [s.strip() for s in inv.flags["scopes"].split(",") if s.strip()]
    if scopes:
        spec["scopes"] = scopes
    obj = {"kind": "ResourceQuota", "apiVersion": "v1", "metadata": {"name": name}, "spec": spec, "status": {}}
    return submit(inv, obj, dry, wrap="failed to create quota: ")



# ---- create token ---------------------------------------------------------------------------------------
def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@command("create token", flags=flags_from_help("create token", {"audience": "stringArray"}))
def create_token(inv: Invocation) -> int:
    """A TokenRequest for a ServiceAccount: a JWT of the API server's shape (the signature is random bytes:
    nothing in the playground verifies it)."""
    name = name_from_args(inv)
    f = inv.flags
    if f["duration"].startswith("-"):
        raise KubectlError("--duration must be greater than or equal to 0")
    if f["bound-object-kind"] and f["bound-object-kind"] not in ("Node", "Pod", "Secret"):
        raise KubectlError("supported --bound-object-kind values are Node, Pod, Secret")
    sa = inv.cluster.get("serviceaccounts", inv.namespace, name)
    if sa is None:
        raise KubectlError(f'failed to create token: serviceaccounts "{name}" not found')
    now = int(inv.cluster.now)
    ttl = int(_seconds(f["duration"])) or 3600
    payload = {"aud": f["audience"] or ["https://kubernetes.default.svc.cluster.local"], "exp": now + ttl,
               "iat": now, "iss": "https://kubernetes.default.svc.cluster.local",
               "jti": inv.cluster.uid(),
               "kubernetes.io": {"namespace": inv.namespace,
                                 "serviceaccount": {"name": name, "uid": sa["metadata"].get("uid", "")}},
               "nbf": now, "sub": f"system:serviceaccount:{inv.namespace}:{name}"}
    header = {"alg": "RS256", "kid": _b64url(inv.cluster.rand_suffix(32).encode())[:43]}
    signature = _b64url(inv.cluster.rand_suffix(256).encode())[:342]
    token = ".".join([_b64url(json.dumps(header, separators=(",", ":")).encode()),
                      _b64url(json.dumps(payload, separators=(",", ":")).encode()), signature])
    inv.out(token + "\n")
    return 0
