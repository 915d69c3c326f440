"""bash's patterns on linear-time matchers, for the shell (shell.py): `[[ x =~ ere ]]` (POSIX ERE as glibc reads
it) and glob patterns (`[[ x == pat ]]`, `case`, ${v#pat} ${v%pat} ${v/pat/rep}, pathname components)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from . import saferegex
from .programs.textutils import BadRegex, posix_to_python


class ExpansionError(Exception):
    """`${x` and friends: the message is printed and the command does not run (exit 1)."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


# ---- [[ x =~ ere ]] ------------------------------------------------------------------------------------
ERE_SPECIAL = set(".[\\()*+?{|^$")     # bash's ere_char(): what it backslash-quotes in a quoted part of =~
INTERVAL_RE = re.compile(r"\{([0-9]*)(,([0-9]*))?\}")
DUP_MAX = 32767                       # glibc's RE_DUP_MAX


def _ere_bracket_end(ere: str, i: int) -> int:
    """Index past the bracket expression opening at ere[i], or -1 when it does not close."""
    j = i + 1
    if ere.startswith("^", j):
        j += 1
    if ere.startswith("]", j):
        j += 1
    while j < len(ere):
        if ere[j] == "[" and j + 1 < len(ere) and ere[j + 1] in ":=.":
            close = ere.find(ere[j + 1] + "]", j + 2)
            if close < 0:
                return -1
            j = close + 2
        elif ere[j] == "]":
            return j + 1
        else:
            j += 1
    return -1


def _count(digits: str) -> int:
    """A repetition count, capped past DUP_MAX (int() of thousands of digits raises)."""
    digits = digits.lstrip("0") or "0"
    return DUP_MAX + 1 if len(digits) > 5 else int(digits)


def ere_accepted(ere: str) -> bool:
    """What glibc's regcomp(REG_EXTENDED) refuses and GNU grep's syntax lets through: a repetition with
    nothing to repeat (first, or after ( | ^ $ or an anchor like \\b), a { that does not open a valid interval
    (a{1, a{x}), and a back-reference to a group not yet closed. The rest is posix_to_python's (textutils)
    to refuse."""
    after_nothing = True
    # glibc's completed_bkref_map: each branch of an alternation starts from what was closed before it,
    # and the alternation ends with what any branch closed
    opened, open_groups, closed = 0, [], set()
    branches: list[tuple[set, set]] = [(set(), set())]        # (closed before the alternation, by its branches)
    i, n = 0, len(ere)
    while i < n:
        c = ere[i]
        if c == "\\":
            if ere[i + 1:i + 2] in tuple("123456789") and int(ere[i + 1]) not in closed:
                return False
            i, after_nothing = i + 2, ere[i + 1:i + 2] in tuple("bB<>`'")    # an anchor repeats nothing
            continue
        if c == "(":
            opened += 1
            open_groups.append(opened)
            branches.append((set(closed), set()))
        elif c == ")" and open_groups:
            closed |= branches.pop()[1]
            closed.add(open_groups.pop())
        elif c == "|":
            branches[-1][1].update(closed)
            closed = set(branches[-1][0])
        if c == "[":
            end = _ere_bracket_end(ere, i)
            if end < 0:
                return False
            i, after_nothing = end, False
            continue
        if c in "*+?{":
            if after_nothing:
                return False
            if c == "{":
                m = INTERVAL_RE.match(ere, i)
                if not m or (not m.group(1) and not m.group(2)):
                    return False
                low, high = _count(m.group(1) or "0"), m.group(3)
                if low > DUP_MAX or (high and (_count(high) > DUP_MAX or _count(high) < low)):
                    return False
                i = m.end()
                continue
        else:
            after_nothing = c in "(|^$"
        i += 1
    return True


