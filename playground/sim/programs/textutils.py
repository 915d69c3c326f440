"""Text filters: grep, head, tail, wc, sort, uniq, tr, cut, rev, and the tiny awk/sed subsets learners use in
pipelines. GNU behaviour and messages; sorting follows Ubuntu's en_US.UTF-8 collation (case and
punctuation matter only to break ties)."""
from __future__ import annotations

import functools
import re
from typing import Iterator

from .. import saferegex
from ..meter import charge
from ..proc import Proc
from . import program, vfs
from .gnuopts import OptError, parse


def usage_error(proc: Proc, tool: str, message: str, status: int = 1) -> int:
    proc.err(f"{tool}: {message}\nTry '{tool} --help' for more information.\n")
    return status


def files_or_stdin(proc: Proc, names: list[str]) -> Iterator[tuple[str, str, str | None]]:
    """(name, content, error) for each operand; none or "-" is standard input."""
    for name in names or ["-"]:
        if name == "-":
            charge(len(proc.stdin))      # each reading is work: `grep x f f f ...` is bounded by the budget
            yield name, proc.stdin, None
            continue
        content, err = vfs.read(proc.host, proc.host.abspath(name))
        charge(len(content or ""))
        yield name, content or "", err


LINE_WORK = 10         # work units a text tool spends per line beyond its characters (awk: ~2 µs a line)


def lines_of(text: str) -> list[str]:
    """Lines without their newline; a final line without one still counts."""
    if not text:
        return []
    parts = text.split("\n")
    charge(LINE_WORK * len(parts))
    return parts[:-1] if text.endswith("\n") else parts


# glibc's en_US: currency signs count like letters (before digits); other punctuation only breaks ties,
# in ASCII order
CURRENCY = set("$¢£¤¥€")
PUNCT_RANK = {ch: k for k, ch in enumerate("$ !\"#%&'()*+,-./:;<=>?@[\\]^_`{|}~")}


def collate_key(s: str) -> tuple:
    """en_US.UTF-8 (glibc) order: letters and digits ignoring case and punctuation; then lower before upper;
    then where punctuation stands (a punctuation mark sorts before a letter at the same place)."""
    primary = "".join(ch.lower() if ch.isalnum() else "\x01" for ch in s if ch.isalnum() or ch in CURRENCY)
    position = [(1, 0) if ch.isalnum() or ch in CURRENCY else (0, PUNCT_RANK.get(ch, 100 + ord(ch))) for ch in s]
    return (primary, [ch.isupper() for ch in s if ch.isalnum()], position, s)


# ---- grep ----------------------------------------------------------------------------------------
POSIX_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
                 "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
                 "print": r" -~", "graph": r"!-~", "cntrl": r"\x00-\x1f\x7f", "word": r"\w"}


class BadRegex(Exception):
    pass


def _bracket(pat: str, i: int) -> tuple[str, int]:
    """A POSIX bracket expression starting at pat[i] == "[" -> (python class, index after it)."""
    if i + 1 >= len(pat):
        raise BadRegex("Invalid regular expression")
    j = i + 1
    out = ["["]
    if j < len(pat) and pat[j] == "^":
        out.append("^")
        j += 1
    first = True
    while j < len(pat):
        c = pat[j]
        if c == "]" and not first:
            out.append("]")
            return "".join(out), j + 1
        first = False
        if c == "[" and j + 1 < len(pat) and pat[j + 1] in ":.=":
            end = pat.find(pat[j + 1] + "]", j + 2)
            if end < 0:
                raise BadRegex("Unmatched [, [^, [:, [., or [=")
            name = pat[j + 2:end]
            if pat[j + 1] == ":":
                if name not in POSIX_CLASSES:
                    raise BadRegex("Invalid character class name")
                out.append(POSIX_CLASSES[name])
            else:
                out.append(re.escape(name))
            j = end + 2
            continue
        out.append("\\" + c if c in "\\[]^" else c)
        j += 1
    raise BadRegex("Unmatched [, [^, [:, [., or [=")


def posix_to_python(pat: str, extended: bool, warnings: list[str] | None = None) -> str:
    """Translate a GNU BRE/ERE into Python's syntax; GNU's warnings (ERE `*` at the start) are collected."""
    warnings = warnings if warnings is not None else []
    out: list[str] = []
    i, n = 0, len(pat)
    depth = 0
    while i < n:
        c = pat[i]
        at_start = not out or out[-1] in ("(", "|", "^")
        if c == "\\" and i + 1 >= n:
            raise BadRegex("Trailing backslash")
        if c == "\\" and i + 1 < n:
            nxt = pat[i + 1]
            i += 2
            if not extended and nxt in "(){}|+?":
                if nxt == "(":
                    depth += 1
                    out.append("(")
                elif nxt == ")":
                    if depth == 0:
                        raise BadRegex("Unmatched ) or \\)")
                    depth -= 1
                    out.append(")")
                elif nxt == "{":
                    end = pat.find("\\}", i)
                    if end < 0:
                        raise BadRegex("Unmatched \\{")
                    out.append("{" + pat[i:end] + "}")
                    i = end + 2
                else:
                    out.append(nxt)
            elif nxt in "<>":
                out.append(r"\b")
            elif nxt in "wWsSbB" or nxt.isdigit():
                out.append("\\" + nxt)
            else:
                out.append(re.escape(nxt))
            continue
        i += 1
        if c == "[":
            cls, i = _bracket(pat, i - 1)
            out.append(cls)
        elif c == "*" and at_start and not extended:
            out.append(r"\*")
        elif c in "+?" and not extended:
            out.append("\\" + c)
        elif c in "*+?" and extended and at_start:
            warnings.append(f"{c} at start of expression")      # GNU ignores it
        elif c == "{" and extended and at_start and re.match(r"\d*(,\d*)?\}", pat[i:]):
            warnings.append("{...} at start of expression")
            i += re.match(r"\d*(,\d*)?\}", pat[i:]).end()
        elif c in "(){}|" and not extended:
            out.append("\\" + c)
        elif c == "(":
            depth += 1
            out.append("(")
        elif c == ")":
            if depth == 0:
                out.append(r"\)")
            else:
                depth -= 1
                out.append(")")
        elif c == "{":
            m = re.match(r"\d*(,\d*)?\}", pat[i:])
            if m:
                out.append("{" + m.group())
                i += m.end()
            else:
                out.append(r"\{")
        elif c == "^":
            out.append("^" if extended or at_start else r"\^")
        elif c == "$":
            out.append("$" if extended or i == n or pat.startswith("\\)", i) or pat.startswith("\\|", i)
                       else r"\$")
        elif c in ".*+?":
            out.append(c)
        elif c == "|":
            out.append("|")
        elif c == "}":
            out.append(r"\}")
        else:
            out.append(re.escape(c))
    if depth:
        raise BadRegex("Unmatched ( or \\(")
    return "".join(out)


