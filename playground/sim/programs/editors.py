"""nano / vi / vim on the learner's files: the browser's editor pane stands in for the terminal editor.

Saving writes the file with the rights the editor ran with, so `nano /etc/hosts` fails to save and
`sudo nano /etc/hosts` works, as on Ubuntu. Nothing is printed on a normal exit (the editor's screen is gone).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..proc import Proc, Stream
from . import program, vfs

if TYPE_CHECKING:
    from ..engine import Engine

HANDLER = "file"


@program("nano", "vi", "vim", "view", "editor", "pico")
def edit(proc: Proc) -> int:
    tool = proc.argv[0]
    names = [a for a in proc.argv[1:] if not a.startswith(("-", "+"))]
    if not names:
        proc.err(f"podscape: give {tool} a file name (for example: {tool} service.yaml)\n")
        return 1
    name = names[0]
    path = proc.host.abspath(name)
    if vfs.is_dir(proc.host, path):
        proc.err(f"{tool}: {name}: {vfs.ISDIR}\n" if tool in ("nano", "pico") else
                 f'"{name}" is a directory\n')
        return 1
    content = proc.host.files.get(path, "")
    language = "yaml" if path.endswith((".yaml", ".yml")) else "text"
    proc.engine.open_editor(HANDLER, f"{tool} {name}", content,
                            {"path": path, "shown": name, "root": vfs.is_root(proc), "tool": tool,
                             "readonly": tool == "view"}, language=language)
    return 0


def save(engine: Engine, content: str | None, context: dict, term: Stream) -> int:
    if content is None or context.get("readonly"):
        return 0
    err = vfs.write(engine.host, context["path"], content, append=False, root=bool(context.get("root")))
    if err:
        if context.get("tool") in ("nano", "pico"):
            term.write(f"[ Error writing {context['shown']}: {err} ]\n")
        else:
            term.write(f'"{context["shown"]}" E212: Can\'t open file for writing\n')
        return 1
    return 0
