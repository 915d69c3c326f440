"""Tab completion for the browser terminal, as bash with kubectl's and minikube's completion scripts offers it.

    complete(engine, line, cursor) -> (start, matches)

`start` is where the word being completed begins in `line`; each match replaces line[start:cursor].
Directories end with "/"; the terminal adds a space after a single match that does not.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import re

from . import resources
from .host import HOME
from .programs import PROGRAMS, load_all
from .programs import vfs
from .shell import BUILTINS, UBUNTU_ALIASES

if TYPE_CHECKING:
    from .engine import Engine

MAX_MATCHES = 200

TYPED_COMMANDS = {"get", "describe", "edit", "delete", "label", "annotate", "patch", "explain"}
EXPOSE_TYPES = ["deployment", "pod", "replicaset", "replicationcontroller", "service"]
SCALE_TYPES = ["deployment", "replicaset", "replicationcontroller", "statefulset"]
GLOBAL_FLAGS = ["--namespace", "--all-namespaces", "--context", "--kubeconfig", "--help"]
OUTPUT_FORMATS = ["custom-columns=", "json", "jsonpath=", "name", "wide", "yaml"]
MINIKUBE_COMMANDS = ["addons", "cache", "config", "dashboard", "delete", "docker-env", "image", "ip", "kubectl",
                     "logs", "mount", "node", "pause", "profile", "service", "ssh", "start", "status", "stop",
                     "tunnel", "unpause", "update-context", "version"]
MINIKUBE_ADDONS = ["configure", "disable", "enable", "images", "list", "open"]
SHELL_WORDS = ["if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "sudo"]


def _words(text: str) -> list[tuple[int, str]]:
    """(start, word) of each word of the current command, quotes removed; ends at the cursor."""
    words: list[tuple[int, str]] = []
    cur: list[str] = []
    start = None
    quote = ""
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
            else:
                cur.append(c)
        elif c in "'\"":
            quote = c
            start = i if start is None else start
        elif c == "\\" and i + 1 < len(text):
            start = i if start is None else start
            cur.append(text[i + 1])
            i += 1
        elif c in " \t\n":
            if start is not None:
                words.append((start, "".join(cur)))
            cur, start = [], None
        elif c in "|;&()`" or text.startswith("$(", i):
            words, cur, start = [], [], None      # a new command starts here
            if text.startswith("$(", i):
                i += 1
        elif c in "<>":
            if start is not None:
                words.append((start, "".join(cur)))
            words.append((i, c))
            cur, start = [], None
        else:
            start = i if start is None else start
            cur.append(c)
        i += 1
    words.append((start if start is not None else len(text), "".join(cur)))
    return words


# In-pod shells (kubectl exec -it POD -- sh) complete from the container: programs/container/sh.py sets it.
POD_COMPLETE = None


def complete(engine: Engine, line: str, cursor: int | None = None) -> tuple[int, list[str]]:
    if not PROGRAMS:
        load_all()
    if engine.host.shell_stack and POD_COMPLETE is not None:
        return POD_COMPLETE(engine, line, len(line) if cursor is None else max(0, min(cursor, len(line))))
    cursor = len(line) if cursor is None else max(0, min(cursor, len(line)))
    try:
        words = _words(line[:cursor])
    except Exception:
        return cursor, []
    start, word = words[-1]
    args = [w for _, w in words[:-1]]
    prev = args[-1] if args else ""
    # skip `VAR=x` prefixes and sudo to find the command word
    k = 0
    while k < len(args) and (re.match(r"[A-Za-z_][A-Za-z0-9_]*=", args[k]) or args[k] == "sudo"):
        k += 1
    cmd_args = args[k:]
    if cmd_args:                      # `alias k=kubectl`: complete k like kubectl
        table = {a: v for a, v in (UBUNTU_ALIASES | engine.host.aliases).items() if v}
        if cmd_args[0] in table:
            cmd_args = table[cmd_args[0]].split() + cmd_args[1:]
    dollar = word.rfind("$")
    if dollar >= 0 and re.fullmatch(r"\{?[A-Za-z0-9_]*", word[dollar + 1:]):
        names = set(engine.host.env()) | {"HOME", "USER", "PWD", "OLDPWD", "PATH", "SHELL", "HOSTNAME"}
        var = word[dollar:]
        brace = var.startswith("${")
        stem = var[2:] if brace else var[1:]
        return start + dollar, [("${" + n + "}" if brace else "$" + n) for n in sorted(names) if n.startswith(stem)]
    if prev in ("<", ">") or word.startswith(("/", "./", "../", "~")):
        matches = _paths(engine, word)
    elif not cmd_args:
        matches = _commands(word)
    elif cmd_args[0] == "kubectl":
        matches = _kubectl(engine, cmd_args[1:], word)
    elif cmd_args[0] == "minikube":
        matches = _minikube(engine, cmd_args[1:], word)
    elif cmd_args[0] == "cd":
        matches = [m for m in _paths(engine, word) if m.endswith("/")]
    else:
        matches = _paths(engine, word)
    return start, sorted(set(matches))[:MAX_MATCHES]


def _commands(prefix: str) -> list[str]:
    names = set(PROGRAMS) | set(BUILTINS) | set(SHELL_WORDS)
    return [n for n in names if n.startswith(prefix) and n not in (".", ":", "[")]


def _paths(engine: Engine, word: str) -> list[str]:
    host = engine.host
    shown_dir, _, base = word.rpartition("/")
    if "/" in word:
        shown_dir += "/"
    real_dir = host.abspath(shown_dir.replace("~", HOME, 1) if shown_dir.startswith("~") else shown_dir or ".")
    if word.startswith("~") and "/" not in word:
        return ["~/"] if "~".startswith(word) else []
    if not vfs.is_dir(host, real_dir):
        return []
    out = []
    for name in vfs.listdir(host, real_dir):
        if not name.startswith(base) or (name.startswith(".") and not base.startswith(".")):
            continue
        full = real_dir.rstrip("/") + "/" + name
        out.append(shown_dir + name + ("/" if vfs.is_dir(host, full) else ""))
    return out


# ---- kubectl ---------------------------------------------------------------------------------------
def _type_names() -> list[str]:
    names = set()
    for r in resources.RESOURCES:
        names.update({r.plural, r.singular, *r.short_names})
    return sorted(names)


def _kubectl(engine: Engine, args: list[str], word: str) -> list[str]:
    registry = engine.kubectl_commands       # the real command tree, simulated or not
    namespace, all_ns = "default", False
    positional: list[str] = []
    k = 0
    value_flags = {"-n", "--namespace", "-o", "--output", "-l", "--selector", "-f", "--filename", "--image",
                   "--port", "--replicas", "--type", "--name", "--target-port", "-c", "--container", "-p",
                   "--patch", "--tcp", "--node-port", "--context"}
    while k < len(args):
        a = args[k]
        if a == "--":
            positional = positional + ["--"]
            break
        if a.startswith("-"):
            if a in ("-n", "--namespace") and k + 1 < len(args):
                namespace = args[k + 1]
            elif a.startswith("--namespace="):
                namespace = a.split("=", 1)[1]
            elif a.startswith("-n") and len(a) > 2 and not a.startswith("--"):
                namespace = a[2:]
            elif a in ("-A", "--all-namespaces"):
                all_ns = True
            if a in value_flags:
                k += 1
            k += 1
            continue
        positional.append(a)
        k += 1
    prev = args[-1] if args else ""
    if prev in ("-n", "--namespace"):
        return [o["metadata"]["name"] for o in engine.cluster.list("namespaces") if
                o["metadata"]["name"].startswith(word)]
    if prev in ("-o", "--output"):
        return [f for f in OUTPUT_FORMATS if f.startswith(word)]
    if prev == "--type":
        return [t for t in ("ClusterIP", "LoadBalancer", "NodePort", "ExternalName", "json", "merge", "strategic")
                if t.startswith(word)]
    if prev in ("-f", "--filename"):
        return _paths(engine, word)
    if not positional:
        if word.startswith("-"):
            return [f for f in GLOBAL_FLAGS if f.startswith(word)]
        return [c for c in registry.children("") if c.startswith(word)]
    sub = positional[0]
    # the command path typed so far, longest first (`create svc nodeport` is an alias of a real path)
    path = next((" ".join(positional[:n]) for n in (3, 2, 1) if " ".join(positional[:n]) in registry.commands), sub)
    if word.startswith("-"):
        cmd = registry.commands.get(path)
        flags = sorted({f"--{f.name}" for f in (cmd.flags if cmd else [])} | {"--namespace", "--help"})
        return [f for f in flags if f.startswith(word)]
    ns = None if all_ns else namespace
    real_path = registry.commands[path].path if path in registry.commands else path
    if len(positional) == len(path.split()) and registry.children(real_path):
        return [s for s in registry.children(real_path) if s.startswith(word)]
    if sub in TYPED_COMMANDS:
        if "/" in word:
            kind, _, prefix = word.partition("/")
            return [f"{kind}/{n}" for n in _object_names(engine, kind, ns, prefix)]
        if len(positional) == 1:
            types = _type_names() + (["all"] if sub == "get" else [])
            return [t for t in types if t.startswith(word)]
        if sub == "explain":
            return []
        kinds = positional[1].split(",")
        if len(kinds) == 1 and "/" not in kinds[0]:
            return _object_names(engine, kinds[0], ns, word)
        return []
    if sub in ("expose", "scale", "rollout" if len(positional) > 1 else "-"):
        types = EXPOSE_TYPES if sub == "expose" else SCALE_TYPES if sub == "scale" else ["deployment",
                                                                                         "daemonset", "statefulset"]
        idx = 2 if sub == "rollout" else 1
        if "/" in word:
            kind, _, prefix = word.partition("/")
            return [f"{kind}/{n}" for n in _object_names(engine, kind, ns, prefix)]
        if len(positional) == idx:
            return [t for t in types if t.startswith(word)]
        if len(positional) == idx + 1:
            return _object_names(engine, positional[idx], ns, word)
        return []
    if sub == "set" and len(positional) == 2:
        return [t for t in SCALE_TYPES + ["pod"] if t.startswith(word)]
    if sub == "set" and len(positional) == 3:
        return _object_names(engine, positional[2], ns, word)
    if sub in ("logs", "exec", "attach", "port-forward") and len(positional) == 1:
        return _object_names(engine, "pods", ns, word)
    if sub == "config" and len(positional) == 2 and positional[1] == "use-context":
        return [c for c in ("minikube",) if c.startswith(word)]
    if "--" in positional:
        return _paths(engine, word)
    return []


def _object_names(engine: Engine, kind: str, namespace: str | None, prefix: str) -> list[str]:
    r = resources.lookup(kind)
    if r is None:
        return []
    try:
        objs = engine.cluster.list(r.plural, namespace if r.namespaced else None)
    except Exception:
        return []
    return [o["metadata"]["name"] for o in objs if o.get("metadata", {}).get("name", "").startswith(prefix)]


# ---- minikube --------------------------------------------------------------------------------------
def _minikube(engine: Engine, args: list[str], word: str) -> list[str]:
    positional = [a for a in args if not a.startswith("-")]
    if word.startswith("-"):
        flags = {"start": ["--driver", "--cni", "--kubernetes-version", "--memory", "--cpus", "--nodes"],
                 "service": ["--url", "--namespace", "--all"], "delete": ["--all", "--purge"]}
        return [f for f in flags.get(positional[0] if positional else "", []) + ["--help", "--profile"]
                if f.startswith(word)]
    if not positional:
        return [c for c in MINIKUBE_COMMANDS if c.startswith(word)]
    sub = positional[0]
    if sub == "addons" and len(positional) == 1:
        return [c for c in MINIKUBE_ADDONS if c.startswith(word)]
    if sub == "addons" and len(positional) == 2 and positional[1] in ("enable", "disable", "open", "configure"):
        names = ["dashboard", "default-storageclass", "ingress", "ingress-dns", "metallb", "metrics-server",
                 "registry", "storage-provisioner"]
        return [n for n in names if n.startswith(word)]
    if sub == "service" and len(positional) == 1:
        ns = "default"
        if "-n" in args and args.index("-n") + 1 < len(args):
            ns = args[args.index("-n") + 1]
        return _object_names(engine, "services", ns, word)
    return []
