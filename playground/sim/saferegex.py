"""Learner-supplied regular expressions, evaluated at a bounded cost.

Python's `re` backtracks without limit: `(a+)+$` against forty a's and a `!` runs for hours, and with it the
learner's sandbox. Every pattern a learner writes is evaluated here instead, by an engine that gives the
real tool's answer:

    rx = posix(python_syntax, icase)    # grep -E/-G, sed, awk: rx.contains(s), rx.finditer(s), rx.sub(fn, s)
    rx = posix(python_syntax, longest=True)   # glibc's regexec (bash's =~) and bash's patterns: leftmost-longest
    rx = pcre(pattern, icase)           # ingress-nginx `location ~*`: rx.search(s, pos, budget)
    rx = Perl(pattern, icase)           # grep -P: rx.contains(s), rx.finditer(s)

  posix  GNU grep's DFA and glibc's regexec are automata: they never backtrack catastrophically, so the real
         tool always answers. RE2 is an automaton too, leftmost-first like the `re` these tools used before, so
         the answers stay the same and come in linear time. What RE2 cannot express (back-references, grep
         -w's look-arounds, repeats over 1000) runs on PCRE2 under a budget; if that runs out the tool says so.
  pcre   The real PCRE2 library (the pcre2 package, JIT) with PCRE's default match limit of 10,000,000, so a
         catastrophic pattern fails exactly where grep -P ("exceeded PCRE's backtracking limit") and nginx (a
         500) fail: PcreError. PCRE counts that limit per start position, so a pattern just under it at each
         of thousands of positions would still run for minutes (and so would the real grep). A Budget stops
         that: BASE_SECONDS of CPU per command plus a little per character searched; then TooCostly.

How a search stays bounded: first with a match limit scaled to the subject ((*LIMIT_MATCH=n), so the whole
call costs about FAST_UNITS at most); an answer there is PCRE's answer, as a lower limit only turns answers
into errors. Only if that limit is hit does it run again with PCRE's own limit and a callout at the start of
each match attempt that checks the budget's CPU deadline.
"""
from __future__ import annotations

import functools
import re
import threading
import time

import pcre2
import re2

BASE_SECONDS = 0.05          # CPU for the regex work of one command
PER_CHAR_SECONDS = 0.25e-6   # ... plus this much per character searched, plus PER_CALL_SECONDS a search
PER_CALL_SECONDS = 10e-6
FAST_UNITS = 2_000_000       # match-limit units (~3 ms with JIT) a first, unguarded PCRE search may spend
FAST_MAX_LEN = 20_000        # longer subjects go straight to the guarded search
PCRE_MATCH_LIMIT = 10_000_000   # PCRE2's default match limit
INTERPRETER_FIRST_LIMIT = 2_000    # the interpreter's first match limit (see Pcre.search)

PCRE_MESSAGES = {            # GNU grep's words for PCRE2's match errors (pcresearch.c)
    -47: "exceeded PCRE's backtracking limit",         # PCRE2_ERROR_MATCHLIMIT
    -53: "exceeded PCRE's nested backtracking limit",  # PCRE2_ERROR_DEPTHLIMIT
    -63: "exceeded PCRE's heap limit",                  # PCRE2_ERROR_HEAPLIMIT
    -48: "memory exhausted",                            # PCRE2_ERROR_NOMEMORY
    -52: "PCRE detected recurse loop",                  # PCRE2_ERROR_RECURSELOOP
}
MATCHLIMIT = -47
JIT_STACKLIMIT = -46
TOO_COSTLY = "podscape: the playground stopped this regular expression: it backtracks more than the playground allows"


class TooCostly(Exception):
    """The playground's budget ran out; the real tool would still be working."""


class PcreError(Exception):
    """PCRE2 gave up (its match limit, most often): what the real grep -P and nginx report."""

    def __init__(self, code: int):
        self.code = code
        super().__init__(PCRE_MESSAGES.get(code, f"internal PCRE error: {code}"))


class Invalid(Exception):
    """The pattern does not compile; the message is PCRE2's (what grep -P prints)."""


class Budget:
    """CPU seconds (this thread's) that one command may still spend in guarded regex searches. Each charge
    takes the CPU since the last one, so the tool's own work between searches counts too (the per-search
    grants cover it); one clock reading per search keeps ordinary searches cheap."""

    def __init__(self, seconds: float = BASE_SECONDS):
        self.left = seconds
        self.mark = time.thread_time()
        self.deadline = 0.0

    def grant(self, chars: int) -> None:
        self.left += PER_CALL_SECONDS + PER_CHAR_SECONDS * chars

    def charge(self) -> float:
        now = time.thread_time()
        self.left -= now - self.mark
        self.mark = now
        return now


