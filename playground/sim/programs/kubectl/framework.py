"""kubectl's command tree and flag parsing, with cobra/pflag semantics and messages.

A subcommand is declared once:

    @command("create deployment", aliases=("create deploy",), flags=[
        Flag("image", kind="stringSlice", help=...), Flag("replicas", "r", "int", 1), *print_flags()])
    def create_deployment(inv: Invocation) -> int: ...

pflag rules reproduced: flags may appear anywhere among the arguments, `--` ends them, `--f=v`,
`--f v`, `-n v`, `-nv`, `-n=v`, bools take no separate value (`--f=false` works), short bools combine
(`-it`), and every parse error reads exactly as kubectl prints it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ...proc import Proc

HELP_DIR = Path(__file__).with_name("help")


def help_text(path: str) -> str | None:
    """kubectl's own help for a command path ("" is the root), captured from kubectl v1.35."""
    f = HELP_DIR / (("kubectl" if not path else path.replace(" ", "_")) + ".txt")
    return f.read_text() if f.exists() else None


class KubectlError(Exception):
    """An error kubectl prints as `error: <message>` (or verbatim when raw) and exits with `code`."""

    def __init__(self, message: str, code: int = 1, *, usage: str = "", raw: bool = False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.usage = usage      # "help" -> "See 'kubectl X -h' for help and examples", "usage" -> "--help' for usage."
        self.raw = raw


@dataclass
class Flag:
    name: str
    short: str = ""
    kind: str = "string"        # bool | string | int | stringArray | stringSlice | duration
    default: Any = None
    help: str = ""
    no_opt: str | None = None   # value when given without `=`, e.g. --dry-run -> "unchanged"/"client"
    hidden: bool = False
    deprecated: str = ""        # pflag MarkDeprecated: "Flag --x has been deprecated, <this>" when used

    def __post_init__(self):
        if self.default is None:
            self.default = {"bool": False, "int": 0, "stringArray": [], "stringSlice": []}.get(self.kind, "")

    @property
    def label(self) -> str:
        """How pflag names a flag in errors: `-r, --replicas` or `--image`."""
        return f"-{self.short}, --{self.name}" if self.short else f"--{self.name}"


GLOBAL_FLAGS = [
    Flag("namespace", "n", help="If present, the namespace scope for this CLI request"),
    Flag("context"), Flag("cluster"), Flag("user"), Flag("kubeconfig"), Flag("server", "s"),
    Flag("token"), Flag("as"), Flag("as-group", kind="stringArray"), Flag("as-uid"), Flag("cache-dir"),
    Flag("certificate-authority"), Flag("client-certificate"), Flag("client-key"),
    Flag("insecure-skip-tls-verify", kind="bool"), Flag("disable-compression", kind="bool"),
    Flag("match-server-version", kind="bool"), Flag("request-timeout", default="0"), Flag("tls-server-name"),
    Flag("username"), Flag("password"), Flag("kuberc"), Flag("profile", default="none"),
    Flag("profile-output", default="profile.pprof"), Flag("log-flush-frequency", default="5s"),
    Flag("v", "v", "int", 0), Flag("warnings-as-errors", kind="bool"),
]


@dataclass
class Command:
    path: str                                   # "create deployment"
    handler: Callable[["Invocation"], int]
    flags: list[Flag] = field(default_factory=list)
    aliases: tuple[str, ...] = ()               # "create deploy"
    needs_server: bool = True                   # False: works with the cluster stopped (version --client)
    simulated: bool = True                      # False: a real kubectl path the playground declines plainly

    @property
    def canonical(self) -> str:
        return f"kubectl {self.path}"


# Top-level verbs in kubectl's own order (cobra sorting is off), used for "Did you mean this?".
TOP_LEVEL = ["create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale",
             "autoscale", "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint",
             "describe", "logs", "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug", "events",
             "diff", "apply", "patch", "replace", "wait", "kustomize", "label", "annotate", "completion",
             "alpha", "api-resources", "api-versions", "config", "plugin", "version", "options", "help"]


def command(path: str, *, flags: list[Flag] | None = None, aliases: tuple[str, ...] = (),
            needs_server: bool = True, simulated: bool = True):
    """Declare a handler for a command path. Nothing is registered here: the handler carries its
    declarations, and registry.build() collects them from an explicit list of modules."""
    def declare(fn):
        decls = fn.__dict__.setdefault("kubectl_commands", [])
        decls.append(Command(path, fn, list(flags or []), aliases, needs_server, simulated))
        return fn
    return declare


def group_help(inv: "Invocation") -> int:
    """A bare command group (`kubectl set`): its help on stderr and exit 1, as cobra does."""
    if inv.args:
        raise KubectlError(f'unknown command "{" ".join(inv.args)}"', usage="help")
    inv.err(help_text(inv.cmd.path) or "")
    return 1


@dataclass
class Invocation:
    """One parsed kubectl call, handed to a command handler."""
    proc: Proc
    cmd: Command
    args: list[str]                      # positional arguments (after the command path)
    flags: dict[str, Any]                # every flag of the command, with defaults filled in
    changed: set[str]                    # flags the learner actually set
    after_dash: list[str]                # arguments after `--` (exec, run)
    dash_index: int = -1                 # position of `--` among args, cobra's ArgsLenAtDash
    given: list = field(default_factory=list)   # (Flag, raw value) in the order typed, as pflag's ParseAll sees them

    @property
    def cluster(self):
        return self.proc.cluster

    @property
    def engine(self):
        return self.proc.engine

    @property
    def namespace(self) -> str:
        return self.flags.get("namespace") or self.proc.host.namespace or "default"

    @property
    def namespace_explicit(self) -> bool:
        return "namespace" in self.changed

    def out(self, text: str) -> None:
        self.proc.out(text)

    def err(self, text: str) -> None:
        self.proc.err(text)

    def warn(self, text: str) -> None:
        self.proc.err(f"Warning: {text}\n")

    def fail(self, message: str, *, usage: str = "", code: int = 1) -> None:
        raise KubectlError(message, code, usage=usage)


# ---- parsing ------------------------------------------------------------------------------------
def _convert(flag: Flag, raw: str, label: str) -> Any:
    if flag.kind in ("int", "int32"):
        value = _go_parse_int(raw)
        bits = 32 if flag.kind == "int32" else 64
        problem = "invalid syntax" if value is None else \
            "value out of range" if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)) else ""
        if problem:
            raise KubectlError(f'invalid argument "{raw}" for "{label}" flag: strconv.ParseInt: parsing '
                               f'"{raw}": {problem}', usage="usage")
        return value
    if flag.kind == "bool":
        low = raw
        if low in ("1", "t", "T", "true", "TRUE", "True"):
            return True
        if low in ("0", "f", "F", "false", "FALSE", "False"):
            return False
        raise KubectlError(f'invalid argument "{raw}" for "{label}" flag: strconv.ParseBool: parsing '
                           f'"{raw}": invalid syntax', usage="usage")
    return raw


