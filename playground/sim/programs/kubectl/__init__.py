"""`kubectl`: the program entry. Subcommands live in sibling modules, declared with @command and collected
by registry.build() into the Engine's capability registry (engine.kubectl_commands)."""
from __future__ import annotations

from .. import program
from ...proc import Proc
from .framework import GLOBAL_FLAGS, Invocation, KubectlError, first_word, help_text, parse, split_command, suggestions
from ...managedfields import acting
from ...network import cluster_unreachable_error



def print_error(proc: Proc, exc: KubectlError, path: str) -> int:
    if exc.raw:
        proc.err(exc.message if exc.message.endswith("\n") or not exc.message else exc.message + "\n")
        return exc.code
    proc.err(f"error: {exc.message}\n")
    if exc.usage == "usage":
        proc.err(f"See '{path} --help' for usage.\n")
    elif exc.usage == "help":
        proc.err(f"See '{path} -h' for help and examples\n")
    return exc.code


# The field manager each command sends (its --field-manager default in kubectl v1.35's sources); commands
# that send none are named by the API server from the user agent: `kubectl`.
FIELD_MANAGERS = {"create": "kubectl-create", "apply": "kubectl-client-side-apply", "run": "kubectl-run",
                  "expose": "kubectl-expose", "edit": "kubectl-edit", "label": "kubectl-label",
                  "annotate": "kubectl-annotate", "patch": "kubectl-patch", "replace": "kubectl-replace",
                  "set": "kubectl-set", "rollout": "kubectl-rollout", "autoscale": "kubectl-autoscale",
                  "taint": "kubectl-taint"}


def field_manager(inv) -> tuple[str, str]:
    """(manager, subresource) for the writes of this command; `scale` writes the scale subresource."""
    if inv.flags.get("field-manager") and "field-manager" in inv.changed:
        return inv.flags["field-manager"], ""
    verb = inv.cmd.path.split()[0]
    if verb == "scale":
        return "kubectl", "scale"
    if inv.cmd.path == "apply set-last-applied":
        return "kubectl", ""
    return FIELD_MANAGERS.get(verb, "kubectl"), ""


def _wants_help(argv: list[str]) -> bool:
    for a in argv:
        if a == "--":
            return False
        if a in ("-h", "--help", "--help=true"):
            return True
    return False


@program("kubectl")
def kubectl(proc: Proc) -> int:
    commands = proc.engine.kubectl_commands.commands
    argv = proc.argv[1:]
    cmd, path, rest = split_command(argv, commands)
    if cmd is None:
        word = first_word(argv)
        if word is not None and word != "help":
            msg = f'unknown command "{word}" for "kubectl"'
            hints = suggestions(word)
            if hints:
                msg += "\n\nDid you mean this?\n" + "".join(f"\t{h}\n" for h in hints)
            proc.err(f"error: {msg.rstrip(chr(10))}\n")
            return 1
        if word == "help":
            topic = [a for a in argv if not a.startswith("-")][1:]
            target, tpath, _ = split_command(topic, commands)
            text = help_text(target.path if target else "")
            proc.out(text or "")
            return 0
        if _wants_help(argv) or not argv:
            proc.out(help_text("") or "kubectl controls the Kubernetes cluster manager.\n")
            return 0
    name = f"kubectl {cmd.path}" if cmd else "kubectl"
    if _wants_help(rest):
        text = help_text(cmd.path if cmd else "")
        if text is None:
            proc.out(f"{name}: help is not available in the playground for this command.\n")
        else:
            proc.out(text)
        return 0
    try:
        if cmd is None:
            args, values, changed, after, dash = parse(argv, GLOBAL_FLAGS)
            proc.out(help_text("") or "")
            return 0
        given: list = []
        args, values, changed, after, dash = parse(rest, GLOBAL_FLAGS + cmd.flags, given)
        for name, why in dict.fromkeys((f.name, f.deprecated) for f, _ in given if f.deprecated):
            proc.err(f"Flag --{name} has been deprecated, {why}\n")
        inv = Invocation(proc, cmd, args, values, changed, after, dash, given)
        if cmd.needs_server and not proc.cluster.running:
            proc.err(cluster_unreachable_error(proc.cluster))
            return 1
        with acting(*field_manager(inv)):
            return cmd.handler(inv)
    except KubectlError as exc:
        return print_error(proc, exc, name)
