"""Processes over time: terminal sessions (tabs), their jobs, and the programs that keep running.

A program that keeps running (`kubectl get -w`, `logs -f`, `port-forward`, `sleep 30`) prints what it
prints at once, then hands the engine a Process: a small state machine kept as JSON in its session's job
table (so it survives between requests and a reload of the page). The engine resumes every process with
what happened since (the cluster's watch events, the clock) after each command of any session and at the
clock's wake-ups (`next_wake`); a process ends on its own, on Ctrl-C (`interrupt`), on `kill`, or at its
budget. Nothing runs between those moments: a watcher costs nothing while nothing changes.

Sessions: the Host holds the fields of the session in use (cwd, variables, history, jobs...);
`use_session` parks them in `host.sessions` and brings another's in. Job messages are bash's
(`[1] 4243`, `[1]+  Done                    sleep 1`).
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from .meter import Meter, OverBudget, _meter
from .proc import Proc, Stream
from .programs import load_all
from .host import Host

if TYPE_CHECKING:
    from .engine import Engine

MAX_SESSIONS = 8
MAX_JOBS = 16
PROCESS_SECONDS = 900.0     # simulated seconds a process may run: its budget (a real one would run for ever)
MAX_TAIL = 20_000           # characters of a job's latest output kept for a reopened terminal
FIRST_PID = 4300            # the learner's shell is 4242 (shell.PID); its children come after
SESSION_FIELDS = ("vars", "exported", "history", "cwd", "last_exit", "shell_stack", "aliases", "jobs")
STATUS_WIDTH = 24           # bash's LONGEST_SIGNAL_DESC: the status column of `jobs` and its notices
BUDGET_MESSAGE = ("podscape: stopped after {minutes:g} minutes: a command runs at most that long in the "
                  "playground\n")

PROCESSES: dict[str, type["Process"]] = {}


def process(kind: str):
    """Register a Process class under `kind` (the key its stored state carries)."""
    def register(cls: type[Process]) -> type[Process]:
        cls.kind = kind
        PROCESSES[kind] = cls
        return cls
    return register


class Process:
    """A running program's state machine. `state` is JSON and is all that persists."""
    kind = ""

    def __init__(self, state: dict):
        self.state = state

    def watches(self) -> tuple[str, ...]:
        """The kinds (plurals) whose writes this process reads as watch events."""
        return ()

    def resume(self, engine: "Engine", events: list[tuple[str, str, dict]], out: "Stream") -> int | None:
        """Take in what happened since the last resume; the exit code when the program ends, else None."""
        return None

    def wake(self) -> float | None:
        """The cluster time at which this process wants to be resumed even if nothing is written."""
        return None

    def interrupt(self, engine: "Engine", out: "Stream") -> int:
        """Ctrl-C (SIGINT): kubectl and most programs print nothing more; bash reports 128+2."""
        self.stop(engine)
        return 130

    def stop(self, engine: "Engine") -> None:
        """The process ends (any way): undo what it holds (a bound port, a tunnel)."""


def load(job: dict) -> Process | None:
    state = job.get("process") or {}
    cls = PROCESSES.get(state.get("kind", ""))
    if cls is None:
        load_all()
        cls = PROCESSES.get(state.get("kind", ""))
    return cls(state) if cls is not None else None


# ---- spawning: a program asks to keep running ---------------------------------------------------------
# The shell sets this while it runs a top-level simple command (`cmd` or `cmd &`) of the learner's line:
# only such a command can become a job (inside a pipeline or $(...) a program runs to its budget at once).
spawn_slot: ContextVar[dict | None] = ContextVar("podscape_spawn_slot", default=None)


