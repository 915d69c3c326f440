"""`kubectl set env` and `kubectl set resources` on pod templates, as kubectl v1.35 does them.

Both work on live objects, or with --local on the objects of -f files (printed, never stored). Env
updates follow set_env.go's updateEnv (replace in place, append new, drop KEY-); --from reads a
ConfigMap or Secret and references each key (valueFrom), as kubectl does without --resolve.
"""
from __future__ import annotations

import copy
import re

from ... import apiserver
from ...validation import quantity
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .record import record
from .objout import check_output, dry_run_strategy, print_created
from .objrefs import Found, find, manifest_refs, print_errors, update_and_print
from .setimage import _pod_spec
from .delete import NO_RESOURCES
from ...labels import SelectorError, parse_selector

ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")
ENV_NAME_HELP = ("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or "
                 "'.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
                 "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")


def targets(inv: Invocation, resources: list[str]) -> Found:
    """The objects to change: -f files (their content with --local, else the live objects) or named ones."""
    f = inv.flags
    filenames = f.get("filename") or []
    if not resources and not filenames:
        raise KubectlError(NO_RESOURCES)
    if filenames:
        found = manifest_refs(inv, filenames, f.get("recursive", False), local=f.get("local", False))
        if not f.get("local"):
            for ref in found.refs:
                ref.obj = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
                if ref.obj is None:
                    found.errors.append(str(apiserver.not_found(ref.r, ref.name)))
            found.refs = [ref for ref in found.refs if ref.obj is not None]
        return found
    if f.get("local"):
        raise KubectlError("--local cannot be used with a resource name; use -f FILENAME")
    return find(inv, resources, selector=f.get("selector", ""), all_=f.get("all", False))


def _each_template(inv: Invocation, found: Found, errors: list):
    """(ref, a copy of its object, the copy's containers matching -c) for each object with a pod template."""
    from fnmatch import fnmatchcase
    errors.extend(found.errors)
    for ref in found.refs:
        obj = copy.deepcopy(ref.obj)
        spec = _pod_spec(obj)
        if spec is None:
            errors.append(f"{ref.r.type_name}/{ref.name} does not have a pod template")
            continue
        every = (spec.get("initContainers") or []) + (spec.get("containers") or [])
        yield ref, obj, [c for c in every if fnmatchcase(c.get("name", ""), inv.flags.get("containers") or "*")]


def _store(inv: Invocation, ref, obj: dict, dry: str, verb: str, errors: list) -> None:
    record(inv, obj)                          # (set env takes no --record: a no-op there)
    if inv.flags.get("local"):                # a typed object on the client: printed in Go struct order
        if print_created(inv, ref.r, obj, dry, verb):
            raise KubectlError("", raw=True)
        return
    update_and_print(inv, ref.r, obj, dry, verb, errors)


# ---- set env --------------------------------------------------------------------------------------------
def _parse_env(inv: Invocation, words: list[str]) -> tuple[list[dict], list[str]]:
    env, remove = [], []
    for w in words:
        if w.endswith("-") and "=" not in w:
            remove.append(w[:-1])
            continue
        name, _, value = w.partition("=")
        if not ENV_NAME.match(name):
            if not name:
                continue                      # kubectl ignores `=value` with no name
            raise KubectlError(f'"{name}" is not a valid key name: {ENV_NAME_HELP}')
        env.append({"name": name, "value": value})
    return env, remove


def _env_from(inv: Invocation, ref: str) -> list[dict]:
    kind, _, name = ref.partition("/")
    plural = {"configmap": "configmaps", "cm": "configmaps", "configmaps": "configmaps", "secret": "secrets",
              "secrets": "secrets"}.get(kind.split(".")[0])
    if plural is None or not name:
        raise KubectlError(f"unsupported resource specified in --from: {ref}" if name else
                           f"--from must be of the form TYPE/NAME: {ref}")
    obj = inv.cluster.get(plural, inv.namespace, name)
    if obj is None:
        r = apiserver.res.lookup(plural)
        raise KubectlError(apiserver.not_found(r, name).render() + "\n", raw=True)
    keys = inv.flags.get("keys") or sorted(set(obj.get("data") or {}) | set(obj.get("binaryData") or {}))
    key_ref = "configMapKeyRef" if plural == "configmaps" else "secretKeyRef"
    prefix = inv.flags.get("prefix", "")
    out = []
    for key in keys:
        env_name = prefix + re.sub(r"[^a-zA-Z0-9_]", "_", key).upper()      # keyToEnvName
        out.append({"name": env_name, "valueFrom": {key_ref: {"key": key, "name": name}}})
    return out


