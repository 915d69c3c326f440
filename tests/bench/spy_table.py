"""Sum py-spy's raw stacks (load.py --spy) into where a worker's time went: the share of samples spent in
(inclusive) or directly in (self) each function, the largest first; with --parts, the share of each part of
a command's path (README "Where the time goes in one command").

    .venv/bin/python tests/bench/spy_table.py tests/artifacts/spy/n300-worker0.txt [--top 40] [--parts]
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


# The parts of a socket command's path, each named by a function its samples pass through; a sample counts
# for the first part whose marker is in its stack (so the command thread's parts come before the loop's).
PARTS = [
    ("a page's hello (its session, load the sandbox, draw its diagram)", ("SandboxConsumer._open_sync", "SandboxConsumer._hello_sync")),
    ("command: rate limit (Redis)", ("playground/ratelimit.py",)),
    ("command: engine (shell, kubectl, controllers)", ("Engine.run (",)),
    ("command: lesson assessment", ("lessons/",)),
    ("command: store the changed rows", ("write_changes (",)),
    ("command: save the sandbox row", ("_save_sandbox (",)),
    ("command: the command record", ("_record (", "CommandRecord")),
    ("command: diagram diff", ("Diagram.advance (",)),
    ("command: quotas", ("_bytes_error (", "_quota_error (")),
    ("command: the rest (cache, transaction, commit)", ("SandboxConsumer._run_sync",)),
    ("database connection back to the pool", ("close_old_connections",)),
    ("channel layer: publish (group_send)", ("group_send",)),
    ("channel layer: receive", ("RedisChannelLayer.receive", "InMemoryChannelLayer.receive")),
    ("socket: send (JSON, WebSocket frame)", ("send_json", "sendMessage")),
    ("socket: receive (frame, JSON, dispatch)", ("SandboxConsumer.receive", "dataReceived", "doRead")),
    ("command pool hand-off", ("run_in_executor", "ThreadPoolExecutor.submit", "_worker (concurrent/futures/thread.py)")),
    ("event loop and the rest", ("",)),
]


def parts(stacks: list[tuple[str, int]]) -> Counter:
    shares: Counter = Counter()
    for stack, n in stacks:
        shares[next(name for name, markers in PARTS if any(m in stack for m in markers))] += n
    return shares


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--parts", action="store_true", help="the share of each part of a command's path instead")
    args = ap.parse_args()
    inclusive, own, total = Counter(), Counter(), 0
    stacks: list[tuple[str, int]] = []
    for name in args.files:
        with open(name) as f:
            for line in f:
                stack, _, count = line.rstrip("\n").rpartition(" ")
                if not stack:
                    continue
                n = int(count)
                frames = [short(fr) for fr in stack.split(";")]
                stacks.append((";".join(frames), n))
                total += n
                for fr in set(frames):
                    inclusive[fr] += n
                own[frames[-1]] += n
    print(f"{total} samples")
    if args.parts:
        for name, n in sorted(parts(stacks).items(), key=lambda kv: [p[0] for p in PARTS].index(kv[0])):
            print(f"  {n / total:6.1%}  {name}")
        return
    print("inclusive:")
    for fr, n in inclusive.most_common(args.top):
        print(f"  {n / total:6.1%}  {fr}")
    print("self:")
    for fr, n in own.most_common(args.top):
        print(f"  {n / total:6.1%}  {fr}")


if __name__ == "__main__":
    main()
