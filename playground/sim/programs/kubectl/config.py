"""`kubectl config ...`: the learner's kubeconfig, as `minikube start` writes it.

The file lives at ~/.kube/config in the learner's files once a command changes it (before that, the
one minikube wrote is implied). The current context's namespace is mirrored into host.namespace, which
every namespaced command uses as its default (`config set-context --current --namespace=dev`).
"""
from __future__ import annotations

import datetime
import json

import yaml

from ...host import HOME
from ...printers.tabwriter import rows_text
from .framework import Invocation, KubectlError, command, help_text
from .helpflags import flags_from_help
from .objout import to_yaml
from ...bootstrap import MINIKUBE_VERSION
from ...cluster import parse_rfc3339

PATH = f"{HOME}/.kube/config"
SERVER = "https://192.168.49.2:8443"


def _minikube_version() -> str:
    return MINIKUBE_VERSION


def _extension(inv: Invocation, name: str) -> dict:
    node = inv.cluster.get("nodes", None, "minikube")
    ts = inv.cluster.now
    if node and node["metadata"].get("creationTimestamp"):
        ts = parse_rfc3339(node["metadata"]["creationTimestamp"])
    when = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S UTC")
    return {"name": name, "extension": {"last-update": when, "provider": "minikube.sigs.k8s.io",
                                        "version": _minikube_version()}}


def default_config(inv: Invocation) -> dict:
    return {
        "apiVersion": "v1", "kind": "Config", "current-context": "minikube",
        "clusters": [{"name": "minikube", "cluster": {
            "certificate-authority": f"{HOME}/.minikube/ca.crt", "extensions": [_extension(inv, "cluster_info")],
            "server": SERVER}}],
        "contexts": [{"name": "minikube", "context": {
            "cluster": "minikube", "extensions": [_extension(inv, "context_info")],
            "namespace": inv.proc.host.namespace or "default", "user": "minikube"}}],
        "users": [{"name": "minikube", "user": {
            "client-certificate": f"{HOME}/.minikube/profiles/minikube/client.crt",
            "client-key": f"{HOME}/.minikube/profiles/minikube/client.key"}}],
    }


def load(inv: Invocation) -> dict:
    text = inv.proc.host.files.get(PATH)
    if text is None:
        return default_config(inv)
    try:
        cfg = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise KubectlError(f"error loading config file \"{PATH}\": {exc}")
    if not isinstance(cfg, dict):
        raise KubectlError(f"error loading config file \"{PATH}\": couldn't get version/kind; json parse error")
    for key in ("clusters", "contexts", "users"):
        cfg[key] = cfg.get(key) or []
    return cfg


def save(inv: Invocation, cfg: dict) -> None:
    for key in ("clusters", "users", "contexts"):       # clientcmd keeps maps: written sorted by name
        cfg[key] = sorted(cfg[key] or [], key=lambda e: str(e.get("name", "")))
    host = inv.proc.host
    host.dirs.add(f"{HOME}/.kube")
    host.files[PATH] = to_yaml({**cfg, "preferences": {}})
    ctx = _find(cfg["contexts"], cfg.get("current-context", ""))
    host.namespace = ((ctx or {}).get("context") or {}).get("namespace") or "default"


def _find(entries: list[dict], name: str) -> dict | None:
    return next((e for e in entries if e.get("name") == name), None)


def _no_args(inv: Invocation) -> None:
    if inv.args:
        raise KubectlError(f"unexpected arguments: [{' '.join(inv.args)}]", usage="help")


# ---- the group and its commands ----------------------------------------------------------------------
# clientcmd v1 Cluster and AuthInfo field order
CLUSTER_FIELDS = ["server", "tls-server-name", "insecure-skip-tls-verify", "certificate-authority",
                  "certificate-authority-data", "proxy-url", "disable-compression", "extensions"]
USER_FIELDS = ["client-certificate", "client-certificate-data", "client-key", "client-key-data", "token", "tokenFile",
               "username", "password"]


