"""PLACEHOLDER shell (to be replaced): splits with shlex and runs one program. The real shell supports
quoting, variables, $(...), pipes, redirection, heredocs, ;, && and ||."""
from __future__ import annotations

import shlex

from .engine import Engine, Proc, Stream
from .programs import PROGRAMS, load_all


def run_line(engine: Engine, line: str, term: Stream) -> int:
    if not PROGRAMS:
        load_all()
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        term.write(f"bash: {exc}\n")
        return 2
    if not argv:
        return engine.host.last_exit
    engine.host.history.append(line)
    fn = PROGRAMS.get(argv[0])
    if fn is None:
        term.write(f"{argv[0]}: command not found\n")
        return 127
    return fn(Proc(engine, argv, "", Stream(term), Stream(term), engine.host.env()))
