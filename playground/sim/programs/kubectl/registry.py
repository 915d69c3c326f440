"""The kubectl capability registry: every command path of kubectl v1.35, simulated or declined plainly.

    reg = build()                       # Engine() keeps it as engine.kubectl_commands
    reg.commands["rollout status"]      # -> Command (aliases too: "create deploy")
    reg.simulated(), reg.not_simulated()

Built from an explicit, ordered list of modules whose handlers carry their @command declarations (a path
declared twice is an error, never a silent override), then completed from v1.35's command tree (the
captured help texts in help/): a real path with subcommands and no handler is a group that prints its
help; any other real path without a handler answers that the playground does not simulate it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .framework import Command, Invocation, group_help
from .helpflags import flags_from_help
from .record import RECORD_FLAG

HELP_DIR = Path(__file__).with_name("help")
# The modules that declare commands. Order does not decide anything: duplicates are refused.
MODULES = ("get", "describe", "create", "create_ingress", "apply", "delete", "edit", "exec", "explain", "expose",
           "label", "logs", "patch", "run", "scale", "setimage", "config", "misc", "rollout", "setenv",
           "create_more", "events", "wait", "top", "attach", "portforward", "create_access", "autoscale",
           "kustomize", "diff", "cp", "debug", "proxy")
NOT_REAL = {"kubectl", "options list"}       # help files that are not command paths
ENTRY = {"help"}                             # answered by the kubectl entry itself (__init__.py)


def real_paths() -> tuple[str, ...]:
    """kubectl v1.35's command paths, from the help texts captured by tests/tools/capture_help.py."""
    names = (f.stem.replace("_", " ") for f in HELP_DIR.glob("*.txt"))
    return tuple(sorted(n for n in names if n not in NOT_REAL))


def not_simulated(inv: Invocation) -> int:
    inv.err(f"error: the playground does not simulate 'kubectl {inv.cmd.path}' (it is a real kubectl command; "
            "see 'kubectl help' for what it does)\n")
    return 1


@dataclass(frozen=True)
class Registry:
    commands: dict[str, Command]         # every path and alias -> Command
    real: tuple[str, ...]                # v1.35's command paths

    def simulated(self) -> list[str]:
        return [p for p in self.real if p in ENTRY or p in self.commands and self.commands[p].simulated]

    def not_simulated(self) -> list[str]:
        return [p for p in self.real if p not in self.simulated()]

    def children(self, path: str) -> list[str]:
        """The real subcommands of a path ("" for the top level), by name."""
        depth = len(path.split()) + 1 if path else 1
        prefix = path + " " if path else ""
        return sorted({p.split()[depth - 1] for p in self.real
                       if p.startswith(prefix) and len(p.split()) == depth})


def _declared() -> dict[str, Command]:
    table: dict[str, Command] = {}
    for name in MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        seen: set[int] = set()
        for value in vars(module).values():
            if id(value) in seen or not hasattr(value, "kubectl_commands"):
                continue
            seen.add(id(value))
            for cmd in value.kubectl_commands:
                for path in (cmd.path, *cmd.aliases):
                    if path in table and table[path] is not cmd:
                        raise RuntimeError(f"kubectl {path} is declared twice ({name} and elsewhere)")
                    table[path] = cmd
    return table


# Commands that take cli-runtime's RecordFlags (a hidden, deprecated --record), per kubectl v1.35's sources.
RECORDING = ("annotate", "apply", "apply edit-last-applied", "autoscale", "create", "edit", "expose", "label", "patch",
             "replace", "run", "scale", "set image", "set resources", "set selector", "set serviceaccount")


def _add_record_flag(table: dict[str, Command]) -> None:
    for path in RECORDING:
        cmd = table.get(path)
        if cmd is not None and not any(f.name == "record" for f in cmd.flags):
            cmd.flags.append(RECORD_FLAG)


@cache
def build() -> Registry:
    table = _declared()
    _add_record_flag(table)
    real = real_paths()
    for path in real:
        if path in table or path in ENTRY:
            continue
        if any(p.startswith(path + " ") for p in real):
            table[path] = Command(path, group_help, needs_server=False)
        else:
            table[path] = Command(path, not_simulated, flags_from_help(path), needs_server=False, simulated=False)
    return Registry(table, real)


def markdown(reg: Registry) -> str:
    """docs/kubectl-commands.md: what the playground simulates of kubectl v1.35 (regenerate with
    `python -m playground.sim.programs.kubectl.registry > docs/kubectl-commands.md`)."""
    sim, not_sim = reg.simulated(), reg.not_simulated()
    lines = ["# kubectl in the playground", "",
             f"Generated from the capability registry: {len(sim)} of kubectl v1.35's {len(reg.real)} command paths "
             f"are simulated (command groups print their help, as kubectl does); the other {len(not_sim)} answer "
             "that the playground does not simulate them.", "",
             "| Command | Simulated |", "| --- | --- |"]
    groups = {p for p in reg.real if reg.children(p)}
    lines += [f"| `kubectl {p}` | {'group: prints its help' if p in groups else 'yes' if p in sim else 'no'} |"
              for p in reg.real]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(build()), end="")