def _go_parse_int(raw: str) -> int | None:
    """strconv.ParseInt(raw, 0, ...) as pflag calls it: sign, then 0x/0o/0b/0 prefixes, `_` between digits."""
    import re
    m = re.fullmatch(r"([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)", raw)
    if not m:
        return None
    body = m.group(2)
    if "_" in body and (body.endswith("_") or "__" in body or (body[0] != "0" and "_" in body[:1])):
        return None
    digits = body.replace("_", "")
    if "_" in body and not (len(body) > 1 and body[0] == "0"):
        return None                       # underscores only with a base prefix
    base = {"x": 16, "o": 8, "b": 2}.get(digits[1:2].lower(), 8 if len(digits) > 1 and digits[0] == "0" else 10)
    digits = digits[2:] if base != 10 and digits[1:2].isalpha() else digits
    value = int(digits or "0", base)
    return -value if m.group(1) == "-" else value


def _assign(values: dict, changed: set, flag: Flag, raw: str, label: str, seen: list | None = None) -> None:
    value = _convert(flag, raw, label)
    if seen is not None:
        seen.append((flag, raw))
    if flag.kind == "stringArray":
        values[flag.name] = (values[flag.name] if flag.name in changed else []) + [value]
    elif flag.kind == "stringSlice":
        # pflag's StringSlice reads its value as one CSV record.
        parts = _csv_split(raw, label)
        values[flag.name] = (values[flag.name] if flag.name in changed else []) + parts
    else:
        values[flag.name] = value
    changed.add(flag.name)


def _csv_split(raw: str, label: str) -> list[str]:
    """pflag's readAsCSV: one record of Go's encoding/csv, with its error wording and byte columns."""
    if raw == "":
        return []
    fields: list[str] = []
    data = raw.encode()
    i = 0

    def fail(col: int, what: str) -> KubectlError:
        quoted = '"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return KubectlError(f'invalid argument {quoted} for "{label}" flag: parse error on line 1, column {col}: '
                            f"{what}", usage="usage")
    while True:
        if data[i:i + 1] != b'"':                      # a plain field runs to the next comma
            j = data.find(b",", i)
            field = data[i:] if j < 0 else data[i:j]
            q = field.find(b'"')
            if q >= 0:
                raise fail(i + q + 1, 'bare " in non-quoted-field')
            fields.append(field.decode())
            if j < 0:
                return fields
            i = j + 1
            continue
        i += 1                                         # a quoted field: "" is a quote, " ends it
        buf = b""
        while True:
            k = data.find(b'"', i)
            if k < 0:
                raise fail(len(data) + 1, 'extraneous or missing " in quoted-field')
            buf += data[i:k]
            i = k + 1
            if data[i:i + 1] == b'"':
                buf += b'"'
                i += 1
            elif data[i:i + 1] == b",":
                fields.append(buf.decode())
                i += 1
                break
            elif i >= len(data):
                fields.append(buf.decode())
                return fields
            else:
                raise fail(k + 1, 'extraneous or missing " in quoted-field')


