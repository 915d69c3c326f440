"""Regex-bomb benchmark: CPU per command for each hostile-regex vector, and for ordinary grep/sed work on a
20,000-line file (the price of evaluating learner patterns safely).

    .venv/bin/python tests/bench/bench_regex_bombs.py [--rounds 5]

Figures are this thread's CPU time (time.thread_time) in milliseconds: median and max over the rounds. The
issue's target is "well under 100 ms" for every bomb; tests/security/test_regex_bombs.py asserts what the
learner sees, this only prints.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playground.sim.engine import Engine  # noqa: E402
from playground.sim.host import HOME  # noqa: E402

A40 = "a" * 40
LOG = "".join(f"2024-01-01 GET /api/v1/items/{i} HTTP/1.1 200 {i * 7} some text\n" for i in range(20_000))
VECTORS = [
    ("grep -E nested", f"echo {A40}! | grep -E '(a+)+$'"),
    ("grep BRE nested", f"echo {A40}! | grep '\\(a*\\)*$'"),
    ("grep -E (a|aa)*b", f"echo {A40} | grep -E '(a|aa)*b'"),
    ("grep -E (.*a){20}", f"echo {'a' * 19}{'b' * 5000} | grep -E '(.*a){{20}}'"),
    ("grep -E backref", f"echo {A40} | grep -E '(a|aa)*\\1b'"),
    ("grep -P nested (PCRE limit)", f"echo {A40}! | grep -P '(a+)+$'"),
    ("grep -P per-position budget", "grep -cP '(a+)+$' runs.txt"),
    ("sed -E nested", f"echo {A40}! | sed -E 's/(a+)+$/X/'"),
    ("awk nested", f"echo {A40}! | awk '/(a+)+$/'"),
    ("ordinary grep -E, 20k lines", "grep -cE 'items/[0-9]+3 ' big.log"),
    ("ordinary grep -w, 20k lines", "grep -cw items big.log"),
    ("ordinary grep -P, 20k lines", "grep -cP 'items/\\d+3 ' big.log"),
    ("ordinary sed s///g, 20k lines", "sed 's/items/ITEMS/g' big.log | tail -1"),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    rounds = ap.parse_args().rounds
    engine = Engine.new(seed=1, now=1_800_000_000)
    engine.host.files[f"{HOME}/big.log"] = LOG
    engine.host.files[f"{HOME}/runs.txt"] = ("a" * 20 + "!") * 400 + "\n"
    engine.run("true")
    print(f"{'vector':34} {'p50 ms':>8} {'max ms':>8}  first line of output")
    for name, line in VECTORS:
        times, out = [], ""
        for _ in range(rounds):
            t = time.thread_time()
            out = engine.run(line).output
            times.append((time.thread_time() - t) * 1000)
        first = out.splitlines()[0] if out else "(no output)"
        print(f"{name:34} {statistics.median(times):8.1f} {max(times):8.1f}  {first[:70]}")


if __name__ == "__main__":
    main()
