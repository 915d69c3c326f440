"""`kubectl create deployment|service ...|namespace|configmap|secret generic`: kubectl's generators.

Each builds the object exactly as kubectl v1.35's create_*.go does, then either prints it
(`--dry-run=client`) or sends it through the API server (apiserver.create) and prints the result.
`create -f` (the bare `create` command) lives with apply/edit.
"""
from __future__ import annotations

import base64
import json
import re

from ... import apiserver, resources as res
from ...apierrors import ApiError
from ...confighash import hash_suffix
from .framework import Invocation, KubectlError, command, group_help
from .helpflags import flags_from_help
from .objout import check_output, dry_run_strategy, go_order, print_created
from ...network import cluster_unreachable_error, dial_error
from ...cluster import Cluster
from ...jsondata import deep_copy

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
PORT_NAME_CHARS = re.compile(r"^[-a-z0-9]+$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
HELP = "Run 'kubectl create --help' for usage."


# ---- shared steps ------------------------------------------------------------------------------
def require_flags(inv: Invocation, *names: str) -> None:
    """cobra's MarkFlagRequired check, done before the command runs."""
    missing = [n for n in names if n not in inv.changed]
    if missing:
        raise KubectlError("required flag(s) " + ", ".join(f'"{n}"' for n in missing) + " not set")


def name_from_args(inv: Invocation) -> str:
    """NameFromCommandArgs: exactly one name before any `--`."""
    n = inv.dash_index if inv.dash_index != -1 else len(inv.args)
    if n != 1:
        raise KubectlError(f"exactly one NAME is required, got {n}", usage="help")
    return inv.args[0]


def prepare(inv: Invocation) -> tuple[str, str]:
    """Complete(): the name, then the dry-run strategy, then the printer, in kubectl's order."""
    name = name_from_args(inv)
    dry = dry_run_strategy(inv)
    check_output(inv)
    return name, dry


def unreachable_error(cluster=None, klog_lines: int = 0) -> str:
    """The refused-connection error; `klog_lines` discovery warnings first (run logs 1, get-like commands 5)."""
    text = cluster_unreachable_error(cluster, discovery=klog_lines > 0)
    lines = text.splitlines(keepends=True)
    return "".join(lines[:-1][:klog_lines] + lines[-1:])


def submit(inv: Invocation, obj: dict, dry: str, wrap: str | None = None, klog_lines: int = 0,
           save: bool = True) -> int:
    """Send `obj` to the API server (or not, for --dry-run=client) and print what kubectl prints.

    `wrap` is the prefix some generators put on server errors (`failed to create deployment: `);
    without one the error prints as `Error from server (Reason): ...`.
    """
    r = res.for_object(obj)
    meta = obj["metadata"]
    if save and inv.flags.get("save-config"):       # (create service never reads --save-config)
        save_config(obj)
    if dry == "client":
        if r.namespaced and inv.namespace_explicit:
            meta["namespace"] = inv.namespace
        return print_created(inv, r, obj, dry)
    if not inv.cluster.running:
        if wrap is not None:
            ns = f"/namespaces/{inv.namespace}" if r.namespaced else ""
            base = f"/apis/{r.group}/{r.version}" if r.group else f"/api/{r.version}"
            path = f"{base}{ns}/{r.plural}?fieldManager=kubectl-create&fieldValidation=Strict"
            inv.err(f"error: {wrap}{dial_error('Post', path)}\n")
        else:
            inv.err(unreachable_error(inv.cluster, klog_lines))
        return 1
    if r.namespaced:
        meta["namespace"] = inv.namespace
    try:
        stored = create_on_server(inv, obj, dry)
    except ApiError as exc:
        if wrap is not None:
            message = exc.message
            if exc.reason == "Invalid" and r.group and message.startswith(f'{r.kind} "'):
                message = f"{r.kind}.{r.group}" + message[len(r.kind):]    # err.Error() names Deployment.apps
            raise KubectlError(f"{wrap}{message}")
        raise KubectlError(str(exc), raw=True)
    return print_created(inv, r, stored, dry)


def create_on_server(inv: Invocation, obj: dict, dry: str) -> dict:
    """apiserver.create, or for --dry-run=server the same on a scratch copy (nothing persists, and the
    answer has no resourceVersion, as a dry-run create returns it). Returns a copy safe to print."""
    if dry != "server":
        return deep_copy(apiserver.create(inv.cluster, obj))
    scratch = Cluster.from_dict(deep_copy(inv.cluster.to_dict()))
    stored = deep_copy(apiserver.create(scratch, obj))
    stored["metadata"].pop("resourceVersion", None)
    return stored


def save_config(obj: dict) -> None:
    """--save-config: util.CreateOrUpdateAnnotation stores the object's JSON as the last-applied annotation."""
    text = json.dumps(go_order(obj, obj.get("kind")), separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    meta = obj["metadata"]
    meta["annotations"] = {**(meta.get("annotations") or {}),
                           "kubectl.kubernetes.io/last-applied-configuration": text + "\n"}


# a bare `create service` prints its help as cobra groups do; the registry adds the other groups itself
command("create service", aliases=("create svc",), needs_server=False)(group_help)


# ---- create deployment ---------------------------------------------------------------------------
def container_name(image: str) -> str:
    """buildPodSpec: the image's last path part without tag or digest; `.`/`_` become `-` plus a suffix."""
    name = image.split("/")[-1]
    name = name.split(":")[0]
    name = name.split("@")[0]
    return name


@command("create deployment", aliases=("create deploy",), needs_server=False, flags=flags_from_help(
    "create deployment", kinds={"image": "stringSlice", "port": "int32", "replicas": "int32"}))
def create_deployment(inv: Invocation) -> int:
    require_flags(inv, "image")
    name, dry = prepare(inv)
    command_args = inv.args[1:]
    images = inv.flags["image"]
    if len(images) > 1 and command_args:
        raise KubectlError("cannot specify multiple --image options and command")
    labels = {"app": name}
    containers = []
    for image in images:
        cname = container_name(image)
        if "_" in cname or "." in cname:
            cname = cname.replace("_", "-").replace(".", "-") + "-" + inv.cluster.rand_suffix(5)
        c = {"name": cname, "image": image} if image else {"name": cname}     # image is omitempty
        if command_args:
            c["command"] = list(command_args)
        c["resources"] = {}
        containers.append(c)
    if inv.flags["port"] >= 0 and containers:
        containers[0]["ports"] = [{"containerPort": inv.flags["port"]}]
    obj = {"kind": "Deployment", "apiVersion": "apps/v1",
           "metadata": {"name": name, "labels": dict(labels)},
           "spec": {"replicas": inv.flags["replicas"], "selector": {"matchLabels": dict(labels)},
                    "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": containers}},
                    "strategy": {}},
           "status": {}}
    return submit(inv, obj, dry, wrap="failed to create deployment: ")


