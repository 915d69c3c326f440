"""bash's job control builtins over the session's job table (jobs.py): jobs, fg, bg, kill, wait; and
`sleep`, the simplest program that runs on (until its time is up, Ctrl-C, or `kill`).

Messages are bash 5.2's (builtins/jobs.def, kill.def, wait.def; jobs.c's pretty_print_job)."""
from __future__ import annotations

import re
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable

from . import jobs
from .jobs import Process, process

if TYPE_CHECKING:
    from .proc import IO
    from .shell import Shell

# name -> builtin; shell.py adds these to its BUILTINS when it loads (this module never imports the shell)
JOB_BUILTINS: dict[str, Callable[..., Any]] = {}


def builtin(*names: str):
    def register(fn):
        for n in names:
            JOB_BUILTINS[n] = fn
        return fn
    return register

SIGNAL_NUMBERS = {"1": "HUP", "2": "INT", "3": "QUIT", "9": "KILL", "15": "TERM"}


def _has_jobs(sh: Shell) -> bool:
    return hasattr(sh.host, "jobs") and hasattr(sh.host, "sessions")     # the learner's machine, not a pod


def _spawn(sh: Shell, p: Process) -> bool:
    proc = SimpleNamespace(engine=sh.engine, may_spawn=getattr(sh, "builtin_may_spawn", False),
                           err=lambda text: None)
    # a builtin has no Proc: this namespace carries what spawn reads of one
    return bool(jobs.spawn(proc, p))  # type: ignore[arg-type]


@builtin("jobs")
def _jobs(sh: Shell, argv: list[str], io: IO) -> int:
    if not _has_jobs(sh):
        return 0
    opts = [a for a in argv[1:] if a.startswith("-")]
    specs = [a for a in argv[1:] if not a.startswith("-")]
    for o in opts:
        if o not in ("-l", "-p", "-r", "-s", "-n"):
            io.err.write(f"bash: jobs: {o}: invalid option\njobs: usage: jobs [-lnprs] [jobspec ...] or "
                         f"jobs -x command [args]\n")
            return 2
    for spec in specs:
        if jobs.find_job(sh.host, spec) is None:
            io.err.write(f"bash: jobs: {spec}: no such job\n")
            return 1
    io.out.write(jobs.list_jobs(sh.host, with_pid="-l" in opts, pids_only="-p" in opts))
    return 0


def _job_arg(sh: Shell, argv: list[str], io: IO, name: str) -> dict | None:
    spec = argv[1] if len(argv) > 1 else "%+"
    job = jobs.find_job(sh.host, spec)
    if job is None:
        shown = "current" if len(argv) < 2 else argv[1]
        io.err.write(f"bash: {name}: {shown}: no such job\n")
    return job


@builtin("fg")
def _fg(sh: Shell, argv: list[str], io: IO) -> int:
    if not _has_jobs(sh):
        io.err.write("sh: fg: job control not enabled\n" if sh.dialect == "sh" else
                     "bash: fg: no job control\n")
        return 1
    job = _job_arg(sh, argv, io, "fg")
    if job is None:
        return 1
    if job.get("status") is not None:
        io.err.write("bash: fg: job has terminated\n")
        io.err.write(jobs.notices(sh.host))
        return 1
    if not getattr(sh, "builtin_may_spawn", False):
        io.err.write("podscape: fg runs a job in the foreground only as a command of its own\n")
        return 1
    io.out.write(job["line"] + "\n")
    job["fg"] = True
    slot = jobs.spawn_slot.get()
    if slot is not None:
        slot["taken"] = True
    return 0


@builtin("bg")
def _bg(sh: Shell, argv: list[str], io: IO) -> int:
    if not _has_jobs(sh):
        return 1
    job = _job_arg(sh, argv, io, "bg")
    if job is None:
        return 1
    if job.get("status") is None:
        io.err.write(f"bash: bg: job {job['n']} already in background\n")
        return 0
    io.err.write("bash: bg: job has terminated\n")
    return 1