def unstacked(rx: str) -> str:
    """Python's syntax for a POSIX regex whose repetitions follow one another (a**, a+{2}, (a){2}{3}): glibc
    repeats the repetition, Python and RE2 refuse it, so the one before is put in a group of its own."""
    out: list[str] = []
    atom = -1            # where the last thing a repetition may follow starts in `out`; -1: nothing
    repeated = False
    groups: list[int] = []
    i, n = 0, len(rx)
    while i < n:
        c = rx[i]
        quantifier = INTERVAL_RE.match(rx, i) if c == "{" else None
        if c in "*+?" or quantifier:
            end = quantifier.end() if quantifier else i + 1
            if repeated and atom >= 0:
                out[atom:] = ["(?:" + "".join(out[atom:]) + ")"]
            out.append(rx[i:end])
            repeated, i = True, end
            continue
        repeated = False
        if c == "\\":
            atom = len(out)
            out.append(rx[i:i + 2])
            i += 2
        elif c == "[":
            j = i + 1
            j += rx.startswith("^", j)
            while j < n and rx[j] != "]":
                j += 2 if rx[j] == "\\" else 1
            atom = len(out)
            out.append(rx[i:j + 1])
            i = j + 1
        elif c == "(":
            groups.append(len(out))
            out.append(c)
            atom, i = -1, i + 1
        elif c == ")":
            atom = groups.pop() if groups else len(out)
            out.append(c)
            i += 1
        else:
            atom = -1 if c in "|^$" else len(out)
            out.append(c)
            i += 1
    return "".join(out)


def bash_regex(ere: str) -> "saferegex.Posix | None":
    """The regex bash's =~ compiles, or None where regcomp fails (the test's status is then 2). `.` and
    negated brackets match a newline, ^ and $ only the value's ends (no REG_NEWLINE)."""
    warnings: list[str] = []
    try:
        python = posix_to_python(ere, True, warnings)
    except BadRegex:
        return None
    if warnings or not ere_accepted(ere):
        return None
    try:
        return saferegex.posix("(?s)" + unstacked(python), longest=True)
    except saferegex.Invalid:
        return None


def bash_wrapped(pat: str, op: str) -> str:
    """match_upattern's first test for ${v/pat/rep}: the pattern with `*` added where it may match more
    (none before it for /#, none after it for /%). Its check of a trailing `*` misreads escapes: `*\\*` gets
    none, so the whole value must end with "*"; after a lone trailing "\\" the added `*` is literal."""
    if pat[0] == "*" and pat[-1] == "*":
        return pat
    out = "*" if op != "/#" and pat[0] != "*" else ""
    if op != "/%" and pat[-1] == "*" and pat[-2:-1] == "\\":
        escaped, k = False, len(pat) - 3
        while k >= 0 and pat[k] == "\\":
            escaped, k = not escaped, k - 1
        return out + pat + ("" if escaped else "*")
    return out + pat + ("*" if op != "/%" and pat[-1] != "*" else "")


def plain_text(pat: str) -> str | None:
    """What a pattern without pattern characters (* ? [ unescaped, or a trailing lone \\) matches."""
    out, i, n = [], 0, len(pat)
    while i < n:
        c = pat[i]
        if c == "\\":
            if i + 1 == n:
                return None
            out.append(pat[i + 1])
            i += 2
            continue
        if c in "*?[":
            return None
        out.append(c)
        i += 1
    return "".join(out)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\\])", r"\\\1", text)


def glob_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# ---- bash's patterns ---------------------------------------------------------------------------------
# `[[ x == pat ]]`, `case`, ${v#pat} ${v%pat} ${v/pat/rep} and pathname components: bash's matcher
# (lib/glob/sm_loop.c) translated to RE2, whose automata answer in linear time where Python's `re` backtracks
# (`${v%%*a*a*b}` over 400 a's took 0.7 s, and each further `*a` multiplies it).
NEVER = r"[^\x00-\x{10FFFF}]"          # a bracket that can match nothing
CHAR_CLASSES = {                      # [[:name:]] in a UTF-8 locale (glibc's iswctype, near enough)
    "alpha": r"\p{L}", "upper": r"\p{Lu}", "lower": r"\p{Ll}", "digit": "0-9", "alnum": r"\p{L}0-9",
    "word": r"\p{L}0-9_", "xdigit": "0-9A-Fa-f", "ascii": r"\x00-\x7f",
    "space": r"\t-\r \x{1680}\x{2000}-\x{2006}\x{2008}-\x{200a}\x{2028}\x{2029}\x{205f}\x{3000}",
    "blank": r"\t \x{1680}\x{2000}-\x{2006}\x{2008}-\x{200a}\x{205f}\x{3000}",
    "cntrl": r"\x00-\x1f\x7f-\x{9f}\x{2028}\x{2029}", "punct": r"!-/:-@\[-`{-~\p{P}\p{S}",
    "print": r"\x20-\x7e\x{a0}-\x{2027}\x{202a}-\x{10ffff}", "graph": r"\x21-\x7e\x{a1}-\x{2027}\x{202a}-\x{10ffff}",
}