def _update_env(existing: list[dict], env: list[dict], remove: list[str]) -> list[dict]:
    out, covered = [], set(remove)
    newer = {e["name"]: e for e in env}
    for e in existing:
        if e.get("name") in covered:
            continue
        if e.get("name") in newer:
            covered.add(e["name"])
            out.append(newer[e["name"]])
            continue
        out.append(e)
    for e in env:
        if e["name"] not in covered:
            covered.add(e["name"])
            out.append(e)
    return out


def _ref_string(value_from: dict) -> str:
    """envutil.GetEnvVarRefString."""
    if "configMapKeyRef" in value_from:
        r = value_from["configMapKeyRef"]
        return f"configmap {r.get('name')}, key {r.get('key')}"
    if "secretKeyRef" in value_from:
        r = value_from["secretKeyRef"]
        return f"secret {r.get('name')}, key {r.get('key')}"
    if "fieldRef" in value_from:
        return f"field path {value_from['fieldRef'].get('fieldPath')}"
    if "resourceFieldRef" in value_from:
        r = value_from["resourceFieldRef"]
        return f"resource field {r.get('resource')}" + (f", container {r['containerName']}"
                                                        if r.get("containerName") else "")
    return "invalid valueFrom"


@command("set env", flags=flags_from_help("set env", {"filename": "stringSlice", "keys": "stringSlice"}))
def set_env(inv: Invocation) -> int:
    f = inv.flags
    check_output(inv)
    dry = dry_run_strategy(inv)
    # SplitEnvironmentFromResources: resources first, then KEY=VALUE / KEY- changes
    first_env = next((i for i, a in enumerate(inv.args) if "=" in a or (a.endswith("-") and len(a) > 1)),
                     len(inv.args))
    resources, words = inv.args[:first_env], inv.args[first_env:]
    stray = [w for w in words if "=" not in w and not w.endswith("-")]
    if stray:
        raise KubectlError(f"all resources must be specified before environment changes: {' '.join(inv.args)}")
    env, remove = _parse_env(inv, words + list(f.get("env") or []))
    if f.get("from"):
        env = _env_from(inv, f["from"]) + env
    errors: list = []
    for ref, obj, containers in _each_template(inv, targets(inv, resources), errors):
        if not containers:
            inv.warn(f'{obj.get("kind")}/{ref.name} does not have any containers matching '
                     f'"{f.get("containers", "*")}"')
            continue
        for c in containers:
            if not f.get("overwrite", True):
                for e in env:
                    old = next((x for x in c.get("env") or [] if x.get("name") == e["name"]), None)
                    if old is not None and old.get("value") != e.get("value"):
                        raise KubectlError(f"'{e['name']}' already has a value ({old.get('value', '')}), and "
                                           "--overwrite is false")
            new = _update_env(c.get("env") or [], env, remove)
            if new:
                c["env"] = new
            else:
                c.pop("env", None)
        if f.get("list"):
            for c in containers:
                inv.out(f"# {obj.get('kind')} {ref.name}, container {c.get('name')}\n")
                for e in c.get("env") or []:
                    if "valueFrom" in e:
                        inv.out(f"# {e['name']} from {_ref_string(e['valueFrom'])}\n")
                    else:
                        inv.out(f"{e['name']}={e.get('value', '').replace(chr(10), chr(92) + 'n')}\n")
            continue
        if obj == ref.obj:
            continue                          # nothing changed: kubectl prints nothing
        _store(inv, ref, obj, dry, "env updated", errors)
    return print_errors(inv, errors)


# ---- set resources --------------------------------------------------------------------------------------
def resource_list(spec: str) -> dict:
    """`cpu=200m,memory=512Mi` as kubectl parses --limits, --requests and --hard: canonical quantities."""
    out = {}
    for part in filter(None, spec.split(",")):
        name, eq, value = part.partition("=")
        if not eq:
            raise KubectlError(f"Invalid argument syntax {part}, expected <resource>=<value>")
        why = quantity.problem(value)
        if why:
            raise KubectlError(why)
        out[name] = quantity.canonical(value)
    return out


