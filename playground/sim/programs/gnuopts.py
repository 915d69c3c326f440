"""GNU getopt_long as coreutils and grep use it: bundled short flags (-inv), option arguments attached or
separate (-n5, -n 5, --lines=5), options after operands, `--`. Errors carry GNU's wording."""
from __future__ import annotations


class OptError(Exception):
    pass


def parse(argv: list[str], short: str, long: dict[str, str] | None = None,
          permute: bool = True) -> tuple[list[tuple[str, str]], list[str]]:
    """short: "nve:" (a colon marks an argument); long: {"count": "c", "regexp=": "e"} maps to short keys.

    Returns ([(key, value)], operands). Raises OptError("invalid option -- 'z'") and the like.
    """
    long = long or {}
    takes = {c for k, c in enumerate(short) if c != ":" and short[k + 1:k + 2] == ":"}
    opts: list[tuple[str, str]] = []
    operands: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            operands.extend(argv[i:])
            break
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            exact = [k for k in long if k.rstrip("=") == name]
            if len(exact) > 1:     # "color" and "color=": an optional argument
                exact = [k for k in exact if k.endswith("=") == bool(eq)]
            cands = exact or [k for k in long if k.rstrip("=").startswith(name)]
            if not cands:
                raise OptError(f"unrecognized option '{a}'")
            if len({long[c] for c in cands}) > 1:
                raise OptError(f"option '{a}' is ambiguous")
            key = cands[0]
            if key.endswith("="):
                if not eq:
                    if i >= len(argv):
                        raise OptError(f"option '--{key.rstrip('=')}' requires an argument")
                    value = argv[i]
                    i += 1
                opts.append((long[key], value))
            else:
                if eq:
                    raise OptError(f"option '--{key}' doesn't allow an argument")
                opts.append((long[key], ""))
            continue
        if a.startswith("-") and len(a) > 1:
            k = 1
            while k < len(a):
                c = a[k]
                if c not in short or c == ":":
                    raise OptError(f"invalid option -- '{c}'")
                if c in takes:
                    value = a[k + 1:]
                    if not value:
                        if i >= len(argv):
                            raise OptError(f"option requires an argument -- '{c}'")
                        value = argv[i]
                        i += 1
                    opts.append((c, value))
                    break
                opts.append((c, ""))
                k += 1
            continue
        operands.append(a)
        if not permute:
            operands.extend(argv[i:])
            break
    return opts, operands