def _lit(c: str) -> str:
    """One character as RE2 reads it literally, in a bracket or out."""
    return c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):x}}}"


GIVE_UP = -1                # bash abandons the whole match here (a "\" or a range cut off by the pattern's end)


@dataclass
class Bracket:
    """A bracket expression as bash's BRACKMATCH reads it. A character that matches element k goes on from
    that element's `skip` (the index past the "]" its matched-path scan finds); any other goes on from `end`
    (the scan of all elements), negated or not. None: no "]" was found, so a "[" matches itself. `reach`:
    how far the scans read (what the bracket cost)."""
    negate: bool
    elements: list[tuple[str, bool, int | None]] = field(default_factory=list)   # (RE2 members, has "[", skip)
    end: int | None = None
    reach: int = 0


def _skip(pat: str, q: int, memo: dict) -> int | None:
    """BRACKMATCH's `matched:` path, from the element's end at q to past the bracket's "]". Its count of
    nested [: [= [. only ever matters as "one is open" (then `:]` closes it; any other "]" ends the bracket,
    except inside [. .]), so the way on depends on (position, open one, last character): `memo` keeps the
    ends by that state, and the scans from all the elements of a bracket cost its length once."""
    n = len(pat)

    def at(k: int) -> str:
        return pat[k] if k < n else ""

    c, p, opener = at(q), q, ""
    passed: list[tuple[int, str, str]] = []
    end: int | None = None
    while c != "":
        state = (p, opener, c)
        if state in memo:
            end = memo[state]
            break
        passed.append(state)
        previous, c = c, at(p)
        p += 1
        if c == "[" and at(p) in ("=", ":", "."):
            opener = at(p)
            p += 1
            c = at(p)
        elif c == "]" and opener and previous == opener:
            opener = ""
        elif c == "]" and opener != ".":
            end = p
            break
        elif c == "\\":
            if at(p) == "":
                end = GIVE_UP
                break
            p += 1
    for state in passed:
        memo[state] = end
    return end


def _bracket(pat: str, i: int) -> Bracket:
    """The bracket expression opening at pat[i] ("["), scanned as BRACKMATCH scans it for a character that
    matches none of its elements: a "]" first is a member, "\\" escapes, a reversed range or an unknown
    [:class:] matches nothing, and (bash's quirk) a "]" right after [=c=] is a member too."""
    n = len(pat)

    def at(k: int) -> str:
        return pat[k] if k < n else ""

    p = i + 1
    br = Bracket(negate=at(p) in ("!", "^"))
    p += br.negate
    skips: dict = {}
    found: dict[str, int] = {}

    def element(members: str, has_bracket: bool, q: int) -> None:
        skip = _skip(pat, q, skips)
        br.elements.append((members, has_bracket, skip))
        br.reach = max(br.reach, n if skip is None or skip == GIVE_UP else skip)

    def find(needle: str, start: int) -> int:            # str.find, remembering: each search reads on once
        k = found.get(needle, -2)
        if k == -1 or k >= start:
            return k
        found[needle] = pat.find(needle, start)
        br.reach = max(br.reach, n if found[needle] < 0 else found[needle])
        return found[needle]

    def collating(k: int) -> tuple[str | None, int]:      # [.c.] at k: the character (a named one: not simulated)
        close = find(".]", k + 2)
        if close < 0:
            return None, -1
        name = pat[k + 2:close]
        return (name if len(name) == 1 else None), close + 2

    c = at(p)
    p += 1
    while True:
        if c == "[" and at(p) == "=" and at(p + 2) == "=" and at(p + 3) == "]":       # [=c=]
            element(_lit(at(p + 1)), at(p + 1) == "[", p + 4)
            p += 4
            c = at(p)
            p += 1
            if c == "":
                return br
            continue
        if c == "[" and at(p) == ":":                                                # [:name:]
            close = find(":]", p + 1)
            if close >= 0:
                name = pat[p + 1:close].replace("\\", "")
                if name in CHAR_CLASSES:
                    element(CHAR_CLASSES[name], name in ("punct", "print", "graph", "ascii"), close + 2)
                p = close + 2
            c = at(p)
            p += 1
            if c == "":
                return br
            if c == "]":
                br.end = p
                return br
            continue
        start: str | None = c
        if c == "[" and at(p) == ".":
            start, p = collating(p - 1)
            if p < 0:
                return br
        elif c == "\\":
            if at(p) == "":
                br.end = GIVE_UP
                return br
            start = at(p)
            p += 1
        if c == "":
            return br
        c = at(p)
        p += 1
        if c == "":
            return br
        stop: str | None = start
        if c == "-" and at(p) != "]":                                                # a range
            stop = at(p)
            p += 1
            if stop == "\\":
                stop = at(p)
                p += 1
            if stop == "":
                br.end = GIVE_UP
                return br
            if stop == "[" and at(p) == ".":
                stop, p = collating(p - 1)
                if p < 0:
                    return br
            c = at(p)
            p += 1
        if start is not None and stop is not None and start <= stop:
            element(_lit(start) if start == stop else f"{_lit(start)}-{_lit(stop)}", start <= "[" <= stop, p - 1)
        if c == "]":
            br.end = p
            return br