def checked(rx: str, icase: bool = False) -> str:
    """`rx` (Python's syntax) if it compiles, else GNU's complaint as BadRegex."""
    try:
        re.compile(rx, re.IGNORECASE if icase else 0)
    except re.error as exc:
        raise BadRegex("Invalid regular expression" if "bad escape" not in str(exc) else "Trailing backslash") \
            from None
    except (RecursionError, OverflowError):
        raise BadRegex("regular expression too big") from None
    return rx


def safe(rx: str, icase: bool = False, budget: saferegex.Budget | None = None,
         word: bool = False) -> saferegex.Posix:
    """The learner's pattern, compiled to run at a bounded cost (saferegex)."""
    try:
        return saferegex.posix(checked(rx, icase), icase, budget, word)
    except saferegex.Invalid as exc:
        raise BadRegex(str(exc)) from None


def compile_patterns(patterns: list[str], mode: str, icase: bool, word: bool, line: bool,
                     warnings: list[str] | None = None) -> saferegex.Posix | saferegex.Perl:
    if mode == "P":
        return compile_perl(patterns, icase, word, line)
    parts = []
    for p in patterns:
        rx = re.escape(p) if mode == "F" else posix_to_python(p, mode == "E", warnings)
        parts.append(rx)
    rx = "|".join(f"(?:{p})" for p in parts) if len(parts) > 1 else parts[0]
    if line:
        return safe(rf"^(?:{rx})$", icase)
    return safe(rx, icase, word=word)


def compile_perl(patterns: list[str], icase: bool, word: bool, line: bool) -> saferegex.Perl:
    """grep -P: the pattern goes to PCRE2 as it is (pcresearch.c's Pcompile), -w and -x as grep wraps them."""
    if len(patterns) > 1:
        raise BadRegex("the -P option only supports a single pattern")
    rx = patterns[0]
    if line:
        rx = f"^(?:{rx})$"
    elif word:
        rx = rf"(?<!\w)(?:{rx})(?!\w)"
    try:
        return saferegex.Perl(rx, icase)
    except saferegex.Invalid as exc:
        raise BadRegex(str(exc)) from None


GREP_LONG = {"extended-regexp": "E", "fixed-strings": "F", "basic-regexp": "G", "ignore-case": "i",
             "invert-match": "v", "count": "c", "files-with-matches": "l", "files-without-match": "L",
             "line-number": "n", "no-filename": "h", "with-filename": "H", "only-matching": "o", "quiet": "q",
             "silent": "q", "no-messages": "s", "word-regexp": "w", "line-regexp": "x", "regexp=": "e",
             "after-context=": "A", "before-context=": "B", "context=": "C", "max-count=": "m",
             "recursive": "r", "color": "Z", "colour": "Z", "color=": "Z", "colour=": "Z", "file=": "f",
             "no-ignore-case": "Y", "perl-regexp": "P"}


