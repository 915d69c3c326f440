"""Flag tables read from kubectl's own captured `--help` text, so every real flag parses as kubectl's does.

    flags_from_help("create deployment", kinds={"image": "stringSlice"})

The Options section lists `-r, --replicas=1:`; the default gives the kind (true/false -> bool, a number
-> int, [] -> a list, else a string). Lists are stringArray unless `kinds` says stringSlice (pflag's
StringSlice splits on commas, StringArray does not), and Int32 flags are marked "int32" for the range check.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .framework import Flag

HELP_DIR = Path(__file__).with_name("help")
_OPTION = re.compile(r"^    (?:-(\w), )?--([\w-]+)=(.*):$")
# pflag NoOptDefVal: the value a flag takes when given without `=value`.
NO_OPT = {"dry-run": "unchanged", "validate": "strict", "cascade": "background"}   # (delete_flags.go)


@lru_cache(maxsize=None)
def _options(path: str) -> tuple[tuple[str, str, str], ...]:
    text = (HELP_DIR / (path.replace(" ", "_") + ".txt")).read_text()
    section = text.split("\nOptions:\n", 1)[1].split("\nUsage:\n", 1)[0] if "\nOptions:\n" in text else ""
    out = []
    for line in section.splitlines():
        m = _OPTION.match(line)
        if m:
            out.append((m.group(1) or "", m.group(2), m.group(3)))
    return tuple(out)


def flags_from_help(path: str, kinds: dict[str, str] | None = None) -> list[Flag]:
    kinds = kinds or {}
    flags = []
    for short, name, default in _options(path):
        kind = kinds.get(name)
        if default in ("true", "false"):
            kind, value = kind or "bool", default == "true"
        elif default == "[]":
            kind, value = kind or "stringArray", []
        elif re.fullmatch(r"-?\d+", default):
            kind, value = kind or "int", int(default)
        else:
            kind, value = kind or "string", default.strip("'")
        flags.append(Flag(name, short, kind, value, no_opt=NO_OPT.get(name)))
    return flags