def _alternatives(br: Bracket, i: int) -> list[tuple[str, int]]:
    """(an RE2 atom, where the pattern goes on) for each way through the bracket opening at i; mostly one."""
    alts: list[tuple[str, int]] = []
    if br.negate:
        if br.end is not None and br.end != GIVE_UP:
            body = "".join(members for members, _, _ in br.elements)
            alts.append((f"[^{body}]" if body else "(?s:.)", br.end))
    else:
        ways: dict[int, list[str]] = {}
        for members, _, skip in br.elements:
            if skip is not None and skip != GIVE_UP:
                ways.setdefault(skip, []).append(members)
        alts.extend((f"[{''.join(members)}]", skip) for skip, members in ways.items())
    first = next((e for e in br.elements if e[1]), None)         # the first element holding "["
    if (first is None and br.end is None) or (first is not None and first[2] is None):
        alts.append((_lit("["), i + 1))                           # no "]": the "[" is an ordinary character
    return alts


class GlobTranslation:
    """A bash pattern in RE2's syntax (`.` is any character: callers set (?s)). `lazy`: each `*` matches as
    little as it can, so the first match from a position is the shortest (${v#pat}). `length`: only the
    ways through the pattern that match exactly that many characters (see matchlen); `stars` tells whether
    the pattern has a `*` (then `length` is not applied)."""

    MAX_FORKS = 32       # brackets whose characters go on at different places (malformed ones); past that,
    #                      the first way only
    MAX_SCAN = 20_000    # characters the bracket scans may read (~2 us each): an unclosed "[" reads to the end,
    #                      so 10,000 of them would read 50,000,000; a real pattern reads a few hundred

    def __init__(self, pat: str, lazy: bool = False, length: int | None = None):
        self.pat, self.lazy = pat, lazy
        self.forks = 0
        self.stars = False
        self.star_runs = 0
        self.star_width: int | None = None      # a lone run of `*`s takes exactly this many characters
        self.atoms = 0          # what the regex is made of: a bound on the threads RE2's NFA runs at once
        self.scanned = 0
        self.brackets: dict[int, Bracket] = {}
        self.memo: dict[tuple[int, int | None], str] = {}
        self.regex = self.from_(0, length)
        if self.stars and length is not None:
            # bash counted the `*` into a bracket it took to be closed ("[*"): with one run of them, the run
            # takes what the length leaves; with more, the length is not applied
            atoms, runs, forks = self.atoms, self.star_runs, self.forks
            self.memo.clear()
            if runs == 1 and forks == 0:
                self.star_width = max(length - (atoms - 1), -1)
            self.regex = self.from_(0, None)

    def from_(self, i: int, left: int | None) -> str:
        """The regex for pat[i:]; `left`: the characters it must match, when counted."""
        key = (i, left)
        if key in self.memo:
            return self.memo[key]
        pat, n = self.pat, len(self.pat)
        out: list[str] = []
        while i < n:
            c = pat[i]
            self.atoms += 1
            if c == "*":
                self.stars = True
                j = i
                while j < n and pat[j] in "*?":
                    j += 1
                if pat[j:] == "\\":     # bash looks for the character after the *s, finds none: no match
                    out.append(NEVER)
                    break
                while i < n and pat[i] == "*":
                    i += 1
                self.star_runs += 1
                if self.star_width is None:
                    out.append(".*?" if self.lazy else ".*")
                else:
                    out.append(f".{{{self.star_width}}}" if self.star_width >= 0 else NEVER)
                left = None
                continue
            if left is not None:
                if left == 0:
                    out.append(NEVER)
                    break
                left -= 1
            if c == "\\":
                out.append(_lit(pat[i + 1] if i + 1 < n else "\\"))    # a trailing \ matches a \ (bash 5.2)
                i += 2
            elif c == "?":
                out.append(".")
                i += 1
            elif c == "[":
                alts = _alternatives(self.bracket(i), i)
                if not alts:
                    out.append(NEVER)
                    break
                if len(alts) > 1 and self.forks < self.MAX_FORKS:
                    self.forks += 1
                    out.append("(?:" + "|".join(atom + self.from_(nxt, left) for atom, nxt in alts) + ")")
                    left = None
                    break
                out.append(alts[0][0])
                i = alts[0][1]
            else:
                out.append(_lit(c))
                i += 1
        if left:
            out.append(NEVER)
        self.memo[key] = "".join(out)
        return self.memo[key]


    def bracket(self, i: int) -> Bracket:
        if i not in self.brackets:
            br = self.brackets[i] = _bracket(self.pat, i)
            end = br.end if br.end is not None and br.end > 0 else len(self.pat)
            self.scanned += max(br.reach, end) - i
            if self.scanned > self.MAX_SCAN:
                raise ExpansionError(f"podscape: the playground stopped reading a pattern of {len(self.pat)} "
                                     "characters: its brackets are more work than the playground allows")
        return self.brackets[i]