def parse(argv: list[str], flags: list[Flag], seen: list | None = None) -> tuple[list[str], dict, set, list[str], int]:
    """pflag over argv: returns (positional args, values, changed, args after --, index of --).
    `seen`, when given, collects (flag, raw value) in the order they were typed."""
    by_name = {f.name: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    values = {f.name: (list(f.default) if isinstance(f.default, list) else f.default) for f in flags}
    changed: set[str] = set()
    args: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            rest = argv[i:]
            return args + rest, values, changed, rest, len(args)
        if a.startswith("--") and len(a) > 2:
            name, eq, val = a[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise KubectlError(f"unknown flag: --{name}", usage="usage")
            if eq:
                _assign(values, changed, flag, val, flag.label, seen)
            elif flag.kind == "bool":
                _assign(values, changed, flag, "true", flag.label, seen)
            elif flag.no_opt is not None:
                _assign(values, changed, flag, flag.no_opt, flag.label, seen)
            elif i < len(argv):
                _assign(values, changed, flag, argv[i], flag.label, seen)
                i += 1
            else:
                raise KubectlError(f"flag needs an argument: --{name}", usage="usage")
        elif a.startswith("-") and len(a) > 1 and a != "-":
            shorts = a[1:]
            j = 0
            while j < len(shorts):
                c = shorts[j]
                flag = by_short.get(c)
                if flag is None:
                    raise KubectlError(f"unknown shorthand flag: '{c}' in -{shorts}", usage="usage")
                rest = shorts[j + 1:]
                if rest.startswith("="):
                    _assign(values, changed, flag, rest[1:], flag.label, seen)
                    break
                if flag.kind == "bool":
                    _assign(values, changed, flag, "true", flag.label, seen)
                    j += 1
                    continue
                if flag.no_opt is not None and not rest:
                    _assign(values, changed, flag, flag.no_opt, flag.label, seen)
                    break
                if rest:
                    _assign(values, changed, flag, rest, flag.label, seen)
                elif i < len(argv):
                    _assign(values, changed, flag, argv[i], flag.label, seen)
                    i += 1
                else:
                    raise KubectlError(f"flag needs an argument: '{c}' in -{shorts}", usage="usage")
                break
        else:
            args.append(a)
    return args, values, changed, [], -1


from ...images import levenshtein as _levenshtein  # noqa: E402  (cobra's edit distance)


def suggestions(word: str) -> list[str]:
    """cobra's "Did you mean this?": distance <= 2 or a prefix, in command order."""
    w = word.lower()
    return [c for c in TOP_LEVEL if c != "help" and (_levenshtein(w, c) <= 2 or c.startswith(w))]


_PATH_INDEX: dict[int, tuple[int, frozenset, frozenset]] = {}


def _path_index(commands: dict[str, Command]) -> tuple[frozenset, frozenset]:
    """The global flags that take a value, and every proper prefix of a command path ("create", "create
    secret"): built once per registry rather than scanning every command for each word typed."""
    hit = _PATH_INDEX.get(id(commands))
    if hit is None or hit[0] != len(commands):
        with_value = frozenset({f"--{f.name}" for f in GLOBAL_FLAGS if f.kind != "bool"} |
                               {f"-{f.short}" for f in GLOBAL_FLAGS if f.short and f.kind != "bool"})
        groups = frozenset(" ".join(words[:i]) for words in (k.split(" ") for k in commands)
                           for i in range(1, len(words)))
        hit = _PATH_INDEX[id(commands)] = (len(commands), with_value, groups)
    return hit[1], hit[2]


def split_command(argv: list[str], commands: dict[str, Command]) -> tuple[Command | None, list[str], list[str]]:
    """Find the subcommand among argv (global flags may come first): (cmd, path words, the rest of argv).

    Leading non-flag words extend the path while they name a known command or command group; the
    longest registered path wins and everything else (flags, arguments) is returned in order.
    """
    global_with_value, groups = _path_index(commands)
    taken: list[int] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            break
        if a.startswith("-") and a != "-":
            i += 2 if a in global_with_value else 1
            continue
        candidate = " ".join([argv[j] for j in taken] + [a])
        if candidate in commands or candidate in groups:
            taken.append(i)
            i += 1
            continue
        break
    while taken and " ".join(argv[j] for j in taken) not in commands:
        taken.pop()
    if not taken:
        return None, [], argv
    path = [argv[j] for j in taken]
    rest = [a for j, a in enumerate(argv) if j not in set(taken)]
    return commands[" ".join(path)], path, rest


def first_word(argv: list[str]) -> str | None:
    """The first non-flag word, for `unknown command "X" for "kubectl"`."""
    global_with_value = {f"--{f.name}" for f in GLOBAL_FLAGS if f.kind != "bool"} | \
                        {f"-{f.short}" for f in GLOBAL_FLAGS if f.short and f.kind != "bool"}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            return None
        if a.startswith("-") and a != "-":
            i += 2 if a in global_with_value else 1
            continue
        return a
    return None
