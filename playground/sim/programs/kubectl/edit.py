"""`kubectl edit`: the live object opens in the editor pane; saving sends a strategic merge patch.

The save is handled by EDITOR_HANDLERS["kubectl-edit"], following kubectl's editoptions.go loop:
unchanged -> `Edit cancelled, no changes made.`; empty -> `Edit cancelled, saved file was empty.`; a
syntax error or an invalid object reopens the editor with kubectl's comment block on top; success
prints `service/nginx-app edited`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import copy
import json

from ... import apiserver, merge, resources as res
from ...apierrors import ApiError
from ...proc import Stream
from ...manifests import ManifestError, go_json, read_stream, split_documents, yaml_to_json
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objrefs import find, manifest_refs, print_errors
from ...printers.yamlout import to_yaml as shared
from .delete import NO_RESOURCES

if TYPE_CHECKING:
    from ...engine import Engine

HEADER = ("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
          "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
          "# reopened with the relevant failures.\n#\n")
HANDLER = "kubectl-edit"


def to_yaml(obj: dict) -> str:
    return shared(obj)


def to_json(obj: dict) -> str:
    text = json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _render(objs: list[dict], fmt: str) -> str:
    obj = objs[0] if len(objs) == 1 else {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {}}
    obj = copy.deepcopy(obj)
    return to_json(obj) if fmt == "json" else to_yaml(obj)


def manual_strip(text: str) -> str:
    """cmdutil.ManualStrip: drop comment lines (not `#!`)."""
    lines = text.split("\n")
    kept = [line for line in lines if not (line.strip().startswith("#") and not line.strip().startswith("#!"))]
    return "\n".join(kept)


def strip_comments(text: str):
    """cmdutil.StripComments: the YAML as JSON when it parses, else the text without comment lines."""
    try:
        return json.dumps(yaml_to_json(text), sort_keys=True)
    except ManifestError:
        return manual_strip(text)


def _validate_bytes(edited: str) -> str | None:
    """kubectl's schema.ValidateBytes(StripComments(edited)), run before anything else on a save: the YAML
    must parse (line numbers count the comment-stripped text) into an object with apiVersion and kind."""
    def first_doc(text: str):
        for doc in split_documents(text):
            if doc.strip():
                return yaml_to_json(doc)
        return None
    try:
        try:
            value = first_doc(edited)
        except ManifestError:
            value = first_doc(manual_strip(edited))
    except ManifestError as exc:
        return exc.message.replace("error converting YAML to JSON: ", "", 1)
    if not isinstance(value, dict) or not value:
        return "invalid object to validate"
    errors = []
    for field in ("apiVersion", "kind"):
        if value.get(field) is None:
            errors.append(f"{field} not set")
        elif not isinstance(value[field], str):
            errors.append(f"{field} isn't string type")
    if not errors:
        return None
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


def _has_lines(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


def _header(reasons: list[dict]) -> str:
    out = HEADER
    for r in reasons:
        head = r["head"].replace("\n", "\n# ")
        out += f"# {head}:\n" if r.get("other") else f"# {head}\n"
        for o in r.get("other", []):
            out += "# * " + o.replace("\n", "\n# ") + "\n"
        out += "#\n"
    return out


@command("edit", flags=flags_from_help("edit", {"filename": "stringSlice"}))
def edit(inv: Invocation) -> int:
    f = inv.flags
    fmt = f.get("output") or "yaml"
    if fmt not in ("yaml", "json", "kyaml"):
        raise KubectlError(f'unable to match a printer suitable for the output format "{fmt}", allowed formats '
                           "are: json,kyaml,yaml")
    fmt = "json" if fmt == "json" else "yaml"      # KYAML is shown as YAML in the playground
    filenames = f.get("filename") or []
    if not inv.args and not filenames:
        raise KubectlError(NO_RESOURCES)
    if filenames:
        found = manifest_refs(inv, filenames, f.get("recursive", False))
        for ref in found.refs:
            ref.obj = inv.cluster.get(ref.r.plural, ref.namespace, ref.name)
            if ref.obj is None:
                found.errors.append(str(apiserver.not_found(ref.r, ref.name)))
        found.refs = [ref for ref in found.refs if ref.obj is not None]
    else:
        found = find(inv, inv.args, selector=f.get("selector", "") if "selector" in f else "")
    if found.errors:
        return print_errors(inv, found.errors)
    if not found.refs:
        raise KubectlError("edit cancelled, no objects found")
    objs = [copy.deepcopy(ref.obj) for ref in found.refs]
    if not f.get("show-managed-fields"):      # editoptions.go: dropped before showing, so never in the patch
        for o in objs:
            o["metadata"].pop("managedFields", None)
    content = (HEADER if fmt == "yaml" else "") + _render(objs, fmt)
    path = f"/tmp/kubectl-edit-{inv.cluster.randint(1_000_000_000, 4_294_967_295)}.{fmt}"
    context = {"originals": objs, "original_text": content, "format": fmt, "file": path,
               "namespace": inv.namespace, "namespace_explicit": inv.namespace_explicit,
               "contains_error": False, "previous": "", "output": f.get("output", ""),
               "output_patch": bool(f.get("output-patch"))}
    inv.engine.open_editor(HANDLER, path, content, context, language=fmt)
    return 0


def _preserve(engine: Engine, term: Stream, context: dict, edited: str) -> None:
    """kubectl keeps the learner's buffer in its temp file when it gives up; so do we."""
    engine.host.files[context["file"]] = edited
    term.write(f'A copy of your changes has been stored to "{context["file"]}"\n')