# ---- PCRE2 ------------------------------------------------------------------------------------------
_LEADING_VERBS = re.compile(r"(?:\(\*[A-Z_]+(?:=[0-9]+)?\))*")   # (*UTF), (*LIMIT_MATCH=d)...: must stay first


class Pcre:
    """A PCRE2 pattern whose searches are bounded (see the module's docstring)."""

    def __init__(self, pattern: str, icase: bool = False, unicode: bool = False):
        # str patterns are UTF; no UCP (\w, \d ASCII) as grep 3.11 with PCRE2 10.42 (Ubuntu 24.04) and nginx;
        # `unicode` for the POSIX tools' patterns, whose \w in a UTF-8 locale is any letter
        self.flags = (0 if unicode else pcre2.ASCII) | (pcre2.IGNORECASE if icase else 0)
        self.pattern = pattern
        try:
            self._plain = pcre2.compile(pattern, self.flags)
        except pcre2.PatternError as exc:
            raise Invalid(str(exc).split("; ", 1)[-1]) from None
        self._lead = _LEADING_VERBS.match(pattern).end()
        self._fast: dict[int, object] = {}
        self._slow: dict[tuple[bool, int], object] = {}
        self._running = threading.local()      # the budget of the search under way in this thread

    def _fast_pattern(self, length: int):
        """The pattern under a match limit that keeps a whole search of `length` characters (every start
        position) within about FAST_UNITS; one compilation per power of two of the length."""
        bits = (length + 1).bit_length()
        compiled = self._fast.get(bits)
        if compiled is None:
            limit = max(1_000, min(100_000, FAST_UNITS >> bits))
            compiled = self._fast[bits] = pcre2.compile(f"(*LIMIT_MATCH={limit})" + self.pattern, self.flags)
        return compiled

    def _slow_pattern(self, jit: bool, limit: int = PCRE_MATCH_LIMIT):
        """The pattern behind a callout that every match attempt passes first (PCRE's start-up optimisations
        still skip the positions that cannot match, without calling it); below PCRE's match limit if asked."""
        key = (jit, limit)
        if key not in self._slow:
            head, body = self.pattern[:self._lead], self.pattern[self._lead:]
            if limit < PCRE_MATCH_LIMIT:
                head = f"(*LIMIT_MATCH={limit})" + head
            for text in (f"{head}(?C255)(?:{body})", f"{head}(?C255){body}"):
                try:
                    self._slow[key] = pcre2.compile(text, self.flags, jit=jit, callout=self._tick)
                    break
                except pcre2.PatternError:      # a trailing comment or \Q.. swallowed the ")"
                    continue
            else:
                self._slow[key] = pcre2.compile(head + body, self.flags, jit=jit)
        return self._slow[key]

    def _tick(self, _block) -> int:
        if time.thread_time() > self._running.budget.deadline:
            raise TooCostly(TOO_COSTLY)
        return 0

    def search(self, text: str, pos: int = 0, budget: Budget | None = None):
        """pcre2.Match or None; PcreError where PCRE itself gives up, TooCostly where the budget does."""
        budget = budget or Budget()
        if budget.left <= 0:                # spent by the searches before this one
            raise TooCostly(TOO_COSTLY)
        budget.grant(len(text) - pos)
        text = _matchable(text)
        try:
            if len(text) <= FAST_MAX_LEN:
                try:
                    return self._fast_pattern(len(text)).search(text, pos)
                except pcre2.LibraryError as exc:
                    if exc.code not in (MATCHLIMIT, JIT_STACKLIMIT):
                        raise PcreError(exc.code) from None
            now = budget.charge()
            if budget.left <= 0:
                raise TooCostly(TOO_COSTLY)
            self._running.budget = budget
            budget.deadline = now + budget.left
            try:
                return self._slow_pattern(True).search(text, pos)
            except pcre2.LibraryError as exc:
                if exc.code != JIT_STACKLIMIT:
                    raise PcreError(exc.code) from None
            # grep grows the JIT stack; the interpreter keeps its backtracking on the heap, and can take
            # microseconds a unit there, more the deeper it goes ((a|aa){1,2000}$: PCRE's 10,000,000 at one
            # start position would be a minute), so it runs under a match limit raised 4 times a round while
            # the next round (at least 4 times this one's CPU) still fits in the budget
            limit = INTERPRETER_FIRST_LIMIT
            while True:
                started = time.thread_time()
                try:
                    return self._slow_pattern(False, limit).search(text, pos)
                except pcre2.LibraryError as exc:
                    if exc.code != MATCHLIMIT or limit >= PCRE_MATCH_LIMIT:
                        raise PcreError(exc.code) from None
                now = time.thread_time()
                if now + 4 * (now - started) > budget.deadline:
                    raise TooCostly(TOO_COSTLY)
                limit = min(limit * 4, PCRE_MATCH_LIMIT)
        finally:
            budget.charge()

    def finditer(self, text: str, budget: Budget | None = None):
        """Non-overlapping matches left to right, as RE2's wrapper gives them (after an empty match the next
        search starts one character on; an empty match may follow a match, as in re.finditer)."""
        budget = budget or Budget()
        pos = 0
        while pos <= len(text):
            m = self.search(text, pos, budget)
            if m is None:
                return
            yield m
            pos = m.end() if m.end() > m.start() else m.end() + 1


