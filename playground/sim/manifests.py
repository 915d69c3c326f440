"""Reading manifests as kubectl's resource builder does: YAML or JSON, `---` documents, `kind: List`.

    entries = read_stream(text, "ckad/x.yaml")     # [Manifest | ManifestError, ...] in document order

YAML goes through PyYAML's composer and our own converter so that the result is what sigs.k8s.io/yaml
(go-yaml v2) would give: YAML 1.1 booleans including y/n, no timestamp conversion, string keys, merge
keys, and go-yaml's error wording (`yaml: line 6: could not find expected ':'`). Hostile input is
bounded: alias expansion (go-yaml's "excessive aliasing" rule), nesting depth and size.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent

MAX_STREAM_BYTES = 2 * 1024 * 1024      # one file or stdin
MAX_OBJECT_BYTES = 1024 * 1024          # one object, as the API server's request limit answers it
MAX_DEPTH = 100                         # nesting of mappings/sequences in one document
MAX_NODES = 1_000_000                   # nodes decoded in one document, aliases expanded


class ManifestError(Exception):
    """A reading error for one source, worded as kubectl prints it after `error: `."""

    def __init__(self, message: str, *, stops: bool = True):
        super().__init__(message)
        self.message = message
        self.stops = stops          # a parse error ends the stream; a decode error skips one document


@dataclass
class Manifest:
    obj: dict
    source: str                 # "ckad/x.yaml", "STDIN"
    raw_size: int = 0


# ---- Go JSON, as kubectl shows decoded objects in messages and annotations -------------------------------
def go_json(value) -> str:
    """encoding/json.Marshal of a map: sorted keys, compact, HTML-safe escapes."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# ---- YAML -----------------------------------------------------------------------------------------------
class _Alias:
    """An alias occurrence kept distinct from its anchor, so expansion can be counted."""
    __slots__ = ("node",)

    def __init__(self, node):
        self.node = node


class _DepthError(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer keeps aliases visible and refuses deep nesting."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.get_event()
            if event.anchor not in self.anchors:
                raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            return _Alias(self.anchors[event.anchor])
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _DepthError()
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# go-yaml v2 resolves these plain scalars as booleans (YAML 1.1), more than PyYAML does (y, n).
_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"
                                       and tag != "tag:yaml.org,2002:bool"]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("yYnNtTfFoO"))
# go-yaml also reads exponent forms without a dot (`1e3`) as numbers.
_Loader.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"),
                              list("-+.0123456789"))


# libyaml (when PyYAML has it) is a C parser and, like go-yaml, a port of libyaml: faster, same wording.
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):
        pass

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
else:                                   # pragma: no cover - the pure-Python composer is used instead
    _CLoader = None

_NESTING_START = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_NESTING_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_depth(doc: str) -> None:
    """Walk the event stream (no recursion) and refuse nesting deeper than MAX_DEPTH before composing."""
    loader = _CLoader(doc)
    try:
        depth = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _NESTING_START):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _DepthError()
            elif isinstance(event, _NESTING_END):
                depth -= 1
    finally:
        loader.dispose()


def _alias_ratio(decodes: int) -> float:
    """go-yaml's allowedAliasRatio: generous for small documents, strict for large ones."""
    if decodes <= 400_000:
        return 0.99
    if decodes >= 4_000_000:
        return 0.10
    return 0.99 - 0.89 * (decodes - 400_000) / 3_600_000


