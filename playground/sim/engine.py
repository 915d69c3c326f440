"""The engine's front door: one sandbox's world (cluster + the learner's machine) and `run(line)`.

    engine = Engine.new(seed=7)
    result = engine.run("kubectl get pods")      # Result(output, exit_code, editor, traces, ...)
    state = engine.to_state()                    # JSON-able; Engine.from_state(state) restores it

Pure Python, no Django: services.run_command wraps it with locking, persistence and publishing.
"""
from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from time import monotonic   # the meter's clock (tests replace `time` to fake the cluster's)
from typing import Callable

from . import controllers
from .bootstrap import fresh_cluster
from .cluster import Cluster
from .host import Host
from .limits import Limits

MAX_LINE = 10_000          # characters in one command line (bash itself has no small limit; we do)
CLOCK_STEP = 3.0           # seconds a scripted (sim) command advances a fake clock
WORK_BUDGET = 16_000_000   # units of work one line may do (about a character read, written or expanded each)
MAX_SECONDS = 3.0          # wall time one line may take: the backstop for work the meter does not count


class OverBudget(BaseException):
    """A line did more work than one line may (BaseException, so programs' handlers let it pass). The engine
    stops it and says so; the caller discards what the line changed (services reloads the stored state)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Meter:
    """The work one line may still do. Programs charge what they are about to do (characters read or
    produced, lines sorted, a printf width) before doing it, so a charge that would go over stops the line
    before the memory or time is spent; the count is deterministic, the wall clock only a backstop."""

    def __init__(self, units: int = WORK_BUDGET, seconds: float = MAX_SECONDS):
        self.budget, self.left, self.seconds = units, units, seconds
        self.deadline = monotonic() + seconds

    def charge(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise OverBudget(f"podscape: stopped: this command did more work than one line may ({self.budget:,} "
                             f"units: characters read, written or expanded, lines compared); nothing it changed "
                             f"was kept")
        if monotonic() > self.deadline:
            raise OverBudget(f"podscape: stopped after {self.seconds:g} seconds (the playground's limit for one "
                             f"line); nothing it changed was kept")


_meter: ContextVar[Meter | None] = ContextVar("podscape_meter", default=None)


def charge(units: int) -> None:
    """Count `units` of work against the running line's budget (no-op outside Engine.run)."""
    meter = _meter.get()
    if meter is not None:
        meter.charge(units)


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

    def as_dict(self) -> dict:
        return {"output": self.output, "exit_code": self.exit_code, "editor": self.editor,
                "traces": self.traces, "clear": self.clear, "changed": self.changed, "prompt": self.prompt}


class Stream:
    """A file descriptor a program writes to. The terminal stream keeps stdout and stderr in order."""

    def __init__(self, sink: "Stream | None" = None, limit: int = 2_000_000):
        self.parts: list[str] = []
        self.sink = sink
        self.size = 0
        self.limit = limit

    def write(self, text: str) -> None:
        if not text:
            return
        if self.sink is not None:
            self.sink.write(text)
            return
        charge(len(text))
        if self.size >= self.limit:
            return
        self.parts.append(text)
        self.size += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class Proc:
    """What a program sees: its arguments, standard streams, environment, and the world."""
    engine: "Engine"
    argv: list[str]
    stdin: str
    stdout: Stream
    stderr: Stream
    env: dict[str, str]
    stdin_is_tty: bool = True

    @property
    def cluster(self) -> Cluster:
        return self.engine.cluster

    @property
    def host(self) -> Host:
        return self.engine.host

    def out(self, text: str) -> None:
        self.stdout.write(text)

    def err(self, text: str) -> None:
        self.stderr.write(text)


Program = Callable[[Proc], int]
# Called when the learner saves or closes the editor pane: (engine, content or None, context) -> exit code.
EditorHandler = Callable[["Engine", "str | None", dict, Stream], int]
EDITOR_HANDLERS: dict[str, EditorHandler] = {}


