"""Issue 13's attacks against a two-worker PostgreSQL + Redis deployment while 50 learners work (a benchmark,
not a test): prints the learners' round trip (send -> result) p50/p95/p99 before, during each attack, and
after the last. Target: p95 under 200 ms during any attack, under 100 ms after.

    .venv/bin/python -m tests.bench.attacks                      # 50 learners, 15 s per phase
    .venv/bin/python -m tests.bench.attacks --learners 50 --phase 20 --think 2

The attacker is one learner (within the command rate limit, as in the issue) on both workers at once.
Starts its own deployment on localhost (tests/scale/stack.py); everything listens on 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.load import pct  # noqa: E402
from tests.scale.stack import Stack, recv_until, ws_connect  # noqa: E402

WORK = ["kubectl get pods", "kubectl get svc", "echo hi", "kubectl get deploy", "ls", "kubectl get nodes"]


async def learners(stack: Stack, who: list[dict], think: float, stop: asyncio.Event, samples: list) -> None:
    async def one(index: int, learner: dict) -> None:
        rng = random.Random(index)
        await asyncio.sleep(rng.uniform(0, think))
        async with ws_connect(stack.workers[index % len(stack.workers)], learner) as ws:
            await recv_until(ws, lambda m: m["type"] == "hello", timeout=60)
            k = 0
            while not stop.is_set():
                sent = time.perf_counter()
                await ws.send(json.dumps({"type": "command", "id": k, "line": WORK[k % len(WORK)]}))
                msg, _ = await recv_until(ws, lambda m: m["type"] in ("result", "error"), timeout=120)
                samples.append((time.perf_counter(), (time.perf_counter() - sent) * 1000, msg["type"] == "error"))
                k += 1
                await asyncio.sleep(max(0.0, rng.expovariate(1 / think) - (time.perf_counter() - sent)))
    await asyncio.gather(*(one(i, w) for i, w in enumerate(who)))


# ---- the attacks: each runs until `stop` is set ---------------------------------------------------------
async def repeat_on_sockets(stack: Stack, attacker: dict, line: str, stop: asyncio.Event) -> None:
    """The same heavy line, back to back, from a socket on each worker."""
    async def loop(worker):
        async with ws_connect(worker, attacker) as ws:
            await recv_until(ws, lambda m: m["type"] == "hello", timeout=60)
            while not stop.is_set():
                await ws.send(json.dumps({"type": "command", "id": 0, "line": line}))
                msg, _ = await recv_until(ws, lambda m: m["type"] in ("result", "error"), timeout=120)
                if msg["type"] == "error":          # the rate limit: wait for the next window
                    await asyncio.sleep(1)
    await asyncio.gather(*(loop(w) for w in stack.workers))


BURST_LINE = os.environ.get("BURST_LINE", "sort -r f | wc -l")     # BURST_LINE="echo hi": the HTTP cost alone


# HTTP attacks run in a process of their own: sixty clients in this process would slow the learners' event
# loop here and show up as server latency. The attacker's connections are opened (keep-alive) before its
# bursts: sixty fresh httpx clients per burst cost this 2-core machine over a second of CPU (an SSL context
# each), which slowed the workers the learners measure as much as the requests did; a real attacker's
# client runs on their own machine.
def _burst(bases: list[str], attacker: dict, seconds: float) -> list[int]:
    """A burst of 60 parallel commands every 10 s (one rate-limit window) for `seconds`; the status codes."""
    import concurrent.futures
    import http.client
    import threading
    from urllib.parse import urlsplit

    import httpx

    with httpx.Client(base_url=bases[0], cookies={"sessionid": attacker["session"]}, timeout=60) as c:
        c.get("/sandboxes/")
        token = c.cookies["csrftoken"]
    body = json.dumps({"line": BURST_LINE})
    headers = {"Cookie": f"sessionid={attacker['session']}; csrftoken={token}", "X-CSRFToken": token,
               "Content-Type": "application/json"}
    local = threading.local()

    def post(i: int) -> int:
        if not hasattr(local, "conns"):
            local.conns = {}
        u = urlsplit(bases[i % len(bases)])
        conn = local.conns.get(u.port)
        for _ in range(2):                  # a keep-alive connection the server closed: open it again
            if conn is None:
                conn = local.conns[u.port] = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            try:
                conn.request("POST", f"/api/sandboxes/{attacker['sandbox']}/commands", body, headers)
                response = conn.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = local.conns[u.port] = None
        return 0
    codes: list[int] = []
    until = time.perf_counter() + seconds
    with concurrent.futures.ThreadPoolExecutor(60) as pool:
        while time.perf_counter() < until:
            started = time.perf_counter()
            codes += pool.map(post, range(60))
            time.sleep(max(0.0, 10 - (time.perf_counter() - started)))
    return codes


def _dump(base: str, attacker: dict, seconds: float) -> int:
    import concurrent.futures

    import httpx

    def loop(_):
        n, until = 0, time.perf_counter() + seconds
        with httpx.Client(base_url=base, cookies={"sessionid": attacker["session"]}, timeout=60) as c:
            while time.perf_counter() < until:
                c.get(f"/api/sandboxes/{attacker['sandbox']}/objects", params={"kind": "cm"})
                n += 1
        return n
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        return sum(pool.map(loop, range(3)))


async def in_process(fn, *args):
    import concurrent.futures

    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)


async def api_burst(stack: Stack, attacker: dict, stop: asyncio.Event) -> None:
    """60 parallel API commands to one sandbox, a burst per 10 s rate-limit window (the issue's attack:
    within the command rate limit; a raw HTTP flood beyond it is for the proxy to limit)."""
    while not stop.is_set():
        codes = await in_process(_burst, [w.base for w in stack.workers], attacker, 10.0)
        print("  burst answers:", {c: codes.count(c) for c in sorted(set(codes))}, flush=True)


async def objects_dump(stack: Stack, attacker: dict, stop: asyncio.Event) -> None:
    """Three clients looping over the objects API."""
    while not stop.is_set():
        await in_process(_dump, stack.workers[0].base, attacker, 5.0)


async def _hold_sockets(workers: list, attacker: dict, seconds: float) -> int:
    held = []
    try:
        for i in range(400):
            try:
                held.append(await ws_connect(workers[i % len(workers)], attacker).__aenter__())
            except Exception:
                pass
        await asyncio.sleep(seconds)
        return len(held)
    finally:
        for ws in held:
            try:
                await ws.close()
            except Exception:
                pass


def _socket_flood(bases: list[tuple[str, str]], attacker: dict, seconds: float) -> int:
    from types import SimpleNamespace

    workers = [SimpleNamespace(base=base, ws_base=ws_base) for base, ws_base in bases]
    return asyncio.run(_hold_sockets(workers, attacker, seconds))


async def socket_flood(stack: Stack, attacker: dict, stop: asyncio.Event) -> None:
    """Hundreds of sockets from the attacker (past PODSCAPE_SOCKETS_PER_USER they are closed with 4429), opened
    from a process of its own: 400 handshakes in this process's event loop would delay the learners' clients."""
    while not stop.is_set():
        await in_process(_socket_flood, [(w.base, w.ws_base) for w in stack.workers], attacker, 10.0)


async def tab_flood(stack: Stack, attacker: dict, stop: asyncio.Event) -> None:
    async with ws_connect(stack.workers[0], attacker) as ws:
        await recv_until(ws, lambda m: m["type"] == "hello", timeout=60)
        while not stop.is_set():
            await ws.send(json.dumps({"type": "complete", "id": 1, "line": "kubectl get configmap ", "cursor": 22}))
            await recv_until(ws, lambda m: m["type"] in ("completion", "error"), timeout=60)


SORT = "sort -n " + " ".join(["f"] * 20) + " | wc -l"
ATTACKS = {
    "sort of 20 copies of a 1 MB file": lambda s, a, stop: repeat_on_sockets(s, a, SORT, stop),
    "printf '%0999999999d'": lambda s, a, stop: repeat_on_sockets(s, a, "printf '%0999999999d' 1 | wc -c", stop),
    "grep -c over the file x20": lambda s, a, stop: repeat_on_sockets(s, a, "grep -c 1 " + "f " * 20, stop),
    "1 MB ConfigMaps in a loop": lambda s, a, stop: repeat_on_sockets(
        s, a, "for i in $(seq 20); do kubectl create configmap big$RANDOM$i --from-file=f; done", stop),
    "60 parallel API commands": api_burst,
    "objects API dump x3": objects_dump,
    "400 sockets from one learner": socket_flood,
    "Tab completion flood": tab_flood,
}


def summary(name: str, samples: list, start: float, end: float) -> dict:
    rtt = [r for t, r, _ in samples if start <= t < end]
    errors = sum(1 for t, _, e in samples if start <= t < end and e)
    # the machine's 1-minute load average as the phase ends: on a shared machine, other jobs' CPU shows up
    # in the learners' round trips, and this says how much there was
    row = {"phase": name, "commands": len(rtt), "errors": errors, "p50": round(pct(rtt, 50), 1),
           "p95": round(pct(rtt, 95), 1), "p99": round(pct(rtt, 99), 1), "load": round(os.getloadavg()[0], 1)}
    print(f"{name:<36} {row['commands']:>6} {row['p50']:>8} {row['p95']:>8} {row['p99']:>8} {errors:>6} "
          f"{row['load']:>5}", flush=True)
    return row


async def run(stack: Stack, n: int, think: float, phase: float, only: list[str]) -> list[dict]:
    who, attacker = stack.learners[:n], stack.learners[n]
    async with ws_connect(stack.workers[0], attacker) as ws:       # the attacker's 1 MB file
        await recv_until(ws, lambda m: m["type"] == "hello", timeout=60)
        await ws.send(json.dumps({"type": "command", "id": 0, "line": "seq 1 300000 > f"}))
        await recv_until(ws, lambda m: m["type"] == "result", timeout=60)
    samples: list = []
    stop_all = asyncio.Event()
    work = asyncio.create_task(learners(stack, who, think, stop_all, samples))
    await asyncio.sleep(think * 2)                 # everyone connected and typing
    rows = []
    print(f"{'phase':<36} {'cmds':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'load':>5}", flush=True)
    t = time.perf_counter()
    await asyncio.sleep(phase)
    rows.append(summary("before (no attack)", samples, t, time.perf_counter()))
    for name, attack in ATTACKS.items():
        if only and not any(o in name for o in only):
            continue
        stop = asyncio.Event()
        task = asyncio.create_task(attack(stack, attacker, stop))
        t = time.perf_counter()
        await asyncio.sleep(phase)
        rows.append(summary(f"during: {name}", samples, t, time.perf_counter()))
        stop.set()
        try:
            await asyncio.wait_for(task, 120)
        except Exception as exc:
            print(f"  (attack ended with {exc!r})", flush=True)
        t = time.perf_counter()
        await asyncio.sleep(phase / 3)
        rows.append(summary("  after it", samples, t, time.perf_counter()))
    stop_all.set()
    await work
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--learners", type=int, default=50)
    ap.add_argument("--think", type=float, default=2.0, help="mean seconds between one learner's commands")
    ap.add_argument("--phase", type=float, default=15.0, help="seconds measured per phase")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated parts of attack names to run")
    args = ap.parse_args(argv)
    env = {"PODSCAPE_CREATES_PER_MINUTE": "1000000"}
    with Stack("pgredis", workers=args.workers, extra_env=env) as stack:
        stack.seed(args.learners + 1)
        rows = asyncio.run(run(stack, args.learners, args.think, args.phase,
                               [o for o in args.only.split(",") if o]))
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
