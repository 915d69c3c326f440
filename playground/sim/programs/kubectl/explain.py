"""`kubectl explain RESOURCE[.field.path]`: kubectl v1.35's plaintext explain (OpenAPI v3 template).

The schemas (explain_schemas.json, built by tests/tools/build_explain_data.py) hold the release-1.35
descriptions for pods, deployments, replicasets, services, endpoints, nodes, namespaces and the types
under them. The rendering follows kubectl's pkg/explain/v2/templates/plaintext.tmpl: descriptions
wrapped by go-wordwrap at 76 columns and indented 4, fields sorted, `<type>` guessed as kubectl does.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ... import resources as res
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from ...crds import schema_of
from .create import unreachable_error

SCHEMAS = Path(__file__).with_name("explain_schemas.json")


@lru_cache(maxsize=1)
def schemas() -> dict:
    return json.loads(SCHEMAS.read_text())


def wrap(text: str, lim: int) -> str:
    """mitchellh/go-wordwrap WrapString, which kubectl's explain `wrap` uses."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for ch in text:
        if ch == "\n":
            if not word:
                if current + len(space) > lim:
                    current = 0
                else:
                    out.extend(space)
            else:
                out.extend(space)
                out.extend(word)
            space, word = [], []
            out.append(ch)
            current = 0
        elif ch.isspace() and ch != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                out.extend(space)
                out.extend(word)
                space, word = [], []
            space.append(ch)
        else:
            word.append(ch)
            if current + len(space) + len(word) > lim and len(word) < lim:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= lim:
            out.extend(space)
    else:
        out.extend(space)
        out.extend(word)
    return "".join(out)


def indent(text: str, n: int) -> str:
    pad = " " * n
    return pad + text.replace("\n", "\n" + pad)


def _resolve(schema: dict) -> dict:
    return schemas().get(schema["ref"], {}) if "ref" in schema else schema


def type_guess(schema: dict) -> str:
    if "items" in schema:
        return "[]" + type_guess(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        return "map[string]" + type_guess(schema["additionalProperties"])
    if "ref" in schema:
        return schema["ref"]
    if schema.get("x-kubernetes-int-or-string"):
        return "IntOrString"
    t = schema.get("type")
    return "Object" if t in (None, "object") else t


def description(schema: dict) -> str:
    """The `description` template: the field's own text, then its type's (through refs, items, maps)."""
    out = schema["description"] + "\n" if schema.get("description") else ""
    if "ref" in schema:
        target = schemas().get(schema["ref"], {})
        if target.get("description"):
            out += target["description"] + "\n"
    if "items" in schema:
        out += description(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        out += description(schema["additionalProperties"])
    return out


def _object_of(schema: dict) -> dict | None:
    """The schema whose properties a field list shows: through refs, array items and map values."""
    if "ref" in schema:
        return schemas().get(schema["ref"])
    if "items" in schema:
        return _object_of(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        return _object_of(schema["additionalProperties"])
    return schema if schema.get("properties") else None


def field_list(schema: dict, recursive: bool = False, level: int = 1, seen: frozenset = frozenset()) -> str:
    target = _object_of(schema)
    if target is None or id(target) in seen:
        return ""
    seen = seen | {id(target)}
    out = []
    required = set(target.get("required", []))
    pad = level * 2
    for name in sorted(target.get("properties", {})):
        prop = target["properties"][name]
        line = indent(name, pad) + f"\t<{type_guess(prop)}>" + (" -required-" if name in required else "") + "\n"
        out.append(line)
        if recursive:
            out.append(field_list(prop, True, level + 1, seen))
        else:
            out.append(indent(wrap(prop.get("description") or "<no description>", 78 - pad), pad + 2) + "\n\n")
    return "".join(out)


def custom_root(r: res.Resource) -> dict:
    """A CRD's schema as the API server publishes it (apiextensions-apiserver's OpenAPI builder): apiVersion,
    kind and metadata get the standard descriptions, metadata the ObjectMeta type."""
    import copy
    root = copy.deepcopy(schema_of(r) or {"type": "object"})
    standard = schemas()["Service"]["properties"]
    props = root.setdefault("properties", {})
    for name in ("apiVersion", "kind", "metadata"):
        props[name] = copy.deepcopy(standard[name])
    return root


def render(kind: str, path: list[str], recursive: bool = False) -> str:
    return render_root({"ref": kind}, schemas()[kind]["gvk"], path, recursive)


def render_root(schema: dict, gvk: dict, path: list[str], recursive: bool = False) -> str:
    out = (f"GROUP:      {gvk['group']}\n" if gvk["group"] else "") + \
        f"KIND:       {gvk['kind']}\nVERSION:    {gvk['version']}\n\n"
    for i, name in enumerate(path):
        target = _object_of(schema)
        props = (target or {}).get("properties", {})
        if name not in props:
            raise MissingField(out, name)
        schema = props[name]
        if i == len(path) - 1:
            out += f"FIELD: {name} <{type_guess(schema)}>\n\n\n"
    out += "DESCRIPTION:\n" + indent(wrap(description(schema) or "<empty>", 76), 4) + "\n"
    fields = field_list(schema, recursive)
    if fields:
        out += "FIELDS:\n" + fields
    return out + "\n"


class MissingField(Exception):
    """kubectl has printed the KIND/VERSION header by the time it finds the path wrong."""

    def __init__(self, header: str, name: str):
        super().__init__(name)
        self.header, self.name = header, name


@command("explain", flags=flags_from_help("explain"), needs_server=False)
def explain(inv: Invocation) -> int:
    if not inv.args:
        raise KubectlError('You must specify the type of resource to explain. Use "kubectl api-resources" for a '
                           "complete list of supported resources.")
    if len(inv.args) > 1:
        raise KubectlError("We accept only this format: explain RESOURCE")
    if not inv.cluster.running:           # explain reads discovery and the server's OpenAPI
        inv.err(unreachable_error(inv.cluster, 2))
        return 1
    resource, *path = inv.args[0].split(".")
    r = res.lookup(resource)
    if r is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{resource}"', raw=True)
    if inv.flags["api-version"]:
        group, _, version = inv.flags["api-version"].rpartition("/")
        if (group, version) != (r.group, r.version):
            raise KubectlError(f'couldn\'t find resource for "{group}/{version}, Resource={r.plural}"')
    if inv.flags["output"] not in ("plaintext", "plaintext-openapiv2"):
        raise KubectlError(f"unrecognized format: {inv.flags['output']}")
    if r.custom is not None:
        try:
            inv.out(render_root(custom_root(r), {"group": r.group, "kind": r.kind, "version": r.version},
                                [p for p in path if p], inv.flags["recursive"]))
        except MissingField as exc:
            inv.out(exc.header)
            raise KubectlError(f'field "{exc.name}" does not exist')
        return 0
    if r.kind not in schemas() or "gvk" not in schemas()[r.kind]:
        raise KubectlError("explain in the playground covers pods, deployments, replicasets, services, endpoints, "
                           "nodes and namespaces; try 'kubectl explain pods'")
    try:
        inv.out(render(r.kind, [p for p in path if p], inv.flags["recursive"]))
    except MissingField as exc:
        inv.out(exc.header)
        raise KubectlError(f'field "{exc.name}" does not exist')
    return 0