@program("grep", "egrep", "fgrep")
def grep(proc: Proc) -> int:
    try:
        opts, args = parse(proc.argv[1:], "EFGPiyvclLnhHoqswxe:A:B:C:m:rRf:", GREP_LONG)
    except OptError as exc:
        proc.err(f"grep: {exc}\nUsage: grep [OPTION]... PATTERNS [FILE]...\n"
                 f"Try 'grep --help' for more information.\n")
        return 2
    flags = {k for k, _ in opts}
    mode = {"egrep": "E", "fgrep": "F"}.get(proc.argv[0], "G")
    patterns: list[str] = []
    ctx = {"A": 0, "B": 0}
    max_count = None
    for k, v in opts:
        if k in "EFGP":
            mode = k
        elif k == "e":
            patterns.extend(v.split("\n"))
        elif k == "f":
            content, err = vfs.read(proc.host, proc.host.abspath(v))
            if err:
                proc.err(f"grep: {v}: {err}\n")
                return 2
            patterns.extend(lines_of(content))
        elif k in "ABC":
            if not v.isdigit():
                proc.err(f"grep: {v}: invalid context length argument\n")
                return 2
            for key in ("AB" if k == "C" else k):
                ctx[key] = int(v)
        elif k == "m":
            if not re.fullmatch(r"-?\d+", v):
                proc.err("grep: invalid max count\n")
                return 2
            max_count = int(v)
    if not patterns:
        if not args:
            proc.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n")
            return 2
        patterns = args.pop(0).split("\n")
    icase = bool(flags & {"i", "y"})
    warnings: list[str] = []
    try:
        rx = compile_patterns(patterns, mode, icase, "w" in flags, "x" in flags, warnings)
    except BadRegex as exc:
        proc.err(f"grep: {exc}\n")
        return 2
    for w in dict.fromkeys(warnings):
        proc.err(f"grep: warning: {w}\n")
    if flags & {"r", "R"} and not args:
        args = ["."]
    if flags & {"r", "R"}:
        expanded = []
        for a in args:
            p = proc.host.abspath(a)
            if vfs.is_dir(proc.host, p):
                prefix = p.rstrip("/") + "/"
                shown = a.rstrip("/") + "/"
                expanded.extend(shown + f[len(prefix):] for f in sorted(proc.host.files) if f.startswith(prefix))
            else:
                expanded.append(a)
        args = expanded
    many = (len(args) > 1 or bool(flags & {"r", "R"})) and "h" not in flags or "H" in flags
    invert = "v" in flags
    quiet = "q" in flags
    status_found = False
    error = False
    for name, content, err in files_or_stdin(proc, args):
        shown = "(standard input)" if name == "-" else name
        if err:
            if "s" not in flags:
                proc.err(f"grep: {name}: {err}\n")
            error = True
            continue
        lines = lines_of(content)
        count = 0
        last_printed = -1
        pending_after = 0
        out: list[str] = []
        try:
            for no, text in enumerate(lines):
                if max_count is not None and count >= max_count:
                    if pending_after and not invert:
                        pass
                    else:
                        break
                matched = rx.contains(text) != invert
                if matched and (max_count is None or count < max_count):
                    count += 1
                    status_found = True
                    if quiet:
                        return 0
                    if flags & {"l", "L"}:
                        break                   # one match settles -l and -L: grep reads no further
                    if "c" in flags:
                        continue
                    if ctx["B"] or ctx["A"]:
                        first = max(no - ctx["B"], last_printed + 1)
                        if last_printed >= 0 and first > last_printed + 1:
                            out.append("--\n")
                        for b in range(first, no):
                            out.append(_prefix(shown, b, "-", many, flags) + lines[b] + "\n")
                    if "o" in flags:
                        if not invert:
                            for m in rx.finditer(text):
                                if m.group():
                                    out.append(_prefix(shown, no, ":", many, flags) + m.group() + "\n")
                    else:
                        out.append(_prefix(shown, no, ":", many, flags) + text + "\n")
                    last_printed = no
                    pending_after = ctx["A"]
                elif pending_after and not flags & {"c", "l", "L", "o"}:
                    out.append(_prefix(shown, no, "-", many, flags) + text + "\n")
                    last_printed = no
                    pending_after -= 1
                elif max_count is not None and count >= max_count:
                    break
        except (saferegex.PcreError, saferegex.TooCostly) as exc:
            # grep -P dies on PCRE's limit (pcresearch.c), after the lines it already printed
            proc.out("".join(out))
            proc.err(f"grep: {shown}: {exc}\n")
            return 2
        if "c" in flags:
            out.append((f"{shown}:" if many else "") + f"{count}\n")
        if "l" in flags and count:
            out = [shown + "\n"]
        elif "L" in flags:
            out = [shown + "\n"] if not count else []
        elif "l" in flags:
            out = []
        proc.out("".join(out))
    if error and not (quiet and status_found):
        return 2
    if "L" in flags:
        return 0 if status_found or True else 1
    return 0 if status_found else 1


def _prefix(name: str, no: int, sep: str, many: bool, flags: set) -> str:
    p = f"{name}{sep}" if many else ""
    if "n" in flags:
        p += f"{no + 1}{sep}"
    return p


# ---- head / tail ---------------------------------------------------------------------------------
def _head_tail(proc: Proc, tool: str) -> int:
    args = [("-n" + a[1:]) if k == 0 and re.fullmatch(r"-\d+", a) else a for k, a in enumerate(proc.argv[1:])]
    args = [("-n" + a) if re.fullmatch(r"\+\d+", a) and tool == "tail" and k == 0 else a
            for k, a in enumerate(args)]
    try:
        opts, names = parse(args, "n:c:qvfF", {"lines=": "n", "bytes=": "c", "quiet": "q", "silent": "q",
                                               "verbose": "v", "follow": "f"})
    except OptError as exc:
        return usage_error(proc, tool, str(exc))
    count, unit, from_start, all_but = 10, "n", False, False
    headers = None
    for k, v in opts:
        if k in "nc":
            unit = k
            m = re.fullmatch(r"([+-]?)(\d+)([bkKmM]?)", v.strip())
            if not m:
                what = "lines" if k == "n" else "bytes"
                proc.err(f"{tool}: invalid number of {what}: ‘{v}’\n")
                return 1
            count = int(m.group(2)) * {"": 1, "b": 512, "k": 1024, "K": 1024, "m": 1 << 20, "M": 1 << 20}[m.group(3)]
            from_start = tool == "tail" and m.group(1) == "+"
            all_but = tool == "head" and m.group(1) == "-"
        elif k == "q":
            headers = False
        elif k == "v":
            headers = True
    if headers is None:
        headers = len(names) > 1
    status = 0
    first = True
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"{tool}: cannot open {_q(name)} for reading: {err}\n" if err != vfs.ISDIR else
                     f"{tool}: error reading {_q(name)}: {err}\n")
            status = 1
            continue
        if headers:
            proc.out(("" if first else "\n") + f"==> {'standard input' if name == '-' else name} <==\n")
        first = False
        if unit == "c":
            data = content.encode()
            if tool == "head":
                part = data[:len(data) - count] if all_but else data[:count]
            else:
                part = data[count - 1:] if from_start else (data[-count:] if count else b"")
            proc.out(part.decode(errors="replace"))
            continue
        lines = content.splitlines(keepends=True)
        if tool == "head":
            part = lines[:len(lines) - count] if all_but else lines[:count]
        else:
            part = lines[max(count - 1, 0):] if from_start else (lines[-count:] if count else [])
        proc.out("".join(part))
    return status


def _q(name: str) -> str:
    return "'standard input'" if name == "-" else f"'{name}'"


@program("head")
def head(proc: Proc) -> int:
    return _head_tail(proc, "head")


@program("tail")
def tail(proc: Proc) -> int:
    return _head_tail(proc, "tail")