@functools.lru_cache(maxsize=256)
def pcre(pattern: str, icase: bool = False) -> Pcre:
    return Pcre(pattern, icase)


# ---- POSIX tools: RE2, else guarded PCRE2 -------------------------------------------------------------
def _re2_options(icase: bool, longest: bool = False) -> re2.Options:
    opts = re2.Options()
    opts.log_errors = False          # RE2 would print its parse errors to the server's stderr
    opts.case_sensitive = not icase
    opts.longest_match = longest
    return opts


WORD = r"\pL\pN_"            # GNU's word constituents in a UTF-8 locale; RE2's own \w is ASCII
_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED


def _utf8(text: str) -> bytes:
    """The text as RE2 and PCRE2 take it; a lone surrogate (not UTF-8) becomes "?", keeping every offset."""
    try:
        return text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


def _matchable(text: str) -> str:
    return text if text.isascii() else _utf8(text).decode()


class _Found:
    """A match found through RE2's C++ Match on ASCII text (byte offsets are character offsets): the part
    of re.Match the tools use, without the wrapper's per-match Python."""

    __slots__ = ("string", "re", "_spans")

    def __init__(self, string: str, compiled, spans: list):
        self.string, self.re, self._spans = string, compiled, spans

    def span(self, group: int = 0) -> tuple[int, int]:
        return self._spans[group]

    def start(self, group: int = 0) -> int:
        return self._spans[group][0]

    def end(self, group: int = 0) -> int:
        return self._spans[group][1]

    def group(self, group: int = 0) -> str | None:
        start, end = self._spans[group]
        return None if start == -1 else self.string[start:end]

    def groups(self, default=None) -> tuple:
        return tuple(default if s == -1 else self.string[s:e] for s, e in self._spans[1:])


def _finditer(compiled, text: str):
    """The wrapper's finditer (after an empty match the next search starts one character on)."""
    if not text.isascii():
        yield from compiled.finditer(text)
        return
    data, raw = text.encode(), compiled._regexp
    pos, n = 0, len(data)
    while pos <= n:
        spans = raw.Match(_UNANCHORED, data, pos, n)
        start, end = spans[0]
        if start == -1:
            return
        yield _Found(text, compiled, spans)
        pos = end if end > start else end + 1


def _hit(compiled, text: str) -> bool:
    """Whether an RE2 pattern matches in `text`: its C++ Match, without the wrapper's per-call Python."""
    data = _utf8(text)
    return compiled._regexp.Match(_UNANCHORED, data, 0, len(data))[0][0] != -1


class Posix:
    """A grep/sed/awk pattern, already in Python's syntax (textutils.posix_to_python): the methods of `re`
    that those tools use, with the same answers, at a bounded cost. One per command (it holds its budget).
    `word`: grep -w, the pattern with a non-word character (or the line's edge) on either side.
    `longest`: POSIX's leftmost-longest match (glibc's regexec, which bash's =~ calls) instead of the first
    alternative that matches; the PCRE2 fallback (back-references) can only give the latter."""

    def __init__(self, pattern: str, icase: bool = False, budget: Budget | None = None, word: bool = False,
                 longest: bool = False):
        self.pattern = pattern
        self.budget = budget or Budget()
        self._re2, self._pcre, self._test, self._exact = _posix_engine(pattern, icase, word, longest)

    @property
    def groups(self) -> int:
        return self._re2.groups if self._re2 is not None else self._pcre._plain.groups

    def contains(self, text: str) -> bool:
        """Whether the pattern matches anywhere in `text` (grep's question, and sed's and awk's addresses)."""
        if self._re2 is not None:
            return _hit(self._re2, text)
        if self._test is not None:
            if not _hit(self._test, text):
                return False
            if self._exact:
                return True
        return self._guarded(lambda: self._pcre.search(text, 0, self.budget)) is not None

    def search(self, text: str):
        text = _matchable(text)
        if self._re2 is not None:
            return self._re2.search(text)
        if self._test is not None and not _hit(self._test, text):
            return None
        return self._guarded(lambda: self._pcre.search(text, 0, self.budget))

    def finditer(self, text: str):
        text = _matchable(text)
        if self._re2 is not None:
            return _finditer(self._re2, text)
        if self._test is not None and not _hit(self._test, text):
            return []
        return self._guarded(lambda: list(self._pcre.finditer(text, self.budget)))

    def sub(self, repl, text: str) -> str:
        """re.sub with a function (the only form sed uses)."""
        text = _matchable(text)
        out, end = [], 0
        for m in self.finditer(text):
            out.append(text[end:m.start()])
            out.append(repl(m))
            end = m.end()
        out.append(text[end:])
        return "".join(out)

    def split(self, text: str) -> list[str]:
        text = _matchable(text)
        parts, end = [], 0
        for m in self.finditer(text):
            parts.append(text[end:m.start()])
            parts.extend(m.group(k) for k in range(1, self.groups + 1))
            end = m.end()
        parts.append(text[end:])
        return parts

    @staticmethod
    def _guarded(fn):
        try:
            return fn()
        except PcreError as exc:       # GNU's matchers have no PCRE limit to report: the playground gave up
            raise TooCostly(TOO_COSTLY) from exc