@command("set resources", flags=flags_from_help("set resources", {"filename": "stringSlice"}))
def set_resources(inv: Invocation) -> int:
    f = inv.flags
    check_output(inv)
    dry = dry_run_strategy(inv)
    if not f.get("limits") and not f.get("requests"):
        raise KubectlError("you must specify an update to requests or limits (in the form of --requests/--limits)")
    limits, requests = resource_list(f.get("limits", "")), resource_list(f.get("requests", ""))
    errors: list = []
    for ref, obj, containers in _each_template(inv, targets(inv, inv.args), errors):
        if not containers:
            raise KubectlError(f"unable to find container named {f.get('containers', '*')}")
        for c in containers:
            res = c.setdefault("resources", {})
            for key, values in (("limits", limits), ("requests", requests)):
                if values:
                    res[key] = {**(res.get(key) or {}), **values}
        if obj == ref.obj:
            continue
        _store(inv, ref, obj, dry, "resource requirements updated", errors)
    return print_errors(inv, errors)


# ---- set serviceaccount ---------------------------------------------------------------------------------
@command("set serviceaccount", aliases=("set sa",),
         flags=flags_from_help("set serviceaccount", {"filename": "stringSlice"}))
def set_serviceaccount(inv: Invocation) -> int:
    """The last argument names the service account; the ones before it, the objects."""
    check_output(inv)
    dry = dry_run_strategy(inv)
    if not inv.args:
        raise KubectlError("serviceaccount is required")
    *resources, account = inv.args
    errors: list = []
    for ref, obj, _ in _each_template(inv, targets(inv, resources), errors):
        spec = _pod_spec(obj)
        spec["serviceAccountName"] = account
        spec.pop("serviceAccount", None)          # the deprecated field, if the object still had it
        if obj == ref.obj:
            continue
        _store(inv, ref, obj, dry, "serviceaccount updated", errors)
    return print_errors(inv, errors)


# ---- set selector ---------------------------------------------------------------------------------------
@command("set selector", flags=flags_from_help("set selector", {"filename": "stringSlice"}))
def set_selector(inv: Invocation) -> int:
    """Services only, as kubectl v1.35: the last argument is `key=value,...`, which replaces spec.selector."""
    check_output(inv)
    dry = dry_run_strategy(inv)
    if not inv.args:
        raise KubectlError("one selector is required")
    *resources, expression = inv.args
    bad = next((p for p in expression.split(",") if p.count("=") > 1 and "==" not in p), None)
    if bad is not None:                      # labels.Parse's lexer meets the second `=`
        raise KubectlError(f'couldn\'t parse the selector string "{expression}": found \'=\', expected: \',\' or '
                           "'end of string'")
    try:
        reqs = parse_selector(expression)
    except SelectorError as exc:
        raise KubectlError(f'couldn\'t parse the selector string "{expression}": {exc}')
    selector, expressions = {}, []
    ops = {"in": "In", "notin": "NotIn", "exists": "Exists", "!": "DoesNotExist"}
    for key, op, values in reqs:
        if op == "!=":
            raise KubectlError(f'"{op}" is not a valid label selector operator')
        if op in ("=", "=="):
            selector[key] = values[0]
        else:
            expressions.append(f"{{{key} {ops[op]} [{' '.join(values)}]}}")
    if inv.flags.get("local") and resources:
        raise KubectlError("you must specify resources by --filename when --local is set.\nExample resource "
                           "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'")
    found = targets(inv, resources)
    errors: list = list(found.errors)
    for ref in found.refs:
        if ref.r.kind != "Service":
            raise KubectlError("setting a selector is only supported for Services")
        if expressions:                      # a Service's selector is a plain map
            raise KubectlError(f"match expression [{' '.join(expressions)}] not supported on this object")
        obj = copy.deepcopy(ref.obj)
        if inv.flags.get("local"):           # the file's object as a typed v1.Service: zero values filled in
            for port in obj.get("spec", {}).get("ports") or []:
                port.setdefault("targetPort", 0)
            obj.setdefault("status", {}).setdefault("loadBalancer", {})
        obj.setdefault("spec", {})["selector"] = selector
        if inv.flags["resource-version"]:
            obj["metadata"]["resourceVersion"] = inv.flags["resource-version"]
        _store(inv, ref, obj, dry, "selector updated", errors)
    return print_errors(inv, errors)
