"""The engine's front door: one sandbox's world (cluster + the learner's machine) and `run(line)`.

    engine = Engine.new(seed=7)
    result = engine.run("kubectl get pods")      # Result(output, exit_code, editor, traces, ...)
    state = engine.to_state()                    # JSON-able; Engine.from_state(state) restores it

Pure Python, no Django: services.run_command wraps it with locking, persistence and publishing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from . import capabilities, controllers, jobs, meter, resources as res, watchdog
from .bootstrap import fresh_cluster
from .cluster import Cluster
from .host import Host
from .limits import Limits
from .meter import Meter, OverBudget, StoppedFromOutside, _meter
from .network import continue_trace
from .programs.kubectl.registry import build as build_kubectl
from .proc import EDITOR_HANDLERS, MAX_LINE, Stream

CLOCK_STEP = 3.0           # seconds a scripted (sim) command advances a fake clock


@dataclass
class Result:
    output: str                      # what the terminal shows: stdout and stderr, in order
    exit_code: int
    editor: dict | None = None       # {"title", "content", "language"} when the editor pane opens
    traces: list[dict] = field(default_factory=list)   # network walks, for the diagram's animation
    clear: bool = False              # `clear` / Ctrl-L
    changed: bool = False            # cluster objects changed: push a new topology
    prompt: str = ""                 # the prompt to show after this command
    stopped: bool = False            # over its budget: what the line changed must not be kept
    work: int = 0                    # units of the Meter's budget the line used
    running: bool = False            # a foreground job runs on in this session (jobs.py): no prompt yet
    streams: dict = field(default_factory=dict)   # other sessions' job output: {session: {output, ended, ...}}
    wake: float | None = None        # cluster time at which a running process wants resuming (jobs.next_wake)

    def as_dict(self) -> dict:
        return {"output": self.output, "exit_code": self.exit_code, "editor": self.editor,
                "traces": self.traces, "clear": self.clear, "changed": self.changed, "prompt": self.prompt}


def _serving(method):
    """The engine's entry points run with the cluster's CRD kinds served (resources.serving)."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with res.serving(self.cluster):
            return method(self, *args, **kwargs)
    return wrapper