def glob_to_regex(pat: str, lazy: bool = False) -> str:
    return GlobTranslation(pat, lazy).regex


def matchlen(pat: str) -> int:
    """bash's umatchlen (lib/glob/gm_loop.c): the length of the strings a pattern without `*` matches, -1
    with one. ${v/pat/rep} tries only substrings of that length, so where it miscounts (a bracket opening
    with "[!]" or "[^]", whose "]" it takes for the end) bash finds no match, and neither do we."""
    n, i, length = len(pat), 0, 0

    def at(k: int) -> str:
        return pat[k] if k < n else ""

    in_class = in_collating = in_equivalence = False
    while i < n:
        c = pat[i]
        i += 1
        if c == "\\":
            if i >= n:
                return length + 1
            length += 1
            i += 1
        elif c == "*":
            return -1
        elif c != "[":
            length += 1
        else:
            inner = 1
            c = at(i)
            i += 1
            while True:
                if c == "":
                    return length + inner
                if c == "\\":
                    inner += 1
                    if at(i) == "" or at(i + 1) == "":
                        return length + inner
                    i += 1
                elif c == "[" and at(i) == ":":
                    i, inner, in_class = i + 1, inner + 1, True
                elif in_class and c == ":" and at(i) == "]":
                    i, inner, in_class = i + 1, inner + 1, False
                elif c == "[" and at(i) in (".", "="):
                    dot = at(i) == "."
                    i, inner = i + 1, inner + 1
                    if at(i) == "]":
                        i, inner = i + 1, inner + 1
                    in_collating, in_equivalence = (True, in_equivalence) if dot else (in_collating, True)
                elif in_collating and c == "." and at(i) == "]":
                    i, inner, in_collating = i + 1, inner + 1, False
                elif in_equivalence and c == "=" and at(i) == "]":
                    i, inner, in_equivalence = i + 1, inner + 1, False
                else:
                    inner += 1
                c = at(i)
                i += 1
                if c == "]":
                    break
            length += 1
    return length


MAX_PATTERN_WORK = 8_000_000    # pattern elements x characters: RE2's NFA, where its DFA gives up, takes
#                                 ~6 ns per unit (a 2,000-star pattern over 100,000 characters: 3.5 s)