@builtin("kill")
def _kill(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    signal = "TERM"
    if args and args[0] == "-l":
        io.out.write(" 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n"
                     " 6) SIGABRT\t 7) SIGBUS\t 8) SIGFPE\t 9) SIGKILL\t10) SIGUSR1\n"
                     "11) SIGSEGV\t12) SIGUSR2\t13) SIGPIPE\t14) SIGALRM\t15) SIGTERM\n")
        return 0
    if args and args[0] == "-s" and len(args) > 1:
        signal, args = args[1].upper().removeprefix("SIG"), args[2:]
    elif args and args[0].startswith("-") and len(args[0]) > 1:
        word = args[0][1:].upper().removeprefix("SIG")
        signal, args = SIGNAL_NUMBERS.get(word, word), args[1:]
    if not args:
        io.err.write("bash: kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or "
                     "kill -l [sigspec]\n")
        return 2
    if signal not in jobs.SIGNAL_NAMES:
        io.err.write(f"bash: kill: {argv[1][1:]}: invalid signal specification\n")
        return 1
    status = 0
    for spec in args:
        job = jobs.find_job(sh.host, spec) if _has_jobs(sh) else None
        if job is None:
            if spec.startswith("%"):
                io.err.write(f"bash: kill: {spec}: no such job\n")
            elif re.fullmatch(r"-?\d+", spec):
                io.err.write(f"bash: kill: ({spec}) - No such process\n")
            else:
                io.err.write(f"bash: kill: {spec}: arguments must be process or job IDs\n")
            status = 1
            continue
        if job.get("status") is None:
            jobs.end_job(sh.engine, job, jobs.SIGNAL_NAMES[signal])
    return status


@process("wait")
class WaitProcess(Process):
    """`wait [%n|pid ...]`: the shell blocks until those background jobs (all, by default) have ended."""

    def resume(self, engine, events, out) -> int | None:
        pids = set(self.state.get("pids") or [])
        targets = [j for j in engine.host.jobs if j.get("n") and (not pids or j["pid"] in pids)]
        if any(j.get("status") is None for j in targets):
            return None
        if not pids or not targets:
            return 0
        last = max(targets, key=lambda j: j.get("order", 0))["status"]
        return last if isinstance(last, int) else 128 + jobs.SIGNALS.get(last, 15)


@builtin("wait")
def _wait(sh: Shell, argv: list[str], io: IO) -> int:
    if not _has_jobs(sh):
        return 0
    pids = []
    for spec in argv[1:]:
        job = jobs.find_job(sh.host, spec)
        if job is None:
            io.err.write(f"bash: wait: {spec}: no such job\n" if spec.startswith("%") else
                         f"bash: wait: pid {spec} is not a child of this shell\n")
            return 127
        pids.append(job["pid"])
    p = WaitProcess({"pids": pids})
    done = p.resume(sh.engine, [], None)
    if done is not None:
        return done
    if not _spawn(sh, p):
        io.err.write("podscape: wait blocks only as a command of its own here; the jobs run on\n")
        return 0
    return 0


@process("sleep")
class SleepProcess(Process):
    """`sleep N`: ends when the cluster's clock reaches its end (`sleep infinity` never does)."""

    def wake(self) -> float | None:
        return self.state.get("until")

    def resume(self, engine, events, out) -> int | None:
        until = self.state.get("until")
        return 0 if until is not None and engine.cluster.now >= until else None


UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def start_sleep(proc, args: list[str]) -> None:
    """Called by the `sleep` program once its arguments are valid: the seconds add up, as GNU sleep's do."""
    if any(a.startswith("inf") for a in args):
        until = None
    else:
        total = sum(float(a[:-1] if a[-1] in "smhd" else a) * UNITS[a[-1] if a[-1] in "smhd" else ""]
                    for a in args)
        if total <= 0:
            return
        until = proc.engine.cluster.now + total
    jobs.spawn(proc, SleepProcess({"until": until}))