class _Converter:
    """Composed YAML nodes -> JSON-able Python values, as sigs.k8s.io/yaml converts YAML to JSON."""

    def __init__(self, loader):
        self.loader = loader
        self.decodes = 0
        self.aliases = 0
        self.seen: set[int] = set()          # nodes already decoded once: a second visit is an alias

    def value(self, node, depth: int = 0):
        self.decodes += 1
        if isinstance(node, _Alias):             # the pure-Python composer marks aliases
            node = node.node
            alias = True
        else:                                    # the C composer shares the anchored node object
            alias = id(node) in self.seen and not isinstance(node, yaml.ScalarNode)
            self.seen.add(id(node))
        if alias:
            self.aliases += 1
            if (self.aliases > 100 and self.decodes > 1000 and self.aliases / self.decodes > _alias_ratio(self.decodes)) \
                    or self.decodes > MAX_NODES:
                raise ManifestError("yaml: document contains excessive aliasing")
        if depth > MAX_DEPTH:
            raise _DepthError()
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                target = key_node.node if isinstance(key_node, _Alias) else key_node
                if isinstance(target, yaml.ScalarNode) and target.tag == "tag:yaml.org,2002:merge":
                    merged = self.value(value_node, depth + 1)
                    for m in merged if isinstance(merged, list) else [merged]:
                        if isinstance(m, dict):
                            for k, v in m.items():
                                out.setdefault(k, v)
                    continue
                out[self.key(key_node)] = self.value(value_node, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.value(v, depth + 1) for v in node.value]
        return self.scalar(node)

    def key(self, node) -> str:
        target = node.node if isinstance(node, _Alias) else node
        if isinstance(target, (yaml.MappingNode, yaml.SequenceNode)):
            # `{{ .Values.x }}` (a Helm template) parses as a mapping used as a key
            raise ManifestError(f"yaml: invalid map key: {_go_repr(self.value(node))}")
        value = self.value(node)
        if isinstance(value, str):
            return value
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value) if not isinstance(value, (dict, list)) else go_json(value)

    def scalar(self, node):
        tag = node.tag
        if tag == "tag:yaml.org,2002:bool":
            return node.value in _TRUE
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:binary", "tag:yaml.org,2002:timestamp") \
                or not tag.startswith("tag:yaml.org,2002:"):
            return node.value
        if tag == "tag:yaml.org,2002:null":
            return None
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            return node.value
        if isinstance(value, float):
            # json.Marshal: no Inf/NaN; an integral float is written (and read back) as an integer.
            if value != value or value in (float("inf"), float("-inf")):
                raise ManifestError("json: unsupported value: " + ("NaN" if value != value else
                                                                   "+Inf" if value > 0 else "-Inf"))
            if value.is_integer() and abs(value) < 2 ** 63:
                return int(value)
        return value


def _go_repr(v) -> str:
    """fmt's %#v of what go-yaml decodes into interface{} values."""
    if v is None:
        return "interface {}(nil)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[]interface {}{" + ", ".join(_go_repr(i) for i in v) + "}"
    return "map[interface {}]interface {}{" + ", ".join(f"{_go_repr(k)}:{_go_repr(x)}"
                                                       for k, x in sorted(v.items())) + "}"


_PY_TO_GO = [
    (re.compile(r"^mapping values are not allowed here"), "mapping values are not allowed in this context"),
    (re.compile(r"^found character .* that cannot start any token"), "found character that cannot start any token"),
    (re.compile(r"^expected ',' or '\]'"), "did not find expected ',' or ']'"),
    (re.compile(r"^expected ',' or '\}'"), "did not find expected ',' or '}'"),
    (re.compile(r"^found undefined alias '(.*)'"), r"unknown anchor '\1' referenced"),
    (re.compile(r"^expected a comment or a line break"), "did not find expected comment or line break"),
    (re.compile(r"^found unknown escape character"), "found unknown escape character"),
]


