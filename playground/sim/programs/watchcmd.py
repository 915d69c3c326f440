"""`watch [-n SECONDS] [-t] COMMAND`: procps-ng's watch, run again every interval until Ctrl-C.

Like the real one it draws on the terminal's alternate screen (ncurses' smcup/rmcup), so after Ctrl-C the
screen shows what it showed before. The header is watch.c's: "Every 2.0s: COMMAND" on the left and
"HOSTNAME: DATE" on the right of an 80-column line (the server does not know the browser's width), then
a blank line and the command's output. The command runs through the learner's shell (`sh -c`).
"""
from __future__ import annotations

import re
import time as _time

from .. import jobs
from ..proc import Proc, Stream
from ..host import HOSTNAME
from . import program

ENTER, LEAVE, HOME_CLEAR = "\x1b[?1049h", "\x1b[?1049l", "\x1b[H\x1b[2J"
WIDTH = 80
USAGE = ("\nUsage:\n watch [options] command\n\nOptions:\n"
         "  -n, --interval <secs>  seconds to wait between updates\n"
         "  -t, --no-title         turn off header\n")


def frame(engine, state: dict) -> str:
    out = Stream()
    try:
        engine.run_in_new_shell(state["command"], out)
    except Exception:      # a broken command shows what it printed, as watch would
        pass
    text = out.text
    if state.get("no_title"):
        return HOME_CLEAR + text
    left = f"Every {state['interval']:.1f}s: {state['command']}"
    stamp = _time.strftime("%a %b %e %H:%M:%S %Y", _time.gmtime(engine.cluster.now))
    right = f"{HOSTNAME}: {stamp}"
    room = WIDTH - len(right) - 1
    if len(left) > room:
        left = left[: max(0, room - 3)] + "..."
    return HOME_CLEAR + left.ljust(WIDTH - len(right)) + right + "\n\n" + text


@jobs.process("watch")
class Watch(jobs.Process):
    def wake(self) -> float | None:
        return self.state["next"]

    def resume(self, engine, events, out) -> int | None:
        now = engine.cluster.now
        if now >= self.state["next"]:
            out.write(frame(engine, self.state))
            self.state["next"] = now + self.state["interval"]
        return None

    def interrupt(self, engine, out) -> int:
        out.write(LEAVE)
        return 0               # watch exits 0 on SIGINT (it catches it and ends curses)


@program("watch")
def watch(proc: Proc) -> int:
    args = proc.argv[1:]
    interval, no_title = 2.0, False
    while args and args[0].startswith("-") and args[0] != "-":
        a = args.pop(0)
        m = re.fullmatch(r"(?:-n|--interval)(?:=?(.*))", a)
        if m:
            value = m.group(1) or (args.pop(0) if args else "")
            try:
                interval = max(0.1, float(value))
            except ValueError:
                proc.err(f"watch: failed to parse argument: '{value}'\n")
                return 1
        elif a in ("-t", "--no-title"):
            no_title = True
        elif a == "--":
            break
        else:
            proc.err(f"watch: invalid option -- '{a.lstrip('-')[:1]}'\n{USAGE}")
            return 1
    if not args:
        proc.err(USAGE)
        return 1
    state = {"command": " ".join(args), "interval": interval, "no_title": no_title}
    state["next"] = proc.engine.cluster.now + interval
    if not jobs.spawn(proc, Watch(state)):
        # in a pipeline or $(...): one refresh, then it ends (it would never end on its own)
        proc.out(frame(proc.engine, state)[len(HOME_CLEAR):])
        return 0
    proc.out(ENTER + frame(proc.engine, state))
    return 0