class Engine:
    def __init__(self, cluster: Cluster, host: Host):
        from .programs.kubectl.registry import build   # programs import the engine's types
        self.kubectl_commands = build()     # kubectl's capability registry (shared, built on the first engine)
        from . import capabilities
        self.capabilities = capabilities.build()    # validators and allocators, registered explicitly
        self.cluster = cluster
        self.host = host
        self.traces: list[dict] = []
        self.editor: dict | None = None
        self.clear = False
        self._rv_before = cluster.resource_version

    # ---- construction and persistence ----------------------------------------------------------
    @classmethod
    def new(cls, seed: int = 0, now: float | None = None, limits: Limits | None = None) -> "Engine":
        """A fresh `minikube start`; `limits` (default: limits.configured()) caps its pods and objects."""
        return cls(fresh_cluster(seed, now, limits), Host())

    @classmethod
    def from_state(cls, state: dict, limits: Limits | None = None) -> "Engine":
        return cls(Cluster.from_dict(state["cluster"], limits), Host.from_dict(state.get("host", {})))

    def to_state(self) -> dict:
        return {"cluster": self.cluster.to_dict(), "host": self.host.to_dict()}

    # ---- running commands ----------------------------------------------------------------------
    def tick(self, now: float | None = None) -> None:
        """Bring the cluster's clock to `now` and let the controllers catch up (pods start, ...)."""
        self.cluster.now = time.time() if now is None else max(now, self.cluster.now)
        controllers.reconcile(self.cluster)

    def _begin(self, now: float | None) -> None:
        self.traces, self.editor, self.clear, self.work = [], None, False, 0
        self._rv_before = self.cluster.resource_version
        self.tick(now)
        self._settled = (self.cluster.resource_version, self.cluster.running, self.cluster.now)

    def _metered(self, term: Stream, work: Callable[[], int]) -> tuple[int, bool]:
        """Run `work` under a fresh Meter: (exit code, stopped over budget); self.work is what it used."""
        meter = Meter()
        token = _meter.set(meter)
        try:
            return work(), False
        except OverBudget as stop:
            _meter.reset(token)
            token = None
            term.write(stop.message + "\n")
            return 1, True
        finally:
            self.work = min(meter.budget, meter.budget - meter.left)    # a refused charge costs the rest
            if token is not None:
                _meter.reset(token)

    def _finish(self, out: Stream, code: int, stopped: bool = False) -> Result:
        if stopped:      # the caller throws this engine away: no reconcile of a half-done state
            return Result(output=out.text, exit_code=code, prompt=self.host.prompt(), stopped=True,
                          work=self.work)
        # the tick already reconciled this very state at this time: a command that stored nothing (get,
        # describe, exec, curl...) needs no second pass, which halves their cost on a large cluster
        if self.cluster.running and getattr(self, "_settled", None) != (
                self.cluster.resource_version, self.cluster.running, self.cluster.now):
            controllers.reconcile(self.cluster)
        return Result(output=out.text, exit_code=code, editor=self.editor, traces=self.traces, clear=self.clear,
                      changed=self.cluster.resource_version != self._rv_before, prompt=self.host.prompt(),
                      work=getattr(self, "work", 0))

    def run(self, line: str, now: float | None = None) -> Result:
        """Run one line as the learner's shell would, with the cluster's clock at `now`."""
        from . import shell   # the shell imports programs, which import the engine's types

        self._begin(now)
        term = Stream()
        if len(line) > MAX_LINE:
            term.write(f"podscape: command line too long ({len(line)} characters; the limit is {MAX_LINE})\n")
            return self._finish(term, 2)
        code, stopped = self._metered(term, lambda: shell.run_line(self, line, term))
        self.host.last_exit = code
        return self._finish(term, code, stopped)

    def save_editor(self, content: str | None, now: float | None = None) -> Result:
        """The learner saved (content) or closed (None) the editor pane opened by the last command."""
        pending = self.host.pending_editor
        self._begin(now)
        term = Stream()
        if not pending:
            term.write("podscape: no editor is open\n")
            return self._finish(term, 1)
        self.host.pending_editor = None
        if pending["handler"] not in EDITOR_HANDLERS:   # a fresh process: programs register their handlers
            from .programs import load_all
            load_all()
        handler = EDITOR_HANDLERS[pending["handler"]]
        code, stopped = self._metered(term, lambda: handler(self, content, pending.get("context", {}), term))
        self.host.last_exit = code
        return self._finish(term, code, stopped)

    def open_editor(self, handler: str, title: str, content: str, context: dict, language: str = "yaml") -> None:
        """Called by a program (kubectl edit, nano) to open the editor pane after the command returns."""
        self.editor = {"title": title, "content": content, "language": language}
        self.host.pending_editor = {"handler": handler, "title": title, "content": content, "context": context,
                                    "language": language}

    def trace(self, walk: dict) -> None:
        """Record a request's walk for the diagram; one that did not get through carries the diagnosis's
        `cause` and `fix` (the same words the lesson's hint uses). Diagnosed before a proxy's onward
        request joins the request that reached the proxy, while its source still says who sent it."""
        from .diagnose import diagnose_trace
        from .network import continue_trace

        if walk.get("verdict") not in (None, "ok") and "cause" not in walk:
            d = diagnose_trace(self.cluster, walk, self.host.files)
            if d is not None:
                walk = dict(walk, cause=d.cause, **({"fix": d.fix} if d.fix else {}))
        continue_trace(self.traces, walk)