def _go_yaml_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's error -> go-yaml v2's `yaml: line N: problem` (its line-numbering quirks included)."""
    problem = exc.problem or ""
    context = exc.context or ""
    if problem.startswith("expected <block end>"):
        problem = "did not find expected key" if "mapping" in context else "did not find expected '-' indicator"
    elif problem.startswith("expected <document start>") or problem.startswith("expected '<document start>'"):
        problem = "did not find expected <document start>"
    else:
        for rx, repl in _PY_TO_GO:
            if rx.search(problem):
                problem = rx.sub(repl, problem) if "\\1" in repl else repl
                break
    if isinstance(exc, ComposerError):
        return f"yaml: {problem}"
    scanner = isinstance(exc, yaml.scanner.ScannerError)
    line = 0
    pm, cm = exc.problem_mark, exc.context_mark
    if pm is not None and pm.line != 0:
        line = pm.line + (1 if scanner else 0)
    elif cm is not None and cm.line != 0:
        line = cm.line
    return f"yaml: line {line}: {problem}" if line else f"yaml: {problem}"


def split_documents(text: str) -> list[str]:
    """k8s.io/apimachinery's YAMLReader: a line that starts with `---` followed by nothing or a comment."""
    docs, current = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if not rest or rest.startswith("#"):
                docs.append("".join(current))
                current = []
                continue
        current.append(line)
    docs.append("".join(current))
    return docs


def _expanded_size(root) -> int:
    """Nodes the document decodes to with every alias expanded, counted without expanding (memoised per
    node), so an alias bomb is refused in microseconds instead of walking its ~10^9 nodes."""
    sizes: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        node = node.node if isinstance(node, _Alias) else node
        key = id(node)
        if key in sizes and not done:
            continue
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if not done:
            sizes[key] = 1                       # provisional: a recursive alias counts once
            stack.append((node, True))
            stack.extend((c, False) for c in children)
        else:
            sizes[key] = 1 + sum(sizes.get(id(c.node if isinstance(c, _Alias) else c), 1) for c in children)
    return sizes[id(root.node if isinstance(root, _Alias) else root)]


def yaml_to_json(doc: str):
    """One YAML document -> JSON-able value (None for an empty document); raises ManifestError."""
    loader = None
    try:
        if _CLoader is not None:
            _check_depth(doc)
            loader = _CLoader(doc)
        else:
            loader = _Loader(doc)
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_NODES:       # a billion laughs: refuse before walking it (issue 7)
            raise ManifestError("yaml: document contains excessive aliasing")
        return _Converter(loader).value(node)
    except ManifestError as exc:
        raise ManifestError(f"error converting YAML to JSON: {exc.message}")
    except _DepthError:
        raise ManifestError(f"error converting YAML to JSON: yaml: exceeded max depth of {MAX_DEPTH}")
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem):
            raise ManifestError(f"error converting YAML to JSON: yaml: exceeded max depth of {MAX_DEPTH}")
        if exc.problem == "found undefined alias" and exc.problem_mark is not None:
            # libyaml leaves the name out; go-yaml names it
            name = re.match(r"\*?([^\s,\]}]*)", doc[exc.problem_mark.index:]).group(1)
            raise ManifestError(f"error converting YAML to JSON: yaml: unknown anchor '{name}' referenced")
        raise ManifestError(f"error converting YAML to JSON: {_go_yaml_message(exc)}")
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ManifestError(f"error converting YAML to JSON: yaml: {exc}")
    finally:
        if loader is not None:
            loader.dispose()


# ---- the resource builder's stream visitor ---------------------------------------------------------------
def _missing(field: str, value) -> str:
    return f"Object '{field}' is missing in '{go_json(value)}'"