# ---- wc ------------------------------------------------------------------------------------------
@program("wc")
def wc(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "lwcmL", {"lines": "l", "words": "w", "bytes": "c", "chars": "m",
                                                     "max-line-length": "L"})
    except OptError as exc:
        return usage_error(proc, "wc", str(exc))
    which = [k for k in "lwmcL" if any(o == k for o, _ in opts)] or ["l", "w", "c"]
    rows = []
    status = 0
    totals = {k: 0 for k in "lwmcL"}
    width_total = 0
    min_width = 1
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"wc: {name}: {err}\n")
            status = 1
            if err == vfs.ISDIR:
                rows.append(({k: 0 for k in "lwmcL"}, name))
            continue
        counts = {"l": content.count("\n"), "w": len(content.split()), "c": len(content.encode()),
                  "m": len(content), "L": max((len(x.expandtabs()) for x in content.split("\n")), default=0)}
        for k in totals:
            totals[k] = max(totals[k], counts[k]) if k == "L" else totals[k] + counts[k]
        if name == "-":
            min_width = 7
        else:
            width_total += counts["c"]
        rows.append((counts, "" if name == "-" and not names else name))
    if len(names) > 1:
        rows.append((totals, "total"))
    width = max(len(str(width_total)), min_width)
    if len(which) == 1 and len(rows) == 1:
        width = 1
    for counts, label in rows:
        line = " ".join(str(counts[k]).rjust(width) for k in which)
        proc.out(line + (f" {label}" if label else "") + "\n")
    return status


# ---- sort ----------------------------------------------------------------------------------------
NUM_RE = re.compile(r"\s*(-?(?:\d+\.?\d*|\.\d+))")


def _num(s: str) -> float:
    m = NUM_RE.match(s)
    return float(m.group(1)) if m else 0.0


HUMAN = {"": 1, "K": 1e3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15}


def _human(s: str) -> float:
    m = re.match(r"\s*(-?(?:\d+\.?\d*|\.\d+))([KkMGTP]?)", s)
    return float(m.group(1)) * HUMAN[m.group(2)] if m else 0.0


def _fields(line: str, sep: str | None) -> list[tuple[int, int]]:
    """(start, end) of each field; without -t a field is its leading blanks plus the non-blanks after."""
    if sep is not None:
        spans, start = [], 0
        for k, ch in enumerate(line):
            if ch == sep:
                spans.append((start, k))
                start = k + 1
        spans.append((start, len(line)))
        return spans
    return [(m.start(), m.end()) for m in re.finditer(r"[ \t]*[^ \t]+", line)] or [(0, len(line))]


SORT_COMPARE = 20      # work units of one comparison (a Python cmp: ~20 times the cost of reading a character)


@program("sort")
def sort(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "nrufbhVk:t:o:sgcMR", {
            "numeric-sort": "n", "reverse": "r", "unique": "u", "ignore-case": "f", "key=": "k",
            "field-separator=": "t", "output=": "o", "stable": "s", "human-numeric-sort": "h",
            "version-sort": "V", "ignore-leading-blanks": "b", "general-numeric-sort": "g", "check": "c"})
    except OptError as exc:
        return usage_error(proc, "sort", str(exc), 2)
    flags = {k for k, _ in opts}
    sep = None
    keys: list[tuple[int, int | None, str]] = []
    out_file = None
    for k, v in opts:
        if k == "t":
            if len(v) != 1:
                proc.err("sort: multi-character tab ‘%s’\n" % v if v else "sort: empty tab\n")
                return 2
            sep = v
        elif k == "o":
            out_file = v
        elif k == "k":
            m = re.fullmatch(r"(\d+)(?:\.\d+)?([bdfgiMhnRrV]*)(?:,(\d+)(?:\.\d+)?([bdfgiMhnRrV]*))?", v)
            if not m or int(m.group(1)) == 0:
                proc.err(f"sort: invalid number at field start: invalid count at start of ‘{v}’\n"
                         if not m or not m.group(1) else "sort: field number is zero: invalid field specification "
                         f"‘{v}’\n")
                return 2
            keys.append((int(m.group(1)), int(m.group(3)) if m.group(3) else None, (m.group(2) or "") +
                         (m.group(4) or "")))
    lines: list[str] = []
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"sort: cannot read: {name}: {err}\n" if err != vfs.ISDIR else f"sort: read failed: {name}: "
                     f"{err}\n")
            return 2
        lines.extend(lines_of(content))

    def key_text(line: str, key: tuple[int, int | None, str]) -> str:
        spans = _fields(line, sep)
        start, end, _ = key
        if start > len(spans):
            return ""
        s = spans[start - 1][0]
        e = len(line) if end is None else (spans[end - 1][1] if end <= len(spans) else len(line))
        return line[s:e]

    def compare_text(a: str, b: str, mods: set) -> int:
        if "n" in mods or "g" in mods:
            x, y = _num(a), _num(b)
        elif "h" in mods:
            x, y = _human(a), _human(b)
        elif "V" in mods:
            x, y = _version_key(a), _version_key(b)
        else:
            if "b" in mods:
                a, b = a.lstrip(), b.lstrip()
            x, y = collate_key(a), collate_key(b)
        return (x > y) - (x < y)

    global_mods = flags & set("nfhVbg")

    def compare(a: str, b: str) -> int:
        charge(SORT_COMPARE)
        for key in keys or [(1, None, "")]:
            mods = set(key[2]) or global_mods
            ta, tb = (key_text(a, key), key_text(b, key)) if keys else (a, b)
            c = compare_text(ta, tb, mods)
            if "r" in key[2]:
                c = -c
            if c:
                return -c if "r" in flags else c
        if "u" in flags or "s" in flags:
            return 0
        c = compare_text(a, b, set())
        if c == 0:
            c = (a > b) - (a < b)
        return -c if "r" in flags else c

    if "c" in flags:
        for k in range(1, len(lines)):
            if compare(lines[k - 1], lines[k]) > 0:
                proc.err(f"sort: {names[0] if names else '-'}:{k + 1}: disorder: {lines[k]}\n")
                return 1
        return 0
    lines.sort(key=functools.cmp_to_key(compare))
    if "u" in flags:
        uniq: list[str] = []
        for line in lines:
            if not uniq or compare(uniq[-1], line) != 0:
                uniq.append(line)
        lines = uniq
    text = "".join(line + "\n" for line in lines)
    if out_file:
        err = vfs.write(proc.host, proc.host.abspath(out_file), text, append=False, root=vfs.is_root(proc))
        if err:
            proc.err(f"sort: open failed: {out_file}: {err}\n")
            return 2
        return 0
    proc.out(text)
    return 0


