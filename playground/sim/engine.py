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

from . import controllers
from .bootstrap import fresh_cluster
from .cluster import Cluster
from .host import Host

MAX_LINE = 10_000          # characters in one command line (bash itself has no small limit; we do)
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
        self.cluster = cluster
        self.host = host
        self.traces: list[dict] = []
        self.editor: dict | None = None
        self.clear = False
        self._rv_before = cluster.resource_version

    # ---- construction and persistence ----------------------------------------------------------
    @classmethod
    def new(cls, seed: int = 0, now: float | None = None) -> "Engine":
        return cls(fresh_cluster(seed, now), Host())

    @classmethod
    def from_state(cls, state: dict) -> "Engine":
        return cls(Cluster.from_dict(state["cluster"]), Host.from_dict(state.get("host", {})))

    def to_state(self) -> dict:
        return {"cluster": self.cluster.to_dict(), "host": self.host.to_dict()}

    # ---- running commands ----------------------------------------------------------------------
    def tick(self, now: float | None = None) -> None:
        """Bring the cluster's clock to `now` and let the controllers catch up (pods start, ...)."""
        self.cluster.now = time.time() if now is None else max(now, self.cluster.now)
        controllers.reconcile(self.cluster)

    def _begin(self, now: float | None) -> None:
        self.traces, self.editor, self.clear = [], None, False
        self._rv_before = self.cluster.resource_version
        self.tick(now)
        self._settled = (self.cluster.resource_version, self.cluster.running, self.cluster.now)

    def _finish(self, out: Stream, code: int) -> Result:
        # the tick already reconciled this very state at this time: a command that stored nothing (get,
        # describe, exec, curl...) needs no second pass, which halves their cost on a large cluster
        if self.cluster.running and getattr(self, "_settled", None) != (
                self.cluster.resource_version, self.cluster.running, self.cluster.now):
            controllers.reconcile(self.cluster)
        return Result(output=out.text, exit_code=code, editor=self.editor, traces=self.traces, clear=self.clear,
                      changed=self.cluster.resource_version != self._rv_before, prompt=self.host.prompt())

    def run(self, line: str, now: float | None = None) -> Result:
        """Run one line as the learner's shell would, with the cluster's clock at `now`."""
        from . import shell   # the shell imports programs, which import the engine's types

        self._begin(now)
        term = Stream()
        if len(line) > MAX_LINE:
            term.write(f"podscape: command line too long ({len(line)} characters; the limit is {MAX_LINE})\n")
            return self._finish(term, 2)
        code = shell.run_line(self, line, term)
        self.host.last_exit = code
        return self._finish(term, code)

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
        code = handler(self, content, pending.get("context", {}), term)
        self.host.last_exit = code
        return self._finish(term, code)

    def open_editor(self, handler: str, title: str, content: str, context: dict, language: str = "yaml") -> None:
        """Called by a program (kubectl edit, nano) to open the editor pane after the command returns."""
        self.editor = {"title": title, "content": content, "language": language}
        self.host.pending_editor = {"handler": handler, "title": title, "content": content, "context": context,
                                    "language": language}

    def trace(self, walk: dict) -> None:
        self.traces.append(walk)