def _redacted(cfg: dict) -> dict:
    """config view without --raw: secrets REDACTED, embedded data DATA+OMITTED."""
    users = []
    for u in cfg.get("users") or []:
        body = dict(u.get("user") or {})
        for key in ("token", "password"):
            if body.get(key):
                body[key] = "REDACTED"
        for key in ("client-certificate-data", "client-key-data"):
            if body.get(key):
                body[key] = "DATA+OMITTED"
        users.append({**u, "user": body})
    return {**cfg, "users": users}


def _view_order(cfg: dict) -> dict:
    """clientcmdapi v1 Config field order, for -o json."""
    def entry(e: dict, body: str, order: list[str]) -> dict:
        inner = dict(e.get(body) or {})
        if "extensions" in inner:
            inner["extensions"] = [{"name": x.get("name"), "extension": x.get("extension")}
                                   for x in inner["extensions"] or []]
        return {"name": e.get("name"), body: {k: inner[k] for k in order if k in inner} |
                {k: v for k, v in inner.items() if k not in order}}
    out: dict = {"kind": "Config", "apiVersion": "v1"}
    out["clusters"] = [entry(c, "cluster", CLUSTER_FIELDS) for c in cfg["clusters"] or []] or None
    out["users"] = [entry(u, "user", USER_FIELDS) for u in cfg["users"] or []] or None
    out["contexts"] = [entry(c, "context", ["cluster", "user", "namespace", "extensions"])
                       for c in cfg["contexts"] or []] or None
    out["current-context"] = cfg.get("current-context", "")
    return out


@command("config view", flags=flags_from_help("config view"), needs_server=False)
def config_view(inv: Invocation) -> int:
    _no_args(inv)
    cfg = load(inv)
    if inv.flags["minify"]:
        current = cfg.get("current-context", "")
        ctx = _find(cfg["contexts"], current)
        if not current or ctx is None:
            raise KubectlError("current-context must exist in order to minify")
        body = ctx.get("context") or {}
        cfg = {**cfg, "contexts": [ctx],
               "clusters": [c for c in cfg["clusters"] if c.get("name") == body.get("cluster")],
               "users": [u for u in cfg["users"] if u.get("name") == body.get("user")]}
    fmt = inv.flags["output"]
    if not inv.flags["raw"]:
        cfg = _redacted(cfg)
    # Go marshals an empty (nil) list as null
    data = {k: (v if v or k not in ("clusters", "users", "contexts") else None) for k, v in cfg.items()
            if k != "preferences"}
    if fmt == "json":
        inv.out(json.dumps(_view_order(data), indent=4) + "\n")
    elif fmt == "yaml":
        inv.out(to_yaml(data))
    else:
        raise KubectlError(f'unable to match a printer suitable for the output format "{fmt}", allowed formats '
                           "are: json,yaml")
    return 0


@command("config current-context", flags=flags_from_help("config current-context"), needs_server=False)
def config_current_context(inv: Invocation) -> int:
    cfg = load(inv)
    if not cfg.get("current-context"):
        raise KubectlError("current-context is not set")
    inv.out(cfg["current-context"] + "\n")
    return 0


@command("config get-contexts", flags=flags_from_help("config get-contexts"), needs_server=False)
def config_get_contexts(inv: Invocation) -> int:
    cfg = load(inv)
    fmt = inv.flags["output"]
    if fmt not in ("", "name"):
        raise KubectlError(f"output must be one of '' or 'name': {fmt}")
    wanted = inv.args or [c.get("name") for c in cfg["contexts"]]
    rows = [] if inv.flags["no-headers"] or fmt == "name" else [["CURRENT", "NAME", "CLUSTER", "AUTHINFO",
                                                                   "NAMESPACE"]]
    missing = []
    names = []
    for name in sorted(wanted):
        ctx = _find(cfg["contexts"], name)
        if ctx is None:
            missing.append(name)
            continue
        body = ctx.get("context") or {}
        names.append(name)
        rows.append(["*" if name == cfg.get("current-context") else "", name, body.get("cluster", ""),
                     body.get("user", ""), body.get("namespace", "")])
    if fmt == "name":
        inv.out("".join(n + "\n" for n in names))
    elif rows:
        inv.out(rows_text(rows, 6, 3))        # kubectl's printers: minwidth 6, padding 3
    if missing:
        inv.err("".join(f"error: context {n} not found\n" for n in missing))
        return 1
    return 0