# ---- create service ------------------------------------------------------------------------------
def _parse_uint16(text: str) -> int:
    """utilsnet.ParsePort(s, allowZero=true): strconv.ParseUint(s, 10, 16) with its error wording."""
    if not re.fullmatch(r"[0-9]+", text):
        raise KubectlError(f'strconv.ParseUint: parsing "{text}": invalid syntax')
    value = int(text)
    if value > 65535:
        raise KubectlError(f'strconv.ParseUint: parsing "{text}": value out of range')
    return value


def _go_atoi(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) and abs(int(text)) < 1 << 63 else None


def port_name_errors(name: str) -> list[str]:
    """validation.IsValidPortName."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not PORT_NAME_CHARS.match(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def parse_tcp(spec: str) -> tuple[int, int | str]:
    """parsePorts: `port[:targetPort]`, targetPort a number or a port name."""
    parts = spec.split(":")
    port = _parse_uint16(parts[0])
    if len(parts) == 1:
        return port, port
    number = _go_atoi(parts[1])
    if number is None:
        errs = port_name_errors(parts[1])
        if errs:
            raise KubectlError(",".join(errs))
        return port, parts[1]
    if not 1 <= number <= 65535:
        raise KubectlError("must be between 1 and 65535, inclusive")
    return port, number


def _create_service(inv: Invocation, svc_type: str) -> int:
    name, dry = prepare(inv)
    tcp = inv.flags.get("tcp", [])
    cluster_ip = inv.flags.get("clusterip", "")
    external_name = inv.flags.get("external-name", "")
    if cluster_ip == "None" and svc_type != "ClusterIP":
        raise KubectlError("ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp and svc_type != "ExternalName":
        raise KubectlError("at least one tcp port specifier must be provided")
    if svc_type == "ExternalName" and (len(external_name) > 253 or not DNS1123_SUBDOMAIN.match(external_name)):
        raise KubectlError(f"invalid service external name {external_name}")
    ports = []
    for spec in tcp:
        port, target = parse_tcp(spec)
        p = {"name": spec.replace(":", "-"), "protocol": "TCP", "port": port, "targetPort": target}
        if inv.flags.get("node-port", 0):
            p["nodePort"] = inv.flags["node-port"]
        ports.append(p)
    spec: dict = {"ports": ports} if ports else {}
    spec["selector"] = {"app": name}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    spec["type"] = svc_type
    if external_name:
        spec["externalName"] = external_name
    obj = {"kind": "Service", "apiVersion": "v1", "metadata": {"name": name, "labels": {"app": name}},
           "spec": spec, "status": {"loadBalancer": {}}}
    return submit(inv, obj, dry, wrap=f"failed to create {svc_type} service: ", save=False)


SERVICE_TYPES = {"clusterip": ("ClusterIP", ()), "nodeport": ("NodePort", ()), "loadbalancer": ("LoadBalancer", ()),
                 "externalname": ("ExternalName", ("external-name",))}


def create_service_typed(inv: Invocation) -> int:
    svc_type, required = SERVICE_TYPES[inv.cmd.path.split()[-1]]
    require_flags(inv, *required)
    return _create_service(inv, svc_type)


for _kind in SERVICE_TYPES:
    command(f"create service {_kind}", aliases=(f"create svc {_kind}",), needs_server=False,
            flags=flags_from_help(f"create service {_kind}", kinds={"tcp": "stringSlice"}))(create_service_typed)


# ---- create namespace ----------------------------------------------------------------------------
@command("create namespace", aliases=("create ns",), needs_server=False, flags=flags_from_help("create namespace"))
def create_namespace(inv: Invocation) -> int:
    name, dry = prepare(inv)
    obj = {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": name}, "spec": {}, "status": {}}
    return submit(inv, obj, dry)


# ---- create configmap / secret generic -----------------------------------------------------------
def _literal(source: str) -> tuple[str, str]:
    """util.ParseLiteralSource: `key=value`, the key non-empty."""
    key, eq, value = source.partition("=")
    if not eq or not key:
        raise KubectlError(f"invalid literal source {source}, expected key=value")
    return key, value


def _file_source(inv: Invocation, source: str) -> list[tuple[str, str]]:
    """--from-file=[key=]path (util.ParseFileSource), read from the learner's machine."""
    host = inv.proc.host
    n = source.count("=")
    if n == 0:
        key, path = source.rstrip("/").split("/")[-1] or "/", source
    elif n > 1:
        raise KubectlError("key names or file paths cannot contain '='")
    elif source.startswith("="):
        raise KubectlError(f"key name for file path {source[1:]} missing")
    elif source.endswith("="):
        raise KubectlError(f"file path for key name {source[:-1]} missing")
    else:
        key, path = source.split("=")
    full = host.abspath(path)
    if full in host.dirs:
        if n:
            raise KubectlError("cannot give a key name for a directory path")
        prefix = full.rstrip("/") + "/"
        return [(f[len(prefix):], c) for f, c in sorted(host.files.items())
                if f.startswith(prefix) and "/" not in f[len(prefix):]]
    if full not in host.files:
        raise KubectlError(f"error reading {path}: no such file or directory")
    return [(key, host.files[full])]