_INTERVAL = re.compile(r"\{([0-9]*)(,[0-9]*)?\}")


def _for_re2(pattern: str, superset: bool = False, words: bool = True) -> str:
    r"""Python's syntax as RE2 reads it: \w and \W as Unicode classes (as Python's and GNU's are); with
    `superset`, each back-reference as `.*`, so it matches wherever the pattern does (GNU grep runs such a
    DFA first: a line it rules out costs nothing, only the rest needs the backtracking matcher). Intervals
    as GNU reads them: `x{,n}` is `x{0,n}` and `x{01}` is `x{1}` (RE2 and older PCRE2 would take such braces
    literally). `words=False`: the escapes stay as they are (for PCRE2)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "w" and words:
                out.append(WORD if in_class else f"[{WORD}]")
            elif nxt == "W" and words and not in_class:
                out.append(f"[^{WORD}]")
            elif superset and nxt in "123456789" and not in_class:
                out.append("(?:.*)")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            out.append(c)
            i += 1
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):      # a ] first in the class is a member
                out.append(r"\]")
                i += 1
            continue
        if c == "]" and in_class:
            in_class = False
        interval = _INTERVAL.match(pattern, i) if c == "{" and not in_class else None
        if interval and (interval.group(1) or interval.group(2)):
            low, high = interval.group(1), interval.group(2)
            low = low.lstrip("0") or "0"            # not int(): a 5,000-digit count would raise
            high = "" if high is None else "," + (high[1:].lstrip("0") or "0" if high[1:] else "")
            out.append("{" + low + high + "}")
            i = interval.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _posix_engine(pattern: str, icase: bool, word: bool, longest: bool = False) -> tuple:
    """(RE2, None, None, False) when RE2 can run it; else (None, guarded PCRE2, an RE2 test, exact): the
    test says whether a line can match at all, and for grep -w (delimiters consumed) exactly whether it does."""
    opts = _re2_options(icase, longest)
    if not word:
        try:
            return re2.compile(_for_re2(pattern), opts), None, None, False
        except re2.error:
            pass
    plain = _for_re2(pattern, words=False)
    try:
        engine = Pcre(rf"(?<!\w)(?:{plain})(?!\w)" if word else plain, icase, unicode=True)
    except Invalid:
        raise Invalid("Invalid regular expression") from None
    body = _for_re2(pattern)
    if word:
        try:
            return None, engine, re2.compile(f"(?:^|[^{WORD}])(?:{body})(?:[^{WORD}]|$)", opts), True
        except re2.error:
            pass
    try:
        test = re2.compile(_for_re2(pattern, superset=True), opts)
    except re2.error:
        test = None
    return None, engine, test, False


def posix(pattern: str, icase: bool = False, budget: Budget | None = None, word: bool = False,
          longest: bool = False) -> Posix:
    """A compiled POSIX-tool pattern; its budget is the command's (a fresh one if not given)."""
    return Posix(pattern, icase, budget, word, longest)


class Perl:
    """grep -P's pattern with the command's budget: `re`'s search and finditer, PcreError and TooCostly."""

    def __init__(self, pattern: str, icase: bool = False):
        self._pcre = pcre(pattern, icase)
        self.budget = Budget()

    def contains(self, text: str) -> bool:
        return self._pcre.search(text, 0, self.budget) is not None

    def finditer(self, text: str):
        return self._pcre.finditer(text, self.budget)