def _version_key(s: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|\D+", s)]


# ---- uniq ----------------------------------------------------------------------------------------
@program("uniq")
def uniq(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "cduif:s:", {"count": "c", "repeated": "d", "unique": "u",
                                                        "ignore-case": "i", "skip-fields=": "f",
                                                        "skip-chars=": "s"})
    except OptError as exc:
        return usage_error(proc, "uniq", str(exc))
    flags = {k for k, _ in opts}
    o = dict(opts)
    if len(names) > 2:
        return usage_error(proc, "uniq", f"extra operand ‘{names[2]}’")
    name = names[0] if names else "-"
    content, err = (proc.stdin, None) if name == "-" else vfs.read(proc.host, proc.host.abspath(name))
    if err:
        proc.err(f"uniq: {name}: {err}\n")
        return 1
    skip_f = int(o.get("f", "0") or 0) if o.get("f", "0").isdigit() else 0
    skip_c = int(o.get("s", "0") or 0) if o.get("s", "0").isdigit() else 0

    def key(line: str) -> str:
        for _ in range(skip_f):
            line = re.sub(r"^[ \t]*[^ \t]*", "", line, count=1)
        line = line[skip_c:]
        return line.lower() if "i" in flags else line

    groups: list[tuple[str, int]] = []
    for line in lines_of(content or ""):
        if groups and key(groups[-1][0]) == key(line):
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((line, 1))
    out = []
    for line, n in groups:
        if "d" in flags and n < 2 or "u" in flags and n > 1:
            continue
        out.append((f"{n:7d} " if "c" in flags else "") + line + "\n")
    text = "".join(out)
    if len(names) == 2:
        err = vfs.write(proc.host, proc.host.abspath(names[1]), text, append=False, root=vfs.is_root(proc))
        if err:
            proc.err(f"uniq: {names[1]}: {err}\n")
            return 1
        return 0
    proc.out(text)
    return 0


# ---- tr ------------------------------------------------------------------------------------------
TR_CLASSES = {"lower": "abcdefghijklmnopqrstuvwxyz", "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
              "digit": "0123456789", "space": " \t\n\r\f\v", "blank": " \t",
              "punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "xdigit": "0123456789ABCDEFabcdef"}
TR_CLASSES["alpha"] = TR_CLASSES["upper"] + TR_CLASSES["lower"]
TR_CLASSES["alnum"] = TR_CLASSES["digit"] + TR_CLASSES["alpha"]


class TrError(Exception):
    pass


def _tr_set(spec: str) -> str:
    chars: list[str] = []
    i = 0
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}

    def one(k: int) -> tuple[str, int]:
        if spec[k] == "\\" and k + 1 < len(spec):
            nxt = spec[k + 1]
            m = re.match(r"[0-7]{1,3}", spec[k + 1:])
            if m:
                return chr(int(m.group(), 8)), k + 1 + m.end()
            return escapes.get(nxt, nxt), k + 2
        return spec[k], k + 1

    while i < len(spec):
        m = re.match(r"\[:(\w+):\]", spec[i:])
        if m:
            if m.group(1) not in TR_CLASSES:
                raise TrError(f"invalid character class ‘{m.group(1)}’")
            chars.extend(TR_CLASSES[m.group(1)])
            i += m.end()
            continue
        m = re.match(r"\[(.)\*(\d*)\]", spec[i:])
        if m:
            chars.append(("REPEAT", m.group(1), int(m.group(2) or 0)))   # type: ignore[arg-type]
            i += m.end()
            continue
        c, j = one(i)
        if j < len(spec) - 1 and spec[j] == "-":
            end, k = one(j + 1)
            if ord(end) < ord(c):
                raise TrError(f"range-endpoints of ‘{c}-{end}’ are in reverse collating sequence order")
            chars.extend(chr(x) for x in range(ord(c), ord(end) + 1))
            i = k
            continue
        chars.append(c)
        i = j
    return chars   # type: ignore[return-value]


@program("tr")
def tr(proc: Proc) -> int:
    try:
        opts, sets = parse(proc.argv[1:], "dscCt", {"delete": "d", "squeeze-repeats": "s", "complement": "c",
                                                    "truncate-set1": "t"})
    except OptError as exc:
        return usage_error(proc, "tr", str(exc))
    flags = {k for k, _ in opts}
    delete, squeeze, complement = "d" in flags, "s" in flags, bool(flags & {"c", "C"})
    if not sets:
        return usage_error(proc, "tr", "missing operand")
    need_two = not delete and not (squeeze and len(sets) == 1)
    if need_two and len(sets) == 1:
        proc.err(f"tr: missing operand after ‘{sets[0]}’\nTwo strings must be given when translating.\n"
                 f"Try 'tr --help' for more information.\n")
        return 1
    max_sets = 2 if (need_two or (delete and squeeze)) else 1
    if len(sets) > max_sets:
        extra = ("Only one string may be given when deleting without squeezing repeats.\n" if delete else
                 "")
        proc.err(f"tr: extra operand ‘{sets[max_sets]}’\n{extra}Try 'tr --help' for more information.\n")
        return 1
    try:
        raw1 = _tr_set(sets[0])
        raw2 = _tr_set(sets[1]) if len(sets) > 1 else []
    except TrError as exc:
        proc.err(f"tr: {exc}\n")
        return 1
    set1 = [c for c in raw1 if isinstance(c, str)]
    data = proc.stdin
    if complement:
        present = set(set1)
        set1 = sorted({ch for ch in data if ch not in present})
    set2: list[str] = []
    for c in raw2:
        if isinstance(c, tuple):
            fill = c[2] or max(0, len(set1) - (len(raw2) - 1))
            set2.extend(c[1] * fill)
        else:
            set2.append(c)
    out = data
    if delete:
        drop = set(set1)
        out = "".join(ch for ch in out if ch not in drop)
        squeeze_set = set(set2)
    elif len(sets) > 1:
        if not set2:
            proc.err("tr: when not truncating set1, string2 must be non-empty\n")
            return 1
        if "t" in flags:
            set1 = set1[:len(set2)]
        table = {}
        for k, ch in enumerate(set1):
            table[ch] = set2[k] if k < len(set2) else set2[-1]
        out = "".join(table.get(ch, ch) for ch in out)
        squeeze_set = set(set2)
    else:
        squeeze_set = set(set1)
    if squeeze:
        res: list[str] = []
        for ch in out:
            if res and ch == res[-1] and ch in squeeze_set:
                continue
            res.append(ch)
        out = "".join(res)
    proc.out(out)
    return 0


# ---- cut -----------------------------------------------------------------------------------------
def _ranges(spec: str) -> list[tuple[int, int]] | None:
    out = []
    for part in spec.split(","):
        m = re.fullmatch(r"(\d*)-(\d*)|(\d+)", part.strip())
        if not m or part.strip() == "-":
            return None
        if m.group(3):
            n = int(m.group(3))
            if n == 0:
                return None
            out.append((n, n))
        else:
            lo = int(m.group(1) or 1)
            hi = int(m.group(2)) if m.group(2) else 10**9
            if lo == 0 or hi < lo:
                return None
            out.append((lo, hi))
    return out


@program("cut")
def cut(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "d:f:c:b:s", {"delimiter=": "d", "fields=": "f", "characters=": "c",
                                                         "bytes=": "b", "only-delimited": "s",
                                                         "output-delimiter=": "O", "complement": "X"})
    except OptError as exc:
        return usage_error(proc, "cut", str(exc))
    o = dict(opts)
    modes = [k for k in "fcb" if k in o]
    if not modes:
        return usage_error(proc, "cut", "you must specify a list of bytes, characters, or fields")
    if len(modes) > 1:
        return usage_error(proc, "cut", "only one list may be specified")
    mode = modes[0]
    spans = _ranges(o[mode])
    if spans is None:
        msg = ("fields are numbered from 1" if mode == "f" else "byte/character positions are numbered from 1") if re.search(r"(^|[,-])0", o[mode]) else \
            f"invalid field value ‘{o[mode]}’" if mode == "f" else f"invalid byte/character position ‘{o[mode]}’"
        return usage_error(proc, "cut", msg)
    delim = o.get("d", "\t")
    if len(delim) != 1:
        return usage_error(proc, "cut", "the delimiter must be a single character")
    if "d" in o and mode != "f":
        return usage_error(proc, "cut", "an input delimiter may be specified only when operating on fields")
    out_delim = o.get("O", delim if mode == "f" else "")
    complement = "X" in o

    def wanted(n: int) -> bool:
        return any(lo <= n <= hi for lo, hi in spans) != complement

    status = 0
    out: list[str] = []
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"cut: {name}: {err}\n")
            status = 1
            continue
        for line in lines_of(content):
            if mode == "f":
                if delim not in line:
                    if "s" not in o:
                        out.append(line + "\n")
                    continue
                parts = line.split(delim)
                out.append(out_delim.join(p for k, p in enumerate(parts, 1) if wanted(k)) + "\n")
            else:
                out.append("".join(ch for k, ch in enumerate(line, 1) if wanted(k)) + "\n")
    proc.out("".join(out))
    return status


