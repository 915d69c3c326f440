"""What a program sees (Proc) and writes to (Stream), and the tables programs register into: the types every
program, the shell and the jobs share, below the engine that runs them (engine.py, the front door).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .meter import charge

if TYPE_CHECKING:
    from .cluster import Cluster
    from .engine import Engine
    from .host import Host

MAX_LINE = 10_000          # characters in one command line (bash itself has no small limit; we do)


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


class IO:
    """A command's standard streams as the shell hands them to a builtin, a program or a function."""

    def __init__(self, stdin: str | None, out: Stream, err: Stream, tty_out: bool = False):
        self.stdin = stdin          # None: the terminal (nothing to read)
        self.out = out
        self.err = err
        self.tty_out = tty_out


Program = Callable[[Proc], int]
# Called when the learner saves or closes the editor pane: (engine, content or None, context) -> exit code.
EditorHandler = Callable[["Engine", "str | None", dict, Stream], int]
EDITOR_HANDLERS: dict[str, EditorHandler] = {}