def _decode(value, source: str) -> list[Manifest | ManifestError]:
    """One decoded document -> objects (a List is flattened), or the decode error kubectl prints."""
    if not isinstance(value, dict):
        kind = "array" if isinstance(value, list) else "string" if isinstance(value, str) else \
            "bool" if isinstance(value, bool) else "number"
        return [ManifestError(f'unable to decode "{source}": json: cannot unmarshal {kind} into Go value of type '
                              "unstructured.detector", stops=False)]
    kind = value.get("kind")
    if not kind or not isinstance(kind, str):
        return [ManifestError(f'unable to decode "{source}": {_missing("Kind", value)}', stops=False)]
    if kind == "List" or (kind.endswith("List") and isinstance(value.get("items"), list)):
        items = value.get("items")
        if items is not None and not isinstance(items, list):
            return [ManifestError(f'unable to decode "{source}": json: cannot unmarshal {_json_kind(items)} into '
                                  "Go struct field List.items of type []runtime.RawExtension", stops=False)]
        out: list[Manifest | ManifestError] = []
        for item in items or []:
            out.extend(_decode(item, source))
        return out
    meta = value.get("metadata")
    if meta is None and "metadata" in value:
        # `metadata: null` decodes as no metadata at all (Go's ObjectMeta zero value).
        value = {k: v for k, v in value.items() if k != "metadata"}
    if meta is not None and not isinstance(meta, dict):
        return [ManifestError(f'unable to decode "{source}": json: cannot unmarshal '
                              f'{"array" if isinstance(meta, list) else "string"} into Go struct field '
                              f"{kind}.metadata of type v1.ObjectMeta", stops=False)]
    for field in ("name", "namespace", "generateName"):
        v = (meta or {}).get(field)
        if v is not None and not isinstance(v, str):
            go = "bool" if isinstance(v, bool) else "number" if isinstance(v, (int, float)) else \
                "array" if isinstance(v, list) else "object"
            return [ManifestError(f'unable to decode "{source}": json: cannot unmarshal {go} into Go struct field '
                                  f"ObjectMeta.metadata.{field} of type string", stops=False)]
    for field in ("labels", "annotations"):
        v = (meta or {}).get(field)
        if v is None:
            continue
        if not isinstance(v, dict):
            return [ManifestError(f'unable to decode "{source}": json: cannot unmarshal {_json_kind(v)} into Go '
                                  f"struct field ObjectMeta.metadata.{field} of type map[string]string", stops=False)]
        for item in v.values():
            if item is not None and not isinstance(item, str):
                return [ManifestError(f'unable to decode "{source}": json: cannot unmarshal {_json_kind(item)} into '
                                      f"Go struct field ObjectMeta.metadata.{field} of type string", stops=False)]
    return [Manifest(value, source, len(go_json(value)))]


def _json_kind(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def read_stream(text: str, source: str) -> list[Manifest | ManifestError]:
    """Every object in a file or stdin, in order; a parse error is the stream's last entry."""
    if len(text.encode("utf-8", "replace")) > MAX_STREAM_BYTES:
        return [ManifestError(f"error reading {source}: the playground reads at most {MAX_STREAM_BYTES} bytes "
                              "of manifests at a time")]
    out: list[Manifest | ManifestError] = []
    if text.lstrip().startswith("{"):
        # YAMLOrJSONDecoder: a stream that starts with `{` is read as concatenated JSON values; at the
        # first value that is not JSON it carries on as YAML (a truncated value is `unexpected EOF`).
        decoder = json.JSONDecoder()
        pos = len(text) - len(text.lstrip())
        while pos < len(text):
            try:
                value, end = decoder.raw_decode(text, pos)
            except ValueError as exc:
                if getattr(exc, "pos", 0) >= len(text.rstrip()):
                    out.append(ManifestError(f"error parsing {source}: unexpected EOF"))
                    return out
                break
            out.extend(_decode(value, source))
            pos = end
            while pos < len(text) and text[pos].isspace():
                pos += 1
        text = text[pos:]
    for doc in split_documents(text):
        if not doc.strip():
            continue
        try:
            value = yaml_to_json(doc)
        except ManifestError as exc:
            out.append(ManifestError(f"error parsing {source}: {exc.message}"))
            return out
        if value is None:
            continue
        out.extend(_decode(value, source))
    return out


def parse_one(text: str) -> dict:
    """A single YAML/JSON object (kubectl edit's saved buffer); raises ManifestError with the bare reason."""
    if len(text.encode("utf-8", "replace")) > MAX_STREAM_BYTES:
        raise ManifestError(f"the playground reads at most {MAX_STREAM_BYTES} bytes at a time")
    values = []
    for doc in split_documents(text):
        if doc.strip():
            v = yaml_to_json(doc)
            if v is not None:
                values.append(v)
    if not values:
        raise ManifestError("no objects")
    return values[0]