def _names(inv: Invocation, key: str) -> int:
    cfg = load(inv)
    inv.out("NAME\n" + "".join(e.get("name", "") + "\n" for e in cfg[key]))
    return 0


@command("config get-clusters", flags=flags_from_help("config get-clusters"), needs_server=False)
def config_get_clusters(inv: Invocation) -> int:
    return _names(inv, "clusters")


@command("config get-users", flags=flags_from_help("config get-users"), needs_server=False)
def config_get_users(inv: Invocation) -> int:
    return _names(inv, "users")


@command("config use-context", aliases=("config use",), flags=flags_from_help("config use-context"),
         needs_server=False)
def config_use_context(inv: Invocation) -> int:
    if len(inv.args) != 1:
        raise KubectlError("Unexpected args: " + ("[" + " ".join(inv.args) + "]" if inv.args else "[]"))
    cfg = load(inv)
    name = inv.args[0]
    if _find(cfg["contexts"], name) is None:
        raise KubectlError(f'no context exists with the name: "{name}"')
    cfg["current-context"] = name
    save(inv, cfg)
    inv.out(f'Switched to context "{name}".\n')
    return 0


@command("config set-context", flags=flags_from_help("config set-context"), needs_server=False)
def config_set_context(inv: Invocation) -> int:
    if len(inv.args) > 1:
        inv.out(help_text("config set-context") or "")
        raise KubectlError(f"Unexpected args: [{' '.join(inv.args)}]")
    cfg = load(inv)
    current = inv.flags["current"]
    if inv.args and current:
        raise KubectlError("you cannot specify both a context name and --current")
    if not inv.args and not current:
        raise KubectlError("you must specify a non-empty context name or --current")
    name = inv.args[0] if inv.args else cfg.get("current-context", "")
    if current and not name:
        raise KubectlError("no current context is set")
    ctx = _find(cfg["contexts"], name)
    created = ctx is None
    if created:
        ctx = {"name": name, "context": {}}
        cfg["contexts"].append(ctx)
    body = ctx.setdefault("context", {}) or {}
    ctx["context"] = body
    for flag, key in (("cluster", "cluster"), ("user", "user"), ("namespace", "namespace")):
        if flag in inv.changed:
            if inv.flags[flag]:
                body[key] = inv.flags[flag]
            else:
                body.pop(key, None)
    save(inv, cfg)
    inv.out(f'Context "{name}" {"created" if created else "modified"}.\n')
    return 0


# ---- delete-context, delete-cluster, delete-user, rename-context (kubectl/pkg/cmd/config) -------------------
def _delete(inv: Invocation, what: str, key: str) -> int:
    if what == "user" and not inv.args:
        raise KubectlError("user to delete is required", usage="help")
    if len(inv.args) != 1 and what != "user":
        inv.out(help_text(inv.cmd.path) or "")       # kubectl prints the help and succeeds
        return 0
    name = inv.args[0]
    cfg = load(inv)
    entry = _find(cfg[key], name)
    if entry is None:
        raise KubectlError(f"cannot delete {what} {name}, not in {PATH}")
    cfg[key].remove(entry)
    if what == "context" and cfg.get("current-context") == name:
        inv.err('warning: this removed your active context, use "kubectl config use-context" to select a different '
                "one\n")
    save(inv, cfg)
    inv.out(f"deleted {what} {name} from {PATH}\n")
    return 0