@program("tac")
def tac(proc: Proc) -> int:
    status = 0
    for name, content, err in files_or_stdin(proc, proc.argv[1:]):
        if err:
            proc.err(f"tac: failed to open {_q(name)} for reading: {err}\n")
            status = 1
            continue
        proc.out("".join(line + "\n" for line in reversed(lines_of(content))))
    return status


@program("paste")
def paste(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "sd:", {"serial": "s", "delimiters=": "d"})
    except OptError as exc:
        return usage_error(proc, "paste", str(exc))
    o = dict(opts)
    delims = (o.get("d", "\t").replace("\\t", "\t").replace("\\n", "\n")) or "\0"
    columns = []
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"paste: {name}: {err}\n")
            return 1
        columns.append(lines_of(content))

    def join(items: list[str]) -> str:
        out = items[0] if items else ""
        for k, item in enumerate(items[1:]):
            d = delims[k % len(delims)]
            out += ("" if d == "\0" else d) + item
        return out

    if "s" in o:
        proc.out("".join(join(col) + "\n" for col in columns))
    else:
        rows = max((len(c) for c in columns), default=0)
        proc.out("".join(join([c[r] if r < len(c) else "" for c in columns]) + "\n" for r in range(rows)))
    return 0


@program("rev")
def rev(proc: Proc) -> int:
    status = 0
    for name, content, err in files_or_stdin(proc, proc.argv[1:]):
        if err:
            proc.err(f"rev: cannot open {name}: {err}\n")
            status = 1
            continue
        proc.out("".join(line[::-1] + "\n" for line in lines_of(content)))
    return status


# ---- awk: '{print $N}' and friends ---------------------------------------------------------------
AWK_LIMIT = "podscape: awk is not simulated beyond patterns like /re/ or NR==2 and '{print $N, ...}'\n"


AWK_LINE = 20          # work units of one awk record beyond lines_of's (splitting, matching, printing)


