"""`--record` (deprecated, still accepted): the kubernetes.io/change-cause annotation, as cli-runtime's
RecordFlags write it (genericclioptions/record_flags.go).

--record / --record=true always sets the annotation; leaving the flag out updates it only where the object
already has one; --record=false leaves it alone. The value is parseCommandArguments: `kubectl`, then every
positional word in order (the command path included), then each flag typed as ` --name=value`.
"""
from __future__ import annotations

from .framework import Flag, GLOBAL_FLAGS, Invocation, parse

CHANGE_CAUSE = "kubernetes.io/change-cause"
RECORD_FLAG = Flag("record", kind="bool", hidden=True, deprecated="--record will be removed in the future",
                   help="Record current kubectl command in the resource annotation.")


def change_cause(inv: Invocation) -> str:
    words = []
    argv = inv.proc.argv[1:]
    seen: list = []
    positional, *_ = parse(argv, GLOBAL_FLAGS + inv.cmd.flags, seen)
    words = ["kubectl", *positional]
    return " ".join(words) + "".join(f" --{flag.name}={raw}" for flag, raw in seen)


def record(inv: Invocation, obj: dict) -> bool:
    """Apply the recorder to obj's annotations; True when it wrote the annotation."""
    if "record" not in inv.flags:
        return False
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if inv.flags["record"] or ("record" not in inv.changed and CHANGE_CAUSE in annotations):
        obj.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = change_cause(inv)
        return True
    return False