def spawn(proc: "Proc", p: Process) -> dict | None:
    """Called by a program that keeps running: its job when it became one (the program returns 0 and the
    process goes on), None when it cannot (the caller ends as a real one would at its budget)."""
    slot = spawn_slot.get()
    if slot is None or slot.get("taken") or not getattr(proc, "may_spawn", False):
        return None
    engine = proc.engine
    host = engine.host
    if sum(1 for j in host.jobs if j.get("n")) >= MAX_JOBS:
        proc.err(f"podscape: at most {MAX_JOBS} jobs may run in one terminal\n")
        return None
    slot["taken"] = True
    p.state["kind"] = p.kind
    p.state.setdefault("started", engine.cluster.now)
    job = slot.get("job") or new_job(host, slot["line"], background=False)
    job.update(process=p.state, status=None)
    if job not in host.jobs:
        host.jobs.append(job)
    watched = p.watches()
    if watched:
        cluster = engine.cluster
        cluster.watching = cluster.watching | frozenset(watched)
        engine.job_offsets[(host.session, job["pid"])] = len(cluster.watch_log)
    return job


def new_job(host, line: str, background: bool) -> dict:
    """A job's number and pid, taken when bash forks it (a background one prints `[n] pid` before it runs)."""
    host.next_pid = max(host.next_pid, FIRST_PID) + 1
    return {"n": _next_number(host.jobs) if background else 0, "pid": host.next_pid, "line": line,
            "process": {}, "fg": not background, "status": None, "tail": "", "order": _next_order(host.jobs)}


def last_background_pid(host) -> str:
    """$!: the pid of the newest background job."""
    bg = [j for j in host.jobs if not j.get("fg")]
    return str(max(bg, key=lambda j: j.get("order", 0))["pid"]) if bg else getattr(host, "last_bg", "")


def _next_number(jobs: list[dict]) -> int:
    used = {j["n"] for j in jobs if j.get("n")}
    n = 1
    while n in used:
        n += 1
    return n if not used or n > max(used) else max(used) + 1


def _next_order(jobs: list[dict]) -> int:
    return max((j.get("order", 0) for j in jobs), default=0) + 1


# ---- sessions ---------------------------------------------------------------------------------------
def use_session(engine: "Engine", sid: str) -> None:
    """Make `sid` the session the Host's fields describe (a new one starts as a fresh bash in ~)."""
    host = engine.host
    sid = str(sid or "1")
    if sid == host.session:
        return
    if sid not in host.sessions and len(host.sessions) + 1 >= MAX_SESSIONS:
        raise ValueError(f"at most {MAX_SESSIONS} terminals per sandbox")
    host.sessions[host.session] = {f: getattr(host, f) for f in SESSION_FIELDS}
    fresh = type(host)()
    saved = host.sessions.pop(sid, None) or {f: getattr(fresh, f) for f in SESSION_FIELDS}
    for f in SESSION_FIELDS:
        setattr(host, f, saved.get(f, getattr(fresh, f)))
    host.session = sid


def session_ids(host) -> list[str]:
    return sorted({host.session, *host.sessions}, key=lambda s: (len(s), s))


def close_session(engine: "Engine", sid: str) -> None:
    """The learner closed a tab: its jobs end (the terminal's SIGHUP) and its state goes."""
    host = engine.host
    if sid == host.session:
        others = [s for s in session_ids(host) if s != sid]
        if not others:
            return
        use_session(engine, others[0])
    state = host.sessions.pop(str(sid), None)
    for job in (state or {}).get("jobs", []):
        p = load(job)
        if p is not None and job.get("status") is None:
            p.stop(engine)


def session_view(host, sid: str) -> dict:
    """What a reopened terminal shows of a session: its prompt and a running foreground job."""
    fields = {f: getattr(host, f) for f in SESSION_FIELDS} if sid == host.session else host.sessions.get(sid, {})
    fg = foreground(fields.get("jobs") or [])
    h = Host()
    h.cwd, h.shell_stack = fields.get("cwd", h.cwd), fields.get("shell_stack") or []
    return {"id": sid, "prompt": h.prompt(), "history": (fields.get("history") or [])[-500:],
            "running": {"line": fg["line"], "tail": fg.get("tail", "")} if fg else None}


