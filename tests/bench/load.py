"""Load generator: N learners, each with a sandbox, typing lesson commands over the terminal socket with
think time. Starts its own deployment on localhost (tests/scale/stack.py), so it needs no setup:

    .venv/bin/python -m tests.bench.load --setup embedded --learners 200 --think 5 --duration 60
    .venv/bin/python -m tests.bench.load --setup pgredis --workers 2 --learners 200 --think 5 --duration 60
    .venv/bin/python -m tests.bench.load --setup pgredis --workers 2 --find-max --target-p95 100

Reports throughput, command round trip (send -> result) p50/p95/p99 and diagram-push latency (send ->
the topology diff arriving on a second socket of the same sandbox, which for pgredis is held by the other
worker). A diff is matched to its command by the sandbox version both carry: one that comes more than
PUSH_WAIT s after its command counts as late (push_late), one that never comes (within LATE_WAIT s more,
after the run) as lost (push_missing), unless the diagram's socket had closed (push_socket_gone: a page
reconnects and its hello brings the whole diagram). Also reports the CPU each part (the workers, this generator,
PostgreSQL, Redis) spent per command, in all and once every learner has connected (steady), and how busy
the whole machine was (other jobs included). Run time is bounded by --duration (plus start-up and late
diffs); everything listens on 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import os
import resource
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.scale.stack import Stack, recv_until, ws_connect  # noqa: E402

# What a learner types in lesson 3 (Services), in order; repeated with fresh names.
LESSON = [
    "kubectl get nodes",
    "kubectl create deployment web{n} --image=nginx --replicas=2",
    "kubectl get pods -o wide",
    "kubectl expose deployment web{n} --port=80",
    "kubectl get svc",
    "kubectl describe svc web{n}",
    "kubectl get endpoints web{n}",
    "kubectl scale deployment web{n} --replicas=3",
    "kubectl get deploy",
    "kubectl delete svc web{n}",
    "kubectl delete deployment web{n}",
]
CHANGES = {1, 3, 7, 9, 10}          # lines that change the diagram
WATCH = "kubectl get pods -w"       # what a watching learner keeps open in tab 2 (--watchers)
PUSH_WAIT = 10.0                    # seconds a learner waits for its command's diff before typing on
LATE_WAIT = 20.0                    # then, after the run, for a diff that is late rather than lost


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def learner(stack: Stack, index: int, who: dict, think: float, until: float, stats: dict, run: str,
                  watches: bool = False, arrive: float = 0.0) -> None:
    workers = stack.workers
    typing_on, watching_on = workers[index % len(workers)], workers[(index + 1) % len(workers)]
    rng = random.Random(index)
    # learners arrive over `arrive` s (a class opening its pages; run_load's default: the first think period)
    await asyncio.sleep(rng.uniform(0, arrive))
    try:
        opened = time.perf_counter()
        async with ws_connect(typing_on, who) as tab, ws_connect(watching_on, who) as diagram:
            # a page opening: the socket's handshake, then its hello (the sandbox and its whole diagram)
            await recv_until(tab, lambda m: m["type"] == "hello", timeout=60)
            stats["hello"].append((time.perf_counter() - opened) * 1000)
            await recv_until(diagram, lambda m: m["type"] == "hello", timeout=60)
            stats["hello"].append((time.perf_counter() - opened) * 1000)
            if watches:
                # a second terminal tab holds `kubectl get pods -w` open for the whole run (issue 15): its
                # rows arrive as `stream` messages on every socket of the sandbox
                await tab.send(json.dumps({"type": "command", "id": -1, "session": "2", "line": WATCH}))
                started, _ = await recv_until(tab, lambda m: m["type"] in ("result", "error"), timeout=60)
                if started.get("type") != "result" or not started.get("running"):
                    raise RuntimeError(f"the watch did not start: {str(started)[:200]}")
                stats["watchers"] += 1
            arrived: dict[int, float] = {}              # sandbox version -> when its diff arrived
            news = asyncio.Event()

            watching = {"closed": None}

            async def watch():
                try:
                    async for raw in diagram:
                        msg = json.loads(raw)
                        if msg["type"] == "topology":
                            arrived[msg.get("version")] = time.perf_counter()
                            news.set()
                        elif msg["type"] == "stream":
                            out = (msg.get("streams") or {}).get("2", {}).get("output", "")
                            stats["watch_rows"] += out.count("\n")
                except Exception as exc:     # the diagram's socket dropped (a page would reconnect: hello)
                    watching["closed"] = repr(exc)[:200]
                else:
                    watching["closed"] = f"closed {diagram.close_code}"

            async def push_of(version: int, timeout: float) -> float | None:
                deadline = time.perf_counter() + timeout
                while version not in arrived:
                    news.clear()
                    left = deadline - time.perf_counter()
                    if left <= 0:
                        return None
                    try:
                        await asyncio.wait_for(news.wait(), left)
                    except asyncio.TimeoutError:
                        pass
                return arrived[version]
            watcher = asyncio.create_task(watch())
            late: list[tuple[int, float]] = []
            step, n = 0, 0
            while time.perf_counter() < until:
                # names unique per run: a sandbox keeps what an earlier run (or the warm-up) left in it
                text = LESSON[step].format(n=f"{run}-{n}")
                sent = time.perf_counter()
                await tab.send(json.dumps({"type": "command", "id": step, "line": text}))
                msg, _ = await recv_until(tab, lambda m: m["type"] in ("result", "error"), timeout=60)
                done = time.perf_counter()
                if msg["type"] == "error":
                    stats["errors"] += 1
                else:
                    stats["rtt"].append((done - sent) * 1000)
                    stats["rtt_at"].append((sent, (done - sent) * 1000))
                    stats["commands"] += 1
                    stats["nonzero_exit"] += msg.get("exit_code") != 0
                if step in CHANGES and msg["type"] == "result" and msg.get("exit_code") == 0:
                    # the diff of this command's version on the other socket (diffs are matched by version)
                    at = await push_of(msg["version"], PUSH_WAIT)
                    if at is None:
                        late.append((msg["version"], sent))
                    else:
                        stats["push"].append((at - sent) * 1000)
                step = (step + 1) % len(LESSON)
                n += step == 0
                # think time: exponential around `think`, counted from the send (a command every ~think s)
                pause = rng.expovariate(1 / think) - (time.perf_counter() - sent)
                await asyncio.sleep(max(0.0, min(pause, until - time.perf_counter())))
            # a diff later than PUSH_WAIT is late, one that never comes is missing: wait for stragglers
            for version, sent in late:
                at = await push_of(version, LATE_WAIT)
                if at is not None:
                    stats["push_late"] += 1
                    stats["push_late_max_s"] = max(stats.get("push_late_max_s", 0.0), at - sent)
                elif watching["closed"]:           # not lost in the channel layer: the socket was gone
                    stats["push_socket_gone"] += 1
                    stats.setdefault("sockets_gone", []).append(watching["closed"])
                else:
                    stats["push_missing"] += 1
                    # a later diff came: a page would see the gap and fetch the whole diagram (its `base`)
                    stats["push_missing_then_newer"] += any(v > version for v in arrived if isinstance(v, int))
            watcher.cancel()
    except Exception as exc:      # a learner that could not connect or was cut off
        stats["failed"] += 1
        stats.setdefault("failures", []).append(repr(exc)[:200])


async def run_load(stack: Stack, learners: list[dict], think: float, duration: float, run: str = "r",
                   watchers: float = 0.0, arrive: float | None = None) -> dict:
    stats = {"rtt": [], "rtt_at": [], "push": [], "hello": [], "commands": 0, "errors": 0, "failed": 0, "push_missing": 0, "push_late": 0,
             "push_missing_then_newer": 0,
             "push_socket_gone": 0, "nonzero_exit": 0, "watchers": 0, "watch_rows": 0}
    every = round(1 / watchers) if watchers > 0 else 0      # 0.2: every fifth learner watches
    arrive = think if arrive is None else arrive
    start = time.perf_counter()
    until = start + duration
    marks = []

    async def mark():
        # once every learner has connected (they arrive over `arrive` s): the steady state
        await asyncio.sleep(min(2 * arrive, duration / 2))
        marks.append((stats["commands"], cpu_by_part(stack), time.perf_counter()))
    marker = asyncio.create_task(mark())
    await asyncio.gather(*(learner(stack, i, who, think, until, stats, run, bool(every) and i % every == 0, arrive)
                           for i, who in enumerate(learners)))
    await marker
    elapsed = time.perf_counter() - start
    steady = stats["commands"] - marks[0][0]
    cpu_end = cpu_by_part(stack)
    rtt, push = stats["rtt"], stats["push"]
    # round trips once every learner has connected, and p95 per 10 s of the run: the arrival's hellos
    # (each loads a sandbox and its whole diagram) queue ahead of the first commands
    steady_rtt = [ms for at, ms in stats["rtt_at"] if at >= marks[0][2]]
    windows: dict[int, list[float]] = {}
    for at, ms in stats["rtt_at"]:
        windows.setdefault(int((at - start) // 10), []).append(ms)
    return {"learners": len(learners), "think_s": think, "arrive_s": arrive,
            "duration_s": round(elapsed, 1),
            "commands": stats["commands"], "throughput_cmd_s": round(stats["commands"] / duration, 1),
            "rtt_ms": {"p50": round(pct(rtt, 50), 1), "p95": round(pct(rtt, 95), 1), "p99": round(pct(rtt, 99), 1),
                       "mean": round(statistics.fmean(rtt), 1) if rtt else None},
            "steady_rtt_ms": {"p50": round(pct(steady_rtt, 50), 1), "p95": round(pct(steady_rtt, 95), 1),
                              "p99": round(pct(steady_rtt, 99), 1)},
            "rtt_p95_per_10s": [round(pct(windows[k], 95), 1) for k in sorted(windows)],
            "push_ms": {"p50": round(pct(push, 50), 1), "p95": round(pct(push, 95), 1),
                        "p99": round(pct(push, 99), 1)},
            # from opening the page's sockets to each one's hello (the second waits for the first too)
            "hello_ms": {"p50": round(pct(stats["hello"], 50), 1), "p95": round(pct(stats["hello"], 95), 1),
                         "max": round(max(stats["hello"], default=float("nan")), 1)},
            "watchers": stats["watchers"], "watch_rows": stats["watch_rows"],
            "errors": stats["errors"], "nonzero_exit": stats["nonzero_exit"], "failed_learners": stats["failed"],
            "push_missing": stats["push_missing"], "push_late": stats["push_late"],
            "push_missing_then_newer": stats["push_missing_then_newer"],
            "push_late_max_s": round(stats.get("push_late_max_s", 0.0), 1),
            "push_socket_gone": stats["push_socket_gone"], "sockets_gone": stats.get("sockets_gone", [])[:3],
            "failures": stats.get("failures", [])[:3],
            # CPU per command after every learner connected (the sockets' hellos are behind it)
            "steady_cpu_ms_per_command": {k: round((cpu_end[k] - marks[0][1][k]) * 1000 / max(1, steady), 2)
                                          for k in cpu_end}}


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")       # utime + stime


def cpu_by_part(stack: Stack) -> dict[str, float]:
    """CPU seconds used so far by each part of the deployment on this machine: the workers, this load
    generator, PostgreSQL's backends for the stack's database (those alive now) and Redis (shared with
    whoever else uses it)."""
    parts = {"workers": sum(_cpu_seconds(w.proc.pid) for w in stack.workers),
             "load generator": sum(resource.getrusage(resource.RUSAGE_SELF)[:2])}
    pg = redis = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if stack.db_name and stack.db_name in cmd and cmd.startswith("postgres"):
            pg += _cpu_seconds(int(proc.name))
        elif cmd.startswith("redis-server"):
            redis += _cpu_seconds(int(proc.name))
    if stack.kind == "pgredis":
        parts["postgresql"], parts["redis"] = pg, redis
    return parts


def machine_busy() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, wall seconds): everybody's work, ours and other jobs'."""
    cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(cpu) - cpu[3] - cpu[4]) / tick, time.monotonic()


