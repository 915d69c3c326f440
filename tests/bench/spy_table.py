"""Sum py-spy's raw stacks (load.py --spy) into where a worker's time went: the share of samples spent in
(inclusive) or directly in (self) each function, the largest first.

    .venv/bin/python tests/bench/spy_table.py tests/artifacts/spy/n300-worker0.txt [--top 40]
"""
from __future__ import annotations

import argparse
import re
from collections import Counter

FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>[^:]*)(?::\d+)?\)$")


def short(frame: str) -> str:
    m = FRAME.match(frame)
    if not m:
        return frame
    path = m["file"]
    for cut in ("site-packages/", "/perf/", "lib/python3.11/"):
        if cut in path:
            path = path.split(cut, 1)[1]
    return f"{m['fn']} ({path})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    inclusive, own, total = Counter(), Counter(), 0
    for name in args.files:
        with open(name) as f:
            for line in f:
                stack, _, count = line.rstrip("\n").rpartition(" ")
                if not stack:
                    continue
                n = int(count)
                frames = [short(fr) for fr in stack.split(";")]
                total += n
                for fr in set(frames):
                    inclusive[fr] += n
                own[frames[-1]] += n
    print(f"{total} samples")
    print("inclusive:")
    for fr, n in inclusive.most_common(args.top):
        print(f"  {n / total:6.1%}  {fr}")
    print("self:")
    for fr, n in own.most_common(args.top):
        print(f"  {n / total:6.1%}  {fr}")


if __name__ == "__main__":
    main()