# ---- the job table ---------------------------------------------------------------------------------
def foreground(jobs: list[dict]) -> dict | None:
    return next((j for j in jobs if j.get("fg") and j.get("status") is None), None)


def running(host) -> bool:
    return foreground(host.jobs) is not None


def any_jobs(host) -> bool:
    return bool(host.jobs) or any(s.get("jobs") for s in host.sessions.values())


def _marks(jobs: list[dict]) -> dict[int, str]:
    """bash's + (the current job: the newest) and - (the previous one)."""
    numbered = sorted((j for j in jobs if j.get("n")), key=lambda j: j.get("order", 0))
    marks = {j["n"]: " " for j in numbered}
    if numbered:
        marks[numbered[-1]["n"]] = "+"
    if len(numbered) > 1:
        marks[numbered[-2]["n"]] = "-"
    return marks


def status_word(job: dict) -> str:
    status = job.get("status")
    if status is None:
        return "Running"
    if isinstance(status, str):
        return status
    return "Done" if status == 0 else f"Exit {status}"


def job_line(job: dict, mark: str, with_pid: bool = False) -> str:
    """`[1]+  Running                 sleep 100 &` as bash's pretty_print_job writes it."""
    word = status_word(job)
    head = f"[{job['n']}]{mark} " + (f"{job['pid']:>5} " if with_pid else " ")   # jobs -l: "%5ld "
    amp = " &" if job.get("status") is None and not job.get("fg") else ""
    return f"{head}{word.ljust(STATUS_WIDTH)}{job['line']}{amp}\n"


def notices(host) -> str:
    """bash, before its next prompt: the background jobs that ended since, then forgets them."""
    done = [j for j in host.jobs if j.get("status") is not None and j.get("n")]
    for j in done:
        if j.pop("fresh", False):      # it ended while bash was still starting it: seen at the next prompt
            done = [d for d in done if d is not j]
    if not done:
        return ""
    marks = _marks(host.jobs)
    text = "".join(job_line(j, marks.get(j["n"], " ")) for j in done)
    host.jobs[:] = [j for j in host.jobs if j.get("status") is None or j not in done]
    return text


def list_jobs(host, with_pid: bool = False, pids_only: bool = False) -> str:
    marks = _marks(host.jobs)
    shown = sorted((j for j in host.jobs if j.get("n")), key=lambda j: j["n"])
    if pids_only:
        return "".join(f"{j['pid']}\n" for j in shown)
    text = "".join(job_line(j, marks.get(j["n"], " "), with_pid) for j in shown)
    host.jobs[:] = [j for j in host.jobs if j.get("status") is None]   # `jobs` reports an ended job once
    return text


def find_job(host, spec: str) -> dict | None:
    """%N, %+, %%, %-, %string (a line starting with it), or a pid."""
    numbered = [j for j in host.jobs if j.get("n")]
    if not numbered:
        return None
    marks = _marks(host.jobs)
    if spec in ("%", "%%", "%+", ""):
        return next((j for j in numbered if marks.get(j["n"]) == "+"), None)
    if spec == "%-":
        return next((j for j in numbered if marks.get(j["n"]) == "-"), None)
    if spec.startswith("%"):
        rest = spec[1:]
        if rest.isdigit():
            return next((j for j in numbered if j["n"] == int(rest)), None)
        return next((j for j in numbered if j["line"].startswith(rest)), None)
    if spec.isdigit():
        return next((j for j in numbered if j["pid"] == int(spec)), None)
    return None


def end_job(engine: "Engine", job: dict, status, p: Process | None = None) -> None:
    """Mark a job ended (an exit code, or a signal's word); a foreground one sets $?."""
    p = p or load(job)
    if p is not None:
        p.stop(engine)
    job["status"] = status
    if job.get("fg"):
        engine.host.last_exit = status if isinstance(status, int) else 128 + SIGNALS.get(status, 15)
        engine.host.jobs.remove(job)          # a foreground job leaves no notice


