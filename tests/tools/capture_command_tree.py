"""Capture real kubectl v1.35's whole command tree (every path, with its Usage line) into
tests/sim/data/kubectl_command_tree.tsv, for the test that walks it against the playground.

    .venv/bin/python tests/tools/capture_command_tree.py [path/to/kubectl]

Unlike capture_help.py this keeps alpha, plugin and completion: the playground must answer for every
real path, simulated or not. One line per path: `path<TAB>usage line` (the first line under "Usage:").
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.tools.capture_help import kubectl_binary, run_help, subcommands  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "sim/data/kubectl_command_tree.tsv"


def usage_line(text: str) -> str:
    lines = text.splitlines()
    return lines[lines.index("Usage:") + 1].strip() if "Usage:" in lines else ""


def main() -> None:
    kubectl = kubectl_binary()
    rows: list[str] = []
    queue: list[list[str]] = [[]]
    while queue:
        words = queue.pop(0)
        text = run_help(kubectl, words)
        if words:
            rows.append(f"{' '.join(words)}\t{usage_line(text)}")
        queue += [words + [sub] for sub in subcommands(text, root=not words) if sub != "help"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(r + "\n" for r in sorted(rows)))
    print(f"captured {len(rows)} command paths into {OUT}")


if __name__ == "__main__":
    main()