@command("config delete-context", flags=flags_from_help("config delete-context"), needs_server=False)
def config_delete_context(inv: Invocation) -> int:
    return _delete(inv, "context", "contexts")


@command("config delete-cluster", flags=flags_from_help("config delete-cluster"), needs_server=False)
def config_delete_cluster(inv: Invocation) -> int:
    return _delete(inv, "cluster", "clusters")


@command("config delete-user", flags=flags_from_help("config delete-user"), needs_server=False)
def config_delete_user(inv: Invocation) -> int:
    return _delete(inv, "user", "users")


@command("config rename-context", flags=flags_from_help("config rename-context"), needs_server=False)
def config_rename_context(inv: Invocation) -> int:
    if len(inv.args) != 2:
        inv.out(help_text(inv.cmd.path) or "")
        raise KubectlError(f"Unexpected args: [{' '.join(inv.args)}]")
    old, new = inv.args
    cfg = load(inv)
    ctx = _find(cfg["contexts"], old)
    if ctx is None:
        raise KubectlError(f'cannot rename the context "{old}", it\'s not in {PATH}')
    if _find(cfg["contexts"], new) is not None:
        raise KubectlError(f'cannot rename the context "{old}", the context "{new}" already exists in {PATH}')
    ctx["name"] = new
    if cfg.get("current-context") == old:
        cfg["current-context"] = new
    save(inv, cfg)
    inv.out(f'Context "{old}" renamed to "{new}".\n')
    return 0


# ---- set-cluster, set-credentials ------------------------------------------------------------------------
def _set_entry(inv: Invocation, key: str, body_key: str, fields: dict[str, str]) -> tuple[str, dict]:
    if len(inv.args) != 1:
        inv.out(help_text(inv.cmd.path) or "")
        word = "Unexpected" if key == "clusters" else "unexpected"
        raise KubectlError(f"{word} args: [{' '.join(inv.args)}]")
    cfg = load(inv)
    entry = _find(cfg[key], inv.args[0])
    if entry is None:
        entry = {"name": inv.args[0], body_key: {}}
        cfg[key].append(entry)
    body = entry.setdefault(body_key, {}) or {}
    entry[body_key] = body
    for flag, field in fields.items():
        if flag in inv.changed:
            value = inv.flags[flag]
            if value in ("", False):
                body.pop(field, None)
            else:
                body[field] = value
    return inv.args[0], cfg


@command("config set-cluster", flags=flags_from_help("config set-cluster"), needs_server=False)
def config_set_cluster(inv: Invocation) -> int:
    name, cfg = _set_entry(inv, "clusters", "cluster", {
        "server": "server", "certificate-authority": "certificate-authority", "tls-server-name": "tls-server-name",
        "insecure-skip-tls-verify": "insecure-skip-tls-verify", "proxy-url": "proxy-url"})
    save(inv, cfg)
    inv.out(f'Cluster "{name}" set.\n')
    return 0


@command("config set-credentials", flags=flags_from_help("config set-credentials"), needs_server=False)
def config_set_credentials(inv: Invocation) -> int:
    name, cfg = _set_entry(inv, "users", "user", {
        "token": "token", "username": "username", "password": "password",
        "client-certificate": "client-certificate", "client-key": "client-key"})
    body = _find(cfg["users"], name)["user"]
    token, basic = "token" in inv.changed, bool({"username", "password"} & inv.changed)
    if token != basic:                       # one kind of credential replaces the other
        for field in (("username", "password") if token else ("token", "tokenFile")):
            body.pop(field, None)
    save(inv, cfg)
    inv.out(f'User "{name}" set.\n')
    return 0


def _not_simulated(inv: Invocation) -> int:
    raise KubectlError(f"'kubectl {inv.cmd.path}' is not simulated in the playground; the sandbox has the one "
                       "minikube context (see 'kubectl config get-contexts')")


for _path in ("config set", "config unset"):
    command(_path, flags=flags_from_help(_path), needs_server=False, simulated=False)(_not_simulated)