def spy(stack: Stack, out: Path, run: str, duration: float, skip: float = 0.0) -> list:
    """py-spy sampling each worker for the run (100 samples a second, without stopping it), from `skip` s
    into it; only while a thread holds the GIL (--gil), so the samples say where the CPU went, not where
    threads waited on PostgreSQL or Redis."""
    import shutil
    import subprocess

    tool = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if tool is None:
        raise SystemExit("--spy needs py-spy (pip install py-spy)")
    out.mkdir(parents=True, exist_ok=True)
    record = [tool, "record", "--nonblocking", "--gil", "--format", "raw", "-r", "100", "-d", str(int(duration - skip))]
    return [subprocess.Popen(["sh", "-c", f'sleep {skip:g} && exec "$@"', "spy", *record, "-p", str(w.proc.pid),
                              "-o", str(out / f"{run}-worker{w.index}.txt")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for w in stack.workers]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--setup", choices=["embedded", "pgredis"], default="embedded")
    ap.add_argument("--workers", type=int, default=None, help="daphne workers (pgredis; default 2)")
    ap.add_argument("--learners", type=int, default=200)
    ap.add_argument("--think", type=float, default=5.0, help="mean seconds between one learner's commands")
    ap.add_argument("--arrive", type=float, default=None, metavar="S",
                    help="learners open their pages over S seconds (default: the think time, all at once)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load per run (bounded)")
    ap.add_argument("--find-max", action="store_true", help="run each N in --steps; report the largest under --target-p95")
    ap.add_argument("--steps", default="25,50,100,200,300")
    ap.add_argument("--target-p95", type=float, default=100.0)
    ap.add_argument("--watchers", type=float, default=0.0, help="fraction of learners holding `kubectl get "
                                                                  "pods -w` open in a second tab (0.2: a fifth)")
    ap.add_argument("--lesson", default="", help="seed every sandbox in this lesson (its commands are assessed)")
    ap.add_argument("--spy", metavar="DIR", help="record each worker with py-spy during each run (raw stacks "
                                                 "in DIR; tests/bench/spy_table.py sums them)")
    ap.add_argument("--spy-skip", type=float, default=0.0, metavar="S",
                    help="start recording S seconds into each run (past the class's arrival: the steady state)")
    args = ap.parse_args(argv)
    workers = args.workers or (2 if args.setup == "pgredis" else 1)
    sizes = [int(s) for s in args.steps.split(",")] if args.find_max else [args.learners]
    # every learner comes from 127.0.0.1 here, two sockets each, where a class would come from many addresses
    env = {"PODSCAPE_COMMANDS_PER_WINDOW": "1000", "PODSCAPE_CREATES_PER_MINUTE": "1000000",
           "PODSCAPE_SOCKETS_PER_ADDRESS": str(2 * max(sizes) + 100)}
    report = {"setup": args.setup, "workers": workers, "runs": []}
    with Stack(args.setup, workers=workers, extra_env=env) as stack:
        if args.lesson:
            stack.manage("loadlessons")
        stack.seed(max(sizes), lesson=args.lesson)
        # warm up: the first command in a process imports the engine's programs (seconds); not measured
        asyncio.run(run_load(stack, stack.learners[:2 * workers], 0.5, 8, "warm"))
        best = None
        for n in sizes:
            cpu_before, busy_before = cpu_by_part(stack), machine_busy()
            spies = spy(stack, Path(args.spy), f"n{n}", args.duration, args.spy_skip) if args.spy else []
            result = asyncio.run(run_load(stack, stack.learners[:n], args.think, args.duration, f"n{n}",
                                          args.watchers, args.arrive))
            cpu_after, busy_after = cpu_by_part(stack), machine_busy()
            for p in spies:
                p.wait()
            # CPU per command: what each part spent (PostgreSQL: backends alive at both ends of the run)
            result["cpu_ms_per_command"] = {k: round((cpu_after[k] - cpu_before.get(k, 0)) * 1000
                                                     / max(1, result["commands"]), 2) for k in cpu_after}
            result["machine_busy_cores"] = round((busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1]), 2)
            result["load_average"] = os.getloadavg()[0]
            report["runs"].append(result)
            print(json.dumps(result), flush=True)
            if result["rtt_ms"]["p95"] < args.target_p95 and not result["failed_learners"]:
                best = n
        report["largest_n_p95_under_target"] = best
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