class Engine:
    def __init__(self, cluster: Cluster, host: Host):
        _wire()                                     # the hooks lower layers call up through (wiring.py)
        self.kubectl_commands = build_kubectl()     # kubectl's capability registry (shared, built on the first engine)
        self.capabilities = capabilities.build()    # validators and allocators, registered explicitly
        self.cluster = cluster
        self.host = host
        self.traces: list[dict] = []
        self.editor: dict | None = None
        self.clear = False
        self._rv_before = cluster.resource_version
        self.job_offsets: dict[tuple[str, int], int] = {}   # a job spawned this run reads the events after it
        self.terminal: Stream | None = None                   # the running line's terminal (Engine.run)

    # ---- construction and persistence ----------------------------------------------------------
    @classmethod
    def new(cls, seed: int = 0, now: float | None = None, limits: Limits | None = None) -> "Engine":
        """A fresh `minikube start`; `limits` (default: limits.configured()) caps its pods and objects."""
        _wire()                     # before the boot's reconciles: they run the reconcilers wiring installs
        return cls(fresh_cluster(seed, now, limits), Host())

    @classmethod
    def from_state(cls, state: dict, limits: Limits | None = None) -> "Engine":
        return cls(Cluster.from_dict(state["cluster"], limits), Host.from_dict(state.get("host", {})))

    def to_state(self) -> dict:
        return {"cluster": self.cluster.to_dict(), "host": self.host.to_dict()}

    # ---- running commands ----------------------------------------------------------------------
    def tick(self, now: float | None = None) -> None:
        with res.serving(self.cluster):
            self._tick(now)

    def _tick(self, now: float | None = None) -> None:
        """Bring the cluster's clock to `now` and let the controllers catch up (pods start, ...)."""
        self.cluster.now = time.time() if now is None else max(now, self.cluster.now)
        controllers.reconcile(self.cluster)

    def _begin(self, now: float | None) -> None:
        self.traces, self.editor, self.clear, self.work = [], None, False, 0
        self._rv_before = self.cluster.resource_version
        self.cluster.watch_log = []
        self.cluster.watching = jobs.watched_kinds(self.host) if jobs.any_jobs(self.host) else frozenset()
        self._tick(now)
        self._settled = (self.cluster.resource_version, self.cluster.running, self.cluster.now)

    def _metered(self, term: Stream, work: Callable[[], int], what: str = "") -> tuple[int, bool]:
        """Run `work` under a fresh Meter: (exit code, stopped over budget); self.work is what it used."""
        line_meter = Meter()
        token = _meter.set(line_meter)
        watch = watchdog.arm(meter.HARD_SECONDS, StoppedFromOutside, what)
        try:
            try:
                code = work()
            finally:
                watchdog.disarm(watch)
            return code, False
        except OverBudget as stop:
            watchdog.disarm(watch)     # the exception may have come inside the first disarm
            _meter.reset(token)
            token = None
            term.write(stop.message + "\n")
            return 1, True
        finally:
            line_meter.give_back_turn()
            self.work = min(line_meter.budget, line_meter.budget - line_meter.left)    # a refused charge costs the rest
            if token is not None:
                _meter.reset(token)

    def _finish(self, out: Stream, code: int, stopped: bool = False, resume: bool = True) -> Result:
        if stopped:      # the caller throws this engine away: no reconcile of a half-done state
            return Result(output=out.text, exit_code=code, prompt=self.host.prompt(), stopped=True,
                          work=self.work)
        # the tick already reconciled this very state at this time: a command that stored nothing (get,
        # describe, exec, curl...) needs no second pass, which halves their cost on a large cluster
        if self.cluster.running and getattr(self, "_settled", None) != (
                self.cluster.resource_version, self.cluster.running, self.cluster.now):
            controllers.reconcile(self.cluster)
        streams, is_running, wake = self._resume_jobs(out) if resume else ({}, False, None)
        return Result(output=out.text, exit_code=code, editor=self.editor, traces=self.traces, clear=self.clear,
                      changed=self.cluster.resource_version != self._rv_before, prompt=self.host.prompt(),
                      work=getattr(self, "work", 0), running=is_running, streams=streams, wake=wake)

    def _resume_jobs(self, out: Stream) -> tuple[dict, bool, float | None]:
        """Every running process takes in what this command (or the clock) changed. This session's own job
        output joins the command's; a background job that ended is announced before the prompt, as bash does."""
        if not jobs.any_jobs(self.host):
            return {}, False, None
        streams = jobs.resume_all(self)
        mine = streams.pop(self.host.session, None)
        if mine:
            out.write(mine["output"])
        is_running = jobs.running(self.host)
        if not is_running:
            out.write(jobs.notices(self.host))
        return streams, is_running, jobs.next_wake(self)

    def run(self, line: str, now: float | None = None, session: str | None = None) -> Result:
        with res.serving(self.cluster):     # the kinds its CRDs define are served while it runs
            return self._run_line(line, now, session)

    def _run_line(self, line: str, now: float | None = None, session: str | None = None) -> Result:
        """Run one line as the learner's shell would, with the cluster's clock at `now`, in terminal `session`
        (default: the one in use). A line typed while a foreground job runs ends that job first."""
        from . import shell   # lazy: the shell (~45 ms) loads with the first line run, not with this module

        if session is not None:
            jobs.use_session(self, session)
        self._begin(now)
        term = self.terminal = Stream()      # the tty: background jobs of this session write here too
        if jobs.running(self.host):
            jobs.interrupt(self, Stream())
        if len(line) > MAX_LINE:
            term.write(f"podscape: command line too long ({len(line)} characters; the limit is {MAX_LINE})\n")
            return self._finish(term, 2)
        code, stopped = self._metered(term, lambda: shell.run_line(self, line, term), line)
        self.host.last_exit = code
        return self._finish(term, code, stopped)

    def save_editor(self, content: str | None, now: float | None = None) -> Result:
        with res.serving(self.cluster):
            return self._save_editor(content, now)

    def _save_editor(self, content: str | None, now: float | None = None) -> Result:
        """The learner saved (content) or closed (None) the editor pane opened by the last command."""
        pending = self.host.pending_editor
        self._begin(now)
        term = Stream()
        if not pending:
            term.write("podscape: no editor is open\n")
            return self._finish(term, 1)
        self.host.pending_editor = None
        handler = EDITOR_HANDLERS[pending["handler"]]
        code, stopped = self._metered(term, lambda: handler(self, content, pending.get("context", {}), term))
        self.host.last_exit = code
        return self._finish(term, code, stopped)

    @_serving
    def interrupt(self, session: str | None = None, now: float | None = None) -> Result:
        """Ctrl-C in terminal `session`: its foreground job ends as the program does on SIGINT (kubectl
        prints nothing more; bash's $? is 130). Output the job printed first (events up to now) comes along."""
        if session is not None:
            jobs.use_session(self, session)
        self._begin(now)
        term = Stream()
        streams = jobs.resume_all(self) if jobs.any_jobs(self.host) else {}
        mine = streams.pop(self.host.session, None)
        if mine:
            term.write(mine["output"])
        code = jobs.interrupt(self, term)
        if code is None:
            code = self.host.last_exit if mine and mine.get("ended") else 130
            self.host.last_exit = code
        result = self._finish(term, code)
        result.streams = {**streams, **result.streams}
        return result

    @_serving
    def wake(self, now: float | None = None) -> Result:
        """The clock reached a time some process waits for: every session's processes resume; all their
        output is in `streams` (no session typed anything)."""
        self._begin(now)
        if self.cluster.running and getattr(self, "_settled", None) != (
                self.cluster.resource_version, self.cluster.running, self.cluster.now):
            controllers.reconcile(self.cluster)
        streams = jobs.resume_all(self) if jobs.any_jobs(self.host) else {}
        return Result(output="", exit_code=self.host.last_exit, traces=self.traces,
                      changed=self.cluster.resource_version != self._rv_before, prompt=self.host.prompt(),
                      running=jobs.running(self.host), streams=streams, wake=jobs.next_wake(self))

    def run_to_end(self, line: str, now: float, limit: float = 60.0) -> tuple[Result, float]:
        """A script's line (manage.py sim, lesson replays): nobody is there to press Ctrl-C, so a foreground
        job is woken at each time it asks for (a pod starting under `kubectl run -it`, sleep's end) for up to
        `limit` simulated seconds; one still running then (a watch, a port-forward) is interrupted.
        (the line's result with the job's output joined, the clock after it)."""
        result = self.run(line, now=now)
        start, parts = now, [result.output]
        while result.running and result.wake is not None and result.wake <= start + limit:
            now = max(now, result.wake)
            woke = self.wake(now=now)
            mine = woke.streams.get(self.host.session) or {}
            parts.append(mine.get("output", ""))
            result.running = woke.running
            result.wake = woke.wake
            if mine.get("ended"):
                result.exit_code = mine.get("exit_code", result.exit_code)
                result.prompt = mine.get("prompt", result.prompt)
        if result.running:
            stopped = self.interrupt(now=now)
            parts.append(stopped.output)
            result.exit_code, result.prompt, result.running = stopped.exit_code, stopped.prompt, False
        result.output = "".join(parts)
        return result, now

    def run_in_new_shell(self, script: str, out: Stream) -> None:
        """Run `script` as `sh -c` would, in a new shell on this engine's host writing both streams to `out`
        (watch's frames: programs run commands through the front door, never importing the shell)."""
        from . import shell   # lazy: (as in _run_line) the shell loads with the first line run
        sh = shell.Shell(self, out)
        sh.current_err = out
        shell.run_script(sh, script, out)

    def open_editor(self, handler: str, title: str, content: str, context: dict, language: str = "yaml") -> None:
        """Called by a program (kubectl edit, nano) to open the editor pane after the command returns."""
        self.editor = {"title": title, "content": content, "language": language}
        self.host.pending_editor = {"handler": handler, "title": title, "content": content, "context": context,
                                    "language": language}

    def trace(self, walk: dict) -> None:
        """Record a request's walk for the diagram; one that did not get through carries the diagnosis's
        `cause` and `fix` (the same words the lesson's hint uses). Diagnosed before a proxy's onward
        request joins the request that reached the proxy, while its source still says who sent it."""
        # lazy: diagnose (with the Gateway API's half, ~30 ms) loads with the first request that fails
        from .diagnose import diagnose_trace

        if walk.get("verdict") not in (None, "ok") and "cause" not in walk:
            d = diagnose_trace(self.cluster, walk, self.host.files)
            if d is not None:
                walk = dict(walk, cause=d.cause, **({"fix": d.fix} if d.fix else {}))
        continue_trace(self.traces, walk)


def _exec_in_container(cluster: Cluster, pod: dict, container: dict, argv: list[str], term: Stream):
    """probes.EXEC_IN_CONTAINER: an exec probe's command, run in the container by a throwaway engine."""
    # lazy: programs/container brings the shell; it loads with the first Engine (wiring.install), not with
    # the engine's import
    from .programs.container import run
    return run(Engine(cluster, Host()), pod, container, argv, term, False)


def _wire() -> None:
    """Install every hook (wiring.install, once per process; later calls cost a flag test), this module's
    exec probe runner among them."""
    # lazy: wiring imports what hands a hook down, the in-pod shell and minikube's programs among them; they
    # load with the first Engine (as kubectl's registry does), not with this module
    from . import wiring
    wiring.install(_exec_in_container)