SIGNALS = {"Hangup": 1, "Interrupt": 2, "Quit": 3, "Killed": 9, "Terminated": 15}
SIGNAL_NAMES = {"HUP": "Hangup", "INT": "Interrupt", "QUIT": "Quit", "KILL": "Killed", "TERM": "Terminated"}


# ---- resuming ---------------------------------------------------------------------------------------
def watched_kinds(host) -> frozenset[str]:
    kinds: set[str] = set()
    for jobs in [host.jobs, *(s.get("jobs") or [] for s in host.sessions.values())]:
        for job in jobs:
            if job.get("status") is None:
                p = load(job)
                if p is not None:
                    kinds.update(p.watches())
    return frozenset(kinds)


def resume_all(engine: "Engine") -> dict[str, dict]:
    """Resume every running process of every session with the watch events since the last resume (and the
    clock). {session: {"output", "ended", "exit_code", "prompt"}} for the sessions that have something."""
    host = engine.host
    home = host.session
    cluster = engine.cluster
    events = cluster.watch_log
    chunks: dict[str, dict] = {}
    sids = [home] + [s for s in session_ids(host) if s != home and host.sessions[s].get("jobs")]
    for sid in sids:
        use_session(engine, sid)
        had_fg = running(host)
        text = []
        for job in sorted(host.jobs, key=lambda j: (not j.get("n"), j.get("order", 0))):
            if job.get("status") is not None:
                continue
            p = load(job)
            out = Stream()
            if p is None:
                end_job(engine, job, 1)
                continue
            offset = engine.job_offsets.pop((sid, job["pid"]), 0)
            token = _meter.set(Meter())
            try:
                code = p.resume(engine, events[offset:], out)
            except OverBudget as stop:
                out.write(stop.message + "\n")
                code = 1
            finally:
                _meter.reset(token)
            if code is None and cluster.now - float(p.state.get("started", cluster.now)) >= PROCESS_SECONDS:
                out.write(BUDGET_MESSAGE.format(minutes=PROCESS_SECONDS / 60))
                code = 1
            if out.text:
                text.append(out.text)
                job["tail"] = (job.get("tail", "") + out.text)[-MAX_TAIL:]
            if code is not None:
                end_job(engine, job, code, p)
        ended = had_fg and not running(host)
        if text or ended:
            chunks[sid] = {"output": "".join(text), "ended": ended,
                           "exit_code": host.last_exit if ended else None}
        if sid in chunks:
            if ended:
                chunks[sid]["output"] += notices(host)
            chunks[sid]["prompt"] = host.prompt()
    use_session(engine, home)
    cluster.watch_log = []
    cluster.watching = watched_kinds(host)
    return chunks


def interrupt(engine: "Engine", out: "Stream") -> int | None:
    """Ctrl-C in this session: its foreground job gets SIGINT. None when nothing runs in the foreground."""
    job = foreground(engine.host.jobs)
    if job is None:
        return None
    p = load(job)
    code = p.interrupt(engine, out) if p is not None else 130
    end_job(engine, job, code, _Stopped({}))
    return code


class _Stopped(Process):
    """Stands in for a process already stopped (interrupt() stopped it itself)."""


def next_wake(engine: "Engine") -> float | None:
    """The cluster time at which some process needs a resume although nothing is written: its own timer
    (sleep), its budget, or a controller waiting on the clock while something watches."""
    host = engine.host
    times = []
    watching = False
    for jobs in [host.jobs, *(s.get("jobs") or [] for s in host.sessions.values())]:
        for job in jobs:
            if job.get("status") is not None:
                continue
            p = load(job)
            if p is None:
                continue
            w = p.wake()
            if w is not None:
                times.append(w)
            times.append(float(p.state.get("started", engine.cluster.now)) + PROCESS_SECONDS)
            watching = watching or bool(p.watches())
    wake = engine.cluster.runtime.get("wake")
    if watching and wake is not None:
        times.append(wake)
    return min(times) if times else None