def _reopen(engine: Engine, context: dict, edited: str, reasons: list[dict]) -> None:
    context = dict(context, contains_error=True, previous=edited)
    content = _header(reasons) + manual_strip(edited)
    engine.open_editor(HANDLER, context["file"], content, context, language=context.get("format", "yaml"))


def save(engine: Engine, edited: str | None, context: dict, term: Stream) -> int:
    if edited is None:
        term.write("Edit cancelled, no changes made.\n")
        return 0
    if context.get("contains_error") and strip_comments(context.get("previous", "")) == strip_comments(edited):
        _preserve(engine, term, context, edited)
        term.write("error: Edit cancelled, no valid changes were saved.\n")
        return 1
    problem = _validate_bytes(edited)
    if problem is not None:
        first = context["originals"][0]
        ro = res.for_object(first)
        name = first["metadata"]["name"]
        term.write(f'error: {ro.qualified} "{name}" is invalid\n')
        _reopen(engine, context, edited, [{
            "head": f'{ro.qualified} "{name}" was not valid',
            "other": [f'<nil>: Invalid value: "The edited file failed validation": {problem}']}])
        return 0
    if strip_comments(context["original_text"]) == strip_comments(edited):
        term.write("Edit cancelled, no changes made.\n")
        return 0
    if not _has_lines(edited):
        term.write("Edit cancelled, saved file was empty.\n")
        return 0
    entries = read_stream(edited, "edited-file")
    problems = [e for e in entries if isinstance(e, ManifestError)]
    if problems:
        _reopen(engine, context, edited, [{"head": f"The edited file had a syntax error: {problems[0].message}"}])
        return 0
    originals = {o["metadata"].get("uid"): o for o in context["originals"]}
    namespace = context["namespace"]
    reasons: list[dict] = []
    retryable = notfound = 0
    code = 0
    for entry in entries:
        obj = entry.obj
        r = res.for_object(obj)
        meta = obj.get("metadata") or {}
        if r is not None and r.namespaced and meta.get("namespace") and meta["namespace"] != namespace:
            _preserve(engine, term, context, edited)
            term.write(f'error: the namespace from the provided object "{meta["namespace"]}" does not match the '
                       f'namespace "{namespace}". You must pass \'--namespace={meta["namespace"]}\' to perform this '
                       "operation.\n")
            return 1
        original = originals.get(meta.get("uid"))
        if original is None:
            _preserve(engine, term, context, edited)
            term.write("error: no original object found for the edited object: its metadata.uid was changed\n")
            return 1
        ro = res.for_object(original)
        if obj == original:
            term.write(f"{ro.type_name}/{original['metadata']['name']} skipped\n")
            continue
        if obj.get("apiVersion") != original.get("apiVersion") or obj.get("kind") != original.get("kind") \
                or meta.get("name") != original["metadata"].get("name"):
            _preserve(engine, term, context, edited)
            term.write("error: At least one of apiVersion, kind and name was changed\n")
            return 1
        patch = merge.create_two_way_patch(original, obj)
        if context.get("output_patch"):
            term.write(f"Patch: {go_json(patch)}\n")
        name = original["metadata"]["name"]
        ns = original["metadata"].get("namespace")
        try:
            apiserver.patch(engine.cluster, ro, ns, name, "strategic", patch)
        except ApiError as exc:
            if exc.reason == "Invalid":
                term.write(f'error: {ro.qualified} "{name}" is invalid\n')
                reasons.append({"head": f'{ro.qualified} "{name}" was not valid', "other": list(exc.causes)})
            elif exc.reason == "NotFound":
                term.write(f'error: {ro.qualified} "{name}" could not be found on the server\n')
                notfound += 1
            else:
                term.write(f'error: {ro.qualified} "{name}" could not be patched: {exc.message}\n')
                retryable += 1
            continue
        term.write(f"{ro.type_name}/{name} edited\n")
    if retryable:
        engine.host.files[context["file"]] = edited
        term.write(f"You can run `kubectl replace -f {context['file']}` to try this update again.\n")
        return 1
    if notfound:
        engine.host.files[context["file"]] = edited
        term.write(f'The edits you made on deleted resources have been saved to "{context["file"]}"\n')
        return 1
    if reasons:
        _reopen(engine, context, edited, reasons)
    return code
