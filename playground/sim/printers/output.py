"""kubectl's -o printers: yaml, json, name, jsonpath, go-template, custom-columns, and `print_objects`.

    print_objects(inv_or_proc, [obj], "yaml")                  # a single object prints bare
    print_objects(inv, objs, "json", as_list=True)             # `get` without names: a v1 List
    print_objects(inv, [obj], "json", typed=True)              # client-built object: Go struct order
    print_objects(inv, objs, "jsonpath={.metadata.name}")      # errors go to stderr, exit 1

Objects are printed as the API returns them (no managedFields).
"""
from __future__ import annotations

import re

from .. import resources as res
from .gotemplate import ExecError, GoTemplate, TemplateError, go_quote, go_v, to_template_data
from .jsonout import to_json
from .jsonpath import JSONPath, JSONPathError, _go_value, go_sharp_v
from .tabwriter import format_text
from .yamlout import to_yaml

__all__ = ["to_yaml", "to_json", "print_objects", "render", "OutputError", "validate_format", "name_of",
           "GET_FORMATS", "PRINT_FORMATS"]

# Formats the -o flag accepts, as kubectl lists them in its error (sorted).
PRINT_FORMATS = ["go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "kyaml",
                 "name", "template", "templatefile", "yaml"]
GET_FORMATS = sorted(PRINT_FORMATS + ["custom-columns", "custom-columns-file", "wide"])


class OutputError(Exception):
    """An error kubectl prints as `error: <message>` (exit 1); `stdout` is what it printed before failing."""

    def __init__(self, message: str, stdout: str = ""):
        super().__init__(message)
        self.stdout = stdout


def validate_format(fmt: str, allowed: list[str] = PRINT_FORMATS) -> None:
    base = fmt.split("=", 1)[0]
    if base not in allowed or base in ("custom-columns-file", "kyaml"):
        if base in allowed:
            raise OutputError(f"the playground does not simulate -o {base}; use yaml, json, name, jsonpath "
                              "or custom-columns")
        raise OutputError(f'unable to match a printer suitable for the output format "{fmt}", allowed formats '
                          f"are: {','.join(allowed)}")


FILE_FORMATS = {"go-template-file": "go-template", "templatefile": "go-template", "jsonpath-file": "jsonpath"}


def resolve_format(fmt: str, template: str = "", host=None) -> str:
    """-o as the printer sees it: --template fills a bare template format (and alone means go-template);
    a *-file format reads its template from the learner's machine."""
    if template and not fmt:
        fmt = "go-template"
    base, eq, arg = fmt.partition("=")
    if base in FILE_FORMATS:
        path = arg or template
        full = host.abspath(path) if host is not None and path else ""
        if not path:
            raise OutputError("template format specified but no template given")
        if full not in host.files:
            raise OutputError(f"error reading --template {path}, open {path}: no such file or directory")
        return f"{FILE_FORMATS[base]}={host.files[full]}"
    if base in ("go-template", "template", "jsonpath", "jsonpath-as-json") and not eq and template:
        return f"{base}={template}"
    return fmt


def _compact_json(obj, sort_keys: bool) -> str:
    """Go's json.Marshal, for the debugging block: maps (objects read from the server or a file) sorted,
    typed objects in struct order; HTML characters escaped as Go does."""
    import json
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def gotemplate_text(template: str, obj, allow_missing: bool = True, typed: bool = False) -> str:
    """-o go-template=TEMPLATE for one object, with kubectl's parse error and execution debugging block."""
    try:
        tmpl = GoTemplate(template, missing_keys_error=not allow_missing)
    except TemplateError as exc:
        raise OutputError(f"error parsing template {template}, {exc}")
    data = to_template_data(obj)
    try:
        return tmpl.execute(data)
    except ExecError as exc:
        debug = (f"Error executing template: {exc}. Printing more information for debugging the template:\n"
                 f"\ttemplate was:\n\t\t{template}\n\traw data was:\n\t\t{_compact_json(obj, not typed)}\n"
                 f"\tobject given to template engine was:\n\t\t{go_v(data)}\n\n")
        raise OutputError(f"error executing template {go_quote(template)}: {exc}", stdout=exc.partial + debug)


def name_of(obj: dict) -> str:
    """`-o name`: `pod/x`, `deployment.apps/x`."""
    r = res.for_object(obj) or res.BY_KIND.get(obj.get("kind", ""))
    kind = r.type_name if r else obj.get("kind", "").lower()
    return f"{kind}/{obj.get('metadata', {}).get('name', '')}"


def _as_list(objs: list[dict]) -> dict:
    return {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}


