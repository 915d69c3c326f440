"""Capture real kubectl v1.35's `--help` text for every command into playground/sim/programs/kubectl/help/.

Walks the command tree from the root help's command lists and each group's "Available Commands:",
so the playground prints kubectl's own words. Run after changing the oracle version:

    .venv/bin/python tests/tools/capture_help.py [path/to/kubectl]

Files are named after the command path with underscores (`set image` -> set_image.txt, root -> kubectl.txt).
HOME is the learner's (/home/student) so defaults such as --cache-dir read as in the sandbox.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "playground/sim/programs/kubectl/help"
SKIP: set[str] = set()       # every real path, so unsimulated ones still print their help; "help" at the root only


def kubectl_binary() -> str:
    if len(sys.argv) > 1:
        return sys.argv[1]
    sys.path.insert(0, str(ROOT))
    from tests.tools.oracle import oracle_path
    path = oracle_path()
    if path is None:
        raise SystemExit("no kubectl oracle available")
    return path


def run_help(kubectl: str, words: list[str], flag: str = "--help") -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/home/student", "KUBECONFIG": "/dev/null"}
    res = subprocess.run([kubectl, *words, *([flag] if flag else [])], capture_output=True, text=True, env=env,
                         check=True)
    return res.stdout


def subcommands(text: str, root: bool) -> list[str]:
    """Command names listed in a help text (all sections at the root, "Available Commands:" elsewhere)."""
    names: list[str] = []
    in_list = False
    for line in text.splitlines():
        if re.match(r"^\S.*:$", line):
            in_list = root and line.endswith("Commands:") or line.endswith("Commands (Beginner):") \
                or line.endswith("Commands (Intermediate):") or line == "Available Commands:"
            if root and line.startswith("Usage:"):
                in_list = False
            continue
        m = re.match(r"^  (\S+)\s{2,}\S", line)
        if in_list and m:
            names.append(m.group(1))
        elif not line.strip():
            continue
        else:
            in_list = in_list and bool(m)
    return names


def main() -> None:
    kubectl = kubectl_binary()
    OUT.mkdir(parents=True, exist_ok=True)
    queue: list[list[str]] = [[]]
    count = 0
    while queue:
        words = queue.pop(0)
        text = run_help(kubectl, words)
        name = "_".join(words) if words else "kubectl"
        (OUT / f"{name}.txt").write_text(text)
        count += 1
        for sub in subcommands(text, root=not words):
            if sub not in SKIP and sub != "help":
                queue.append(words + [sub])
    for extra in (["options"], ["help"]):
        text = run_help(kubectl, extra)
        (OUT / f"{'_'.join(extra)}.txt").write_text(text)
    # `kubectl options` prints the global flags (its own --help prints nothing).
    (OUT / "options_list.txt").write_text(run_help(kubectl, ["options"], flag=""))
    print(f"captured {count} help texts into {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