def _env_file(inv: Invocation, path: str) -> list[tuple[str, str]]:
    """cmdutil.AddFromEnvFile: KEY=value lines, # comments, a bare KEY reads the environment."""
    full = inv.proc.host.abspath(path)
    if full in inv.proc.host.dirs:
        raise KubectlError("env config file cannot be a directory")
    if full not in inv.proc.host.files:
        raise KubectlError(f"error reading {path}: no such file or directory")
    out = []
    for n, line in enumerate(inv.proc.host.files[full].split("\n")):
        if n == 0:
            line = line.removeprefix("\ufeff")
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        key, eq, value = line.partition("=")
        if not ENV_NAME.match(key):
            raise KubectlError(f'"{key}" is not a valid key name: a valid environment variable name must consist of '
                               "alphabetic characters, digits, '_', '-', or '.', and must not start with a digit "
                               "(e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation "
                               "is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
        out.append((key, value if eq else inv.proc.env.get(key, "")))
    return out


def _sources(inv: Invocation) -> list[tuple[str, str]]:
    if inv.flags["from-env-file"] and (inv.flags["from-file"] or inv.flags["from-literal"]):
        raise KubectlError("from-env-file cannot be combined with from-file or from-literal")
    items: list[tuple[str, str]] = []
    for source in inv.flags["from-file"]:
        items += _file_source(inv, source)
    for source in inv.flags["from-literal"]:
        items.append(_literal(source))
    for path in inv.flags["from-env-file"]:
        items += _env_file(inv, path)
    return items


def _key_error(key: str) -> str:
    return ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")


def _config_key_errors(key: str) -> list[str]:
    errs = []
    if len(key) > 253:
        errs.append("must be no more than 253 characters")
    if not CONFIG_KEY.match(key):
        errs.append(_key_error(key))
    if key in (".", ".."):
        errs.append(f"must not be '{key}'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


@command("create configmap", aliases=("create cm",), needs_server=False, flags=flags_from_help(
    "create configmap", kinds={"from-file": "stringSlice", "from-env-file": "stringSlice"}))
def create_configmap(inv: Invocation) -> int:
    name, dry = prepare(inv)
    data: dict[str, str] = {}
    for key, value in _sources(inv):
        errs = _config_key_errors(key)
        if errs:
            raise KubectlError(f'"{key}" is not a valid key name for a ConfigMap: {",".join(errs)}')
        if key in data:
            raise KubectlError(f'cannot add key "{key}", another key by that name already exists in Data for '
                               f'ConfigMap "{name}"')
        data[key] = value
    if inv.flags["append-hash"]:
        name = f"{name}-{hash_suffix({'kind': 'ConfigMap', 'name': name, 'data': data})}"
    obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": name}}
    if data:
        obj["data"] = data
    return submit(inv, obj, dry, wrap="failed to create configmap: ")


@command("create secret generic", needs_server=False, flags=flags_from_help(
    "create secret generic", kinds={"from-file": "stringSlice", "from-env-file": "stringSlice"}))
def create_secret_generic(inv: Invocation) -> int:
    name, dry = prepare(inv)
    data: dict[str, str] = {}
    for key, value in _sources(inv):
        errs = _config_key_errors(key)
        if errs:
            raise KubectlError(f'"{key}" is not valid key name for a Secret {";".join(errs)}')
        if key in data:
            raise KubectlError(f"cannot add key {key}, another key by that name already exists")
        data[key] = base64.b64encode(value.encode()).decode()
    secret_type = inv.flags["type"]
    if inv.flags["append-hash"]:
        name = f"{name}-{hash_suffix({'kind': 'Secret', 'type': secret_type, 'name': name, 'data': data})}"
    obj = {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": name}}
    if data:
        obj["data"] = data
    if secret_type:
        obj["type"] = secret_type
    return submit(inv, obj, dry, wrap="failed to create secret ")