@program("awk", "gawk", "mawk")
def awk(proc: Proc) -> int:
    args = proc.argv[1:]
    fs = None
    while args and args[0].startswith("-F") or (args and args[0] == "-v"):
        a = args.pop(0)
        if a == "-v":
            if args:
                args.pop(0)
            continue
        fs = a[2:] if len(a) > 2 else (args.pop(0) if args else " ")
    if not args:
        proc.err("usage: awk [POSIX or GNU style options] -f progfile [--] file ...\n"
                 "usage: awk [POSIX or GNU style options] [--] 'program' file ...\n")
        return 2
    prog, names = args[0].strip(), args[1:]
    m = re.fullmatch(r"(?:(/(?:[^/\\]|\\.)*/|NR\s*(?:==|!=|>=|<=|>|<)\s*\d+|\$\d+\s*(?:==|!=|~)\s*(?:\"[^\"]*\"|/[^/]*/))\s*)?"
                     r"(?:\{\s*(print(?:\s+[^;}]*)?)\s*;?\s*\})?", prog, re.S)
    if not m or not prog or (not m.group(1) and not m.group(2)):
        proc.err(AWK_LIMIT)
        return 2
    pattern, action = m.group(1), m.group(2) or "print"
    exprs = action[5:].strip()
    items = [e.strip() for e in _split_commas(exprs)] if exprs else ["$0"]
    for it in items:
        if not re.fullmatch(r'(?:\$\d+|\$NF|\$\(NF-\d+\)|NR|NF|"[^"]*"|\s)+', it):
            proc.err(AWK_LIMIT)
            return 2
    status = 0
    nr = 0
    out: list[str] = []
    budget = saferegex.Budget()
    split_rx = None
    if fs not in (None, " ") and len(fs) > 1:
        try:
            split_rx = _awk_regex(fs, budget)
        except BadRegex as exc:
            proc.err(f"awk: fatal: invalid regexp: {exc}: /{fs}/\n")
            return 2
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"awk: cannot open \"{name}\" ({err})\n")
            status = 2
            continue
        for line in lines_of(content):
            nr += 1
            try:
                fields = line.split() if fs in (None, " ") else (
                    _awk_split(split_rx, line) if split_rx is not None else line.split(fs))
                if pattern and not _awk_match(pattern, line, fields, nr, budget):
                    continue
            except saferegex.TooCostly as exc:
                proc.out("".join(out))
                proc.err(f"awk: {exc}\n")
                return 2
            values = [_awk_eval(it, line, fields, nr) for it in items]
            out.append(" ".join(values) + "\n")
            charge(AWK_LINE + len(out[-1]))       # `print $0 $0 $0 ...` grows its output before printing it
    proc.out("".join(out))
    return status


def _split_commas(text: str) -> list[str]:
    parts, cur, quote = [], [], False
    for ch in text:
        if ch == '"':
            quote = not quote
        if ch == "," and not quote:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _awk_field(ref: str, line: str, fields: list[str]) -> str:
    if ref == "$NF":
        return fields[-1] if fields else ""
    m = re.fullmatch(r"\$\(NF-(\d+)\)", ref)
    if m:
        k = len(fields) - int(m.group(1))
        return fields[k - 1] if 0 < k <= len(fields) else (line if k == 0 else "")
    n = int(ref[1:])
    return line if n == 0 else (fields[n - 1] if n <= len(fields) else "")


def _awk_eval(expr: str, line: str, fields: list[str], nr: int) -> str:
    out = []
    for tok in re.findall(r'\$\(NF-\d+\)|\$NF|\$\d+|NR|NF|"[^"]*"', expr):
        if tok.startswith('"'):
            out.append(tok[1:-1].replace("\\t", "\t").replace("\\n", "\n"))
        elif tok == "NR":
            out.append(str(nr))
        elif tok == "NF":
            out.append(str(len(fields)))
        else:
            out.append(_awk_field(tok, line, fields))
    return "".join(out)


def _awk_split(rx: saferegex.Posix, line: str) -> list[str]:
    """Fields between the separator's (non-empty) matches; unlike re.split, its groups are not fields."""
    fields, end = [], 0
    for m in rx.finditer(line):
        if m.end() > m.start():
            fields.append(line[end:m.start()])
            end = m.end()
    fields.append(line[end:])
    return fields


def _awk_regex(text: str, budget: saferegex.Budget) -> saferegex.Posix:
    return safe(text, budget=budget)


def _awk_match(pattern: str, line: str, fields: list[str], nr: int, budget: saferegex.Budget) -> bool:
    if pattern.startswith("/"):
        try:
            return _awk_regex(posix_to_python(pattern[1:-1], True), budget).contains(line)
        except BadRegex:
            return False
    m = re.fullmatch(r"NR\s*(==|!=|>=|<=|>|<)\s*(\d+)", pattern)
    if m:
        n = int(m.group(2))
        return {"==": nr == n, "!=": nr != n, ">=": nr >= n, "<=": nr <= n, ">": nr > n, "<": nr < n}[m.group(1)]
    m = re.fullmatch(r"(\$\d+)\s*(==|!=|~)\s*(?:\"([^\"]*)\"|/([^/]*)/)", pattern)
    if m:
        value = _awk_field(m.group(1), line, fields)
        if m.group(2) == "~":
            try:
                return _awk_regex(posix_to_python(m.group(4) or m.group(3) or "", True), budget).contains(value)
            except BadRegex:
                return False
        target = m.group(3) if m.group(3) is not None else m.group(4)
        return (value == target) == (m.group(2) == "==")
    return False


# ---- sed: s///, d and p with line or /re/ addresses ----------------------------------------------
SED_LIMIT = "podscape: sed is simulated for s/old/new/[g], /re/d, Nd and -n '/re/p' only\n"