class BashPattern:
    """One bash pattern and the questions bash asks of it, each answered by one RE2 search (bash asks its
    matcher once per candidate start and end, up to the square of the length). A pattern without pattern
    characters is compared as a string."""

    def __init__(self, pat: str):
        self.pat = pat
        translation = GlobTranslation(pat)
        self.rx, self.stars, self.atoms = translation.regex, translation.stars, translation.atoms
        self.empty = pat == ""
        self.literal = plain_text(pat)

    def _afford(self, text: str, anchored: bool) -> None:
        """Refuse the searches that could run long: many elements, a long text, and an NFA with a thread
        per element (a `*`, or a search that may start anywhere); one anchored without `*` runs one thread."""
        if (self.stars or not anchored) and self.atoms * len(text) > MAX_PATTERN_WORK:
            raise ExpansionError(f"podscape: the playground stopped matching a pattern of {self.atoms} elements "
                                 f"against {len(text)} characters: more work than the playground allows")

    def _search(self, template: str, text: str, lazy: bool = False, longest: bool = False):
        self._afford(text, template.startswith(r"\A"))
        rx = glob_to_regex(self.pat, lazy=True) if lazy else self.rx
        try:
            return saferegex.posix("(?s)" + template.format(rx), longest=longest).search(text)
        except saferegex.TooCostly as exc:
            raise ExpansionError(str(exc)) from None

    def matches(self, text: str) -> bool:
        if self.literal is not None:
            return text == self.literal
        return self._search(r"\A(?:{})\z", text) is not None

    def strip(self, text: str, op: str) -> str:
        """${v#pat} (shortest prefix), ## (longest), % (shortest suffix), %% (longest)."""
        if self.literal is not None:
            if op.startswith("#"):
                return text[len(self.literal):] if text.startswith(self.literal) else text
            return text[:len(text) - len(self.literal)] if text.endswith(self.literal) else text
        if op == "#":
            m = self._search(r"\A(?:{})", text, lazy=True)
            return text if m is None else text[m.end():]
        if op == "##":
            m = self._search(r"\A(?:{})", text, longest=True)
            return text if m is None else text[m.end():]
        if op == "%":
            m = self._search(r"\A.*({})\z", text)         # the greedy .* leaves the match as late as it can
            return text if m is None else text[:m.start(1)]
        m = self._search(r"(?:{})\z", text)                # the leftmost start
        return text if m is None else text[:m.start()]

    def replace(self, text: str, rep: Callable[[str], str], op: str) -> str:
        """${v/pat/rep} (the leftmost, longest match), // (each in turn), /# (a prefix), /% (a suffix); `rep`
        makes the replacement from the matched text (bash 5.2's patsub_replacement: & is the match).
        As bash's match_upattern: the value must first pass the test of bash_wrapped(), and a pattern
        without `*` is tried on substrings of matchlen() characters only."""
        if self.empty:
            return (rep("") + text) if op == "/#" else (text + rep("")) if op == "/%" else text
        if self.literal is not None:
            lit = self.literal
            if op == "/#":
                return rep(lit) + text[len(lit):] if text.startswith(lit) else text
            if op == "/%":
                return text[:len(text) - len(lit)] + rep(lit) if text.endswith(lit) else text
            return text.replace(lit, rep(lit), -1 if op == "//" else 1)
        if self.pat == "\\" and op != "/%":      # bash's first-character test wants the end of the string
            return text
        if not BashPattern(bash_wrapped(self.pat, op)).matches(text):
            return text
        self._afford(text, op == "/#" and not self.stars)
        length = matchlen(self.pat)
        rx = self.rx if length < 0 else GlobTranslation(self.pat, length=length).regex
        try:
            if op == "//":
                spans = [m.span() for m in saferegex.posix(f"(?s)(?:{rx})", longest=True).finditer(text)]
            else:
                template = {"/#": r"\A(?:{})", "/%": r"(?:{})\z", "/": "(?:{})"}[op]
                m = saferegex.posix("(?s)" + template.format(rx), longest=op != "/%").search(text)
                spans = [] if m is None else [m.span()]
        except saferegex.TooCostly as exc:
            raise ExpansionError(str(exc)) from None
        if text:        # bash stops at the end of the value: no empty match there
            spans = [(a, b) for a, b in spans if a < len(text)]
        out, pos = [], 0
        for a, b in spans:
            out.append(text[pos:a])
            out.append(rep(text[a:b]))
            pos = b
        out.append(text[pos:])
        return "".join(out)