def _clean(obj: dict) -> dict:
    """The object as -o yaml/json show it: without managedFields (cli-runtime's OmitManagedFieldsPrinter
    wraps only the JSON and YAML printers, unless --show-managed-fields)."""
    if "managedFields" not in obj.get("metadata", {}):
        return obj
    obj = dict(obj, metadata=dict(obj["metadata"]))
    del obj["metadata"]["managedFields"]
    return obj


_COL_RE = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


def _relaxed(expr: str) -> str:
    if not expr:
        return expr
    m = _COL_RE.match(expr)
    if not m:
        raise OutputError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' "
                          "or '{.name1.name2}'")
    return "{." + (m.group(1) or m.group(2)) + "}"


def custom_columns(spec: str, objs: list[dict], no_headers: bool = False) -> str:
    if not spec:
        raise OutputError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise OutputError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        try:
            columns.append((header, JSONPath(_relaxed(path), allow_missing_keys=True)))
        except JSONPathError as exc:
            raise OutputError(str(exc))
    lines = [] if no_headers else ["\t".join(h for h, _ in columns)]
    for obj in objs:
        cells = []
        for _, jp in columns:
            jp.begin_range = jp.in_range = jp.end_range = 0
            jp.last_end = None
            jp.nodes_view = list(jp.root.nodes)
            try:
                results = jp._find(obj)
            except JSONPathError as exc:
                raise OutputError(str(exc))
            values = []
            if not results or not results[0]:
                values.append("<none>")
            for group in results:
                values.extend(_go_value(v) for v in group)
            cells.append(",".join(values))
        lines.append("\t".join(cells))
    return format_text("\n".join(lines) + "\n", 6, 3)


def jsonpath_text(template: str, data, allow_missing: bool = True, as_json: bool = False) -> str:
    """-o jsonpath=TEMPLATE (or jsonpath-as-json: each result group as an indented JSON array)."""
    try:
        jp = JSONPath(template, allow_missing_keys=allow_missing)
    except JSONPathError as exc:
        raise OutputError(f"error parsing jsonpath {template}, {exc}\n")
    try:
        if as_json:
            return jp.execute_json(data)
        return jp.execute(data)
    except JSONPathError as exc:
        raise OutputError(
            f'error executing jsonpath "{template}": Error executing template: {exc}. Printing more information '
            f"for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine "
            f"was:\n\t\t{go_sharp_v(data)}\n\n\n")


def render(objs: list[dict], fmt: str, *, as_list: bool = False, no_headers: bool = False,
           allow_missing_keys: bool = True, typed: bool = False, show_managed_fields: bool = False) -> str:
    """The text `-o fmt` prints for these objects. `as_list` wraps them in a v1 List (get without names).

    Several objects without `as_list` print one after another (yaml separated by `---`), as create/apply do.
    `typed=True`: the objects are client-built typed objects; JSON keeps the dicts' key order (struct order).
    """
    base, _, arg = fmt.partition("=")
    if base in ("yaml", "json", "kyaml") and not show_managed_fields:
        objs = [_clean(o) for o in objs]
    if base == "name":
        return "".join(name_of(o) + "\n" for o in objs)
    if base == "custom-columns":
        return custom_columns(arg, objs, no_headers)
    if as_list or len(objs) != 1:
        targets = [_as_list(objs)] if as_list else objs
    else:
        targets = objs
    if base == "yaml":
        return "---\n".join(to_yaml(t) for t in targets)
    if base == "json":
        return "".join(to_json(t, sort_keys=not typed) for t in targets)
    if base in ("jsonpath", "jsonpath-as-json"):
        if not arg:
            raise OutputError("template format specified but no template given")
        out = [jsonpath_text(arg, t, allow_missing_keys, as_json=base == "jsonpath-as-json") for t in targets]
        return "".join(out)
    if base in ("go-template", "template"):
        if not arg:
            raise OutputError("template format specified but no template given")
        out = []
        for t in targets:
            try:
                out.append(gotemplate_text(arg, t, allow_missing_keys, typed))
            except OutputError as exc:
                exc.stdout = "".join(out) + exc.stdout
                raise
        return "".join(out)
    validate_format(fmt)
    return ""


def print_objects(target, objs: list[dict], fmt: str, **kw) -> int:
    """Print objects with -o fmt to target's stdout (an Invocation or a Proc); errors go to stderr, exit 1."""
    flags = getattr(target, "flags", {})
    proc = getattr(target, "proc", target)
    try:
        fmt = resolve_format(fmt, flags.get("template", ""), getattr(proc, "host", None))
        kw.setdefault("allow_missing_keys", flags.get("allow-missing-template-keys", True))
        kw.setdefault("show_managed_fields", bool(flags.get("show-managed-fields")))
        text = render(objs, fmt, **kw)
    except OutputError as exc:
        target.out(exc.stdout)
        msg = str(exc)
        target.err("error: " + msg + ("" if msg.endswith("\n") else "\n"))
        return 1
    target.out(text)
    return 0