@program("sed")
def sed(proc: Proc) -> int:
    args = proc.argv[1:]
    quiet, in_place, extended = False, False, False
    scripts: list[str] = []
    names: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-n", "--quiet", "--silent"):
            quiet = True
        elif a.startswith("-i") or a == "--in-place":
            in_place = True
        elif a in ("-E", "-r", "--regexp-extended"):
            extended = True
        elif a == "-e" and k + 1 < len(args):
            scripts.append(args[k + 1])
            k += 1
        elif a.startswith("-") and a != "-":
            return usage_error(proc, "sed", f"invalid option -- '{a[1:2]}'")
        else:
            names.append(a)
        k += 1
    if not scripts:
        if not names:
            proc.err("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n")
            return 1
        scripts.append(names.pop(0))
    commands = []
    budget = saferegex.Budget()
    for script in scripts:
        for part in [p.strip() for p in re.split(r"[;\n]", script) if p.strip()]:
            cmd = _sed_parse(part, extended, budget)
            if cmd is None:
                proc.err(SED_LIMIT)
                return 1
            commands.append(cmd)
    status = 0
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"sed: can't read {name}: {err}\n")
            status = 2
            continue
        out = []
        try:
            for nr, line in enumerate(lines_of(content), 1):
                deleted = False
                printed = []
                for addr, op, rx, rep, gflag in commands:
                    if addr is not None and not (addr == nr if isinstance(addr, int) else addr.contains(line)):
                        continue
                    if op == "d":
                        deleted = True
                        break
                    if op == "p":
                        printed.append(line)
                    elif op == "s":
                        line = _sed_substitute(rx, rep, line, *gflag)
                if deleted:
                    continue
                out.extend(p + "\n" for p in printed)
                if not quiet:
                    out.append(line + "\n")
                charge(len(line) + sum(len(p) for p in printed))   # s/./<long>/g grows lines before output
        except saferegex.TooCostly as exc:
            # GNU sed would finish (glibc's matcher does not backtrack): say plainly that we stopped; with -i
            # the file stays as it was, as when sed dies before renaming its temporary file
            if not (in_place and name != "-"):
                proc.out("".join(out))
            proc.err(f"sed: {exc}\n")
            return 4
        text = "".join(out)
        if in_place and name != "-":
            err = vfs.write(proc.host, proc.host.abspath(name), text, append=False, root=vfs.is_root(proc))
            if err:
                proc.err(f"sed: couldn't open temporary file {name}: {err}\n")
                status = 4
        else:
            proc.out(text)
    return status


def _sed_replacement(text: str):
    """sed's replacement: & is the match, \\1..\\9 groups, \\& a literal &, \\n a newline."""
    def expand(m: re.Match) -> str:
        out, i = [], 0
        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                out.append(m.group(int(nxt)) or "" if nxt.isdigit() and int(nxt) <= (m.re.groups or 0) else
                           "\n" if nxt == "n" else "\t" if nxt == "t" else nxt)
                i += 2
                continue
            out.append(m.group(0) if c == "&" else c)
            i += 1
        return "".join(out)
    return expand


def _sed_substitute(rx: saferegex.Posix, rep, line: str, global_: bool, nth: int) -> str:
    count = [0]
    last_end = [-1]

    def one(m: re.Match) -> str:
        if m.start() == m.end() == last_end[0]:     # GNU sed takes no empty match right after a match
            return ""
        last_end[0] = m.end()
        count[0] += 1
        if count[0] < nth or (count[0] > nth and not global_):
            return m.group(0)
        return rep(m)
    return rx.sub(one, line)


def _sed_parse(part: str, extended: bool, budget: saferegex.Budget | None = None):
    addr = None
    m = re.match(r"(\d+)|/((?:[^/\\]|\\.)*)/", part)
    try:
        if m:
            addr = int(m.group(1)) if m.group(1) else safe(posix_to_python(m.group(2), extended), budget=budget)
            part = part[m.end():].strip()
        if part in ("d", "p"):
            return addr, part, None, None, False
        if part.startswith("s") and len(part) > 1:
            d = part[1]
            pieces = re.split(r"(?<!\\)" + re.escape(d), part[2:])
            if len(pieces) != 3 or not re.fullmatch(r"[gI]*\d*[gI]*", pieces[2]):
                return None
            rx = safe(posix_to_python(pieces[0], extended), "I" in pieces[2], budget)
            nth = re.search(r"\d+", pieces[2])
            return addr, "s", rx, _sed_replacement(pieces[1].replace("\\" + d, d)), \
                ("g" in pieces[2], int(nth.group()) if nth else 1)
    except (BadRegex, re.error):
        return None
    return None


# ---- column, nl, checksums -----------------------------------------------------------------------
@program("column")
def column(proc: Proc) -> int:
    try:
        opts, names = parse(proc.argv[1:], "ts:o:", {"table": "t", "separator=": "s", "output-separator=": "o"})
    except OptError as exc:
        return usage_error(proc, "column", str(exc))
    o = dict(opts)
    rows: list[list[str]] = []
    plain: list[str] = []
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"column: {name}: {err}\n")
            return 1
        for line in lines_of(content):
            if not line.strip():
                continue
            plain.append(line)
            if "s" in o:
                rows.append([c for c in re.split("[" + re.escape(o["s"]) + "]+", line)])
            else:
                rows.append(line.split())
    if "t" not in o:
        proc.out("".join(line + "\n" for line in plain))     # columns across a terminal: one per line here
        return 0
    sep = o.get("o", "  ")
    widths: list[int] = []
    for r in rows:
        for k, cell in enumerate(r):
            if k >= len(widths):
                widths.append(0)
            widths[k] = max(widths[k], len(cell))
    for r in rows:
        cells = [cell.ljust(widths[k]) if k < len(r) - 1 else cell for k, cell in enumerate(r)]
        proc.out(sep.join(cells) + "\n")
    return 0


@program("nl")
def nl(proc: Proc) -> int:
    all_lines = "-ba" in proc.argv or ("-b" in proc.argv and "a" in proc.argv)
    names = [a for a in proc.argv[1:] if not a.startswith("-") and a != "a"]
    n = 0
    out = []
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"nl: {name}: {err}\n")
            return 1
        for line in lines_of(content):
            if line or all_lines:
                n += 1
                out.append(f"{n:6d}\t{line}\n")
            else:
                out.append(" " * 7 + "\n")      # GNU nl pads an unnumbered line
    proc.out("".join(out))
    return 0


def _checksum(proc: Proc, algo: str) -> int:
    import hashlib
    status = 0
    names = [a for a in proc.argv[1:] if not a.startswith("-") or a == "-"]
    for name, content, err in files_or_stdin(proc, names):
        if err:
            proc.err(f"{proc.argv[0]}: {name}: {err}\n")
            status = 1
            continue
        digest = hashlib.new(algo, content.encode()).hexdigest()
        proc.out(f"{digest}  {name}\n")
    return status


@program("md5sum")
def md5sum(proc: Proc) -> int:
    return _checksum(proc, "md5")


@program("sha1sum")
def sha1sum(proc: Proc) -> int:
    return _checksum(proc, "sha1")


@program("sha256sum")
def sha256sum(proc: Proc) -> int:
    return _checksum(proc, "sha256")
