"""The learner's bash: a tokenizer, a parser producing a small AST, and an executor.

    run_line(engine, line, term) -> exit code

`line` may hold several lines separated by "\\n" (a heredoc's body follows the line that opens it).
Supported: quoting, $VAR/${VAR...}/$(...)/`...`/$((...))/<(...), brace expansion, word splitting, ~ and
globbing over the virtual filesystem, pipes, ; && || !, ( ) and { }, if/for/while/until, case (;; ;& ;;&),
[[ ]] (=~ and BASH_REMATCH), (( )), redirections (> >> < 2> 2>&1 &> <<EOF <<-EOF <<'EOF' <<<), `VAR=x cmd`,
history expansion (!!), aliases, builtins (cd, export, read, history, ...), `sudo`, `sh -c`. Everything else is
a program from programs.PROGRAMS. Hostile input is bounded: nesting depth, commands and seconds per line,
output size; patterns (globs, ${v#pat}, case, [[ == ]]) and =~ regexes run on RE2 (saferegex), in linear time.

Layout: Tokenizer (Lexer) -> Parser (Simple/Pipeline/AndOr/Seq/Compound nodes) -> Shell (expansion and
execution) -> Arith ($(( ))) -> builtins -> history expansion -> run_line.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, TYPE_CHECKING

from . import controllers, jobs, saferegex
from .bashpatterns import ERE_SPECIAL, BashPattern, ExpansionError, bash_regex, glob_escape, glob_unescape
from .meter import charge
from .proc import IO, MAX_LINE, Proc, Stream
from .host import HOME, USER
from .programs import PROGRAMS, load_all
from .programs import vfs
from .jobs import last_background_pid, spawn_slot
from .programs.gnuhelp import HELP

if TYPE_CHECKING:
    from .engine import Engine

MAX_DEPTH = 24             # nesting of $(...), subshells, groups and compound commands
MAX_COMMANDS = 5_000       # simple commands one line may run (loops, xargs)
MAX_WORDS = 50_000         # fields one expansion may produce
MAX_VAR = 100_000          # characters in one shell variable
MAX_VARS = 500             # shell variables in a sandbox
COMMAND_WORK = 100         # units of the line's work budget (meter.Meter) each simple command costs
HISTORY_CAP = 1000
PID = 4242                 # $$ of the learner's shell

# A hook for the in-pod shells (`kubectl exec -it pod -- sh`): when host.shell_stack is not empty,
# run_line hands the line to POD_SHELL(engine, line, term) if it is set.
POD_SHELL: Callable[[Engine, str, Stream], int] | None = None

# Ubuntu's ~/.bashrc defines these (`alert` left out: it needs a desktop)
UBUNTU_ALIASES = {"egrep": "egrep --color=auto", "fgrep": "fgrep --color=auto", "grep": "grep --color=auto",
                  "l": "ls -CF", "la": "ls -A", "ll": "ls -alF", "ls": "ls --color=auto"}

OPERATORS = ("&&", "||", ";;&", ";;", ";&", "|&", "|", "&", ";", "(", ")")
CASE_ENDS = (";;", ";&", ";;&")    # what ends a case clause: stop, run the next body too, test the next patterns
REDIR_OPS = ("<<<", "<<-", "&>>", "<<", ">>", "<&", ">&", "<>", ">|", "&>", "<", ">")
META = set(" \t\n|&;()<>")
RESERVED = {"if", "then", "elif", "else", "fi", "for", "in", "do", "done", "while", "until", "{", "}", "!", "case",
            "esac"}
COMMAND_PREFIXES = {"if", "then", "elif", "else", "do", "while", "until", "{", "!", "time"}   # a command follows
# exported at login on Ubuntu (assigning to them keeps them exported)
LOGIN_ENV = {"HOME", "USER", "LOGNAME", "HOSTNAME", "PWD", "OLDPWD", "SHELL", "PATH", "TERM", "KUBECONFIG", "LANG",
             "SHLVL", "MAIL", "XDG_RUNTIME_DIR", "EDITOR"}
DECLARATION_BUILTINS = {"export", "declare", "typeset", "local", "readonly"}
PLAIN_WORD_SPECIALS = re.compile(r"[$'\"\\`*?\[~<>]")
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SUBSCRIPT_RE = re.compile(r"(#?)([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]")
ASSIGN_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=")


class ShellSyntaxError(Exception):
    """A message bash prints for input it cannot parse (exit 2, or `status`)."""

    def __init__(self, message: str, status: int = 2, eof: bool = False):
        super().__init__(message)
        self.status = status
        self.eof = eof          # the input ended too early: an interactive bash would ask for more


def syntax_message(exc: Exception) -> str:
    text = str(exc)
    return (text if text.startswith("podscape:") else f"bash: {text}") + "\n"


class Abort(BaseException):
    """Stops the whole line: too much work, or `exit`. BaseException so programs' handlers let it pass."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


class ExitShell(Abort):
    """`exit N`: ends the shell, or only the subshell it runs in."""

    def __init__(self, status: int):
        super().__init__("", status)


class FunctionReturn(Exception):
    """`return N` inside a shell function."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class LoopControl(Exception):
    def __init__(self, kind: str, levels: int):
        super().__init__(kind)
        self.kind, self.levels = kind, levels


# ================================================================================================
# Tokenizer
# ================================================================================================
@dataclass
class Heredoc:
    delim: str
    quoted: bool          # <<'EOF': the body is taken literally
    strip_tabs: bool      # <<-EOF
    line: int = 1         # where the << was, for bash's warning
    body: str = ""


@dataclass
class Tok:
    kind: str             # "word", "op", "redir", "newline", "eof"
    text: str
    fd: int | None = None           # the io-number before a redirection (`2>`)
    heredoc: Heredoc | None = None


def _keyword_at(s: str, i: int, word: str) -> bool:
    """`word` starts a command at s[i]: after ( ; & | or a newline, and followed by a blank or an operator."""
    if not s.startswith(word, i) or (i + len(word) < len(s) and s[i + len(word)] not in " \t\n;&|)"):
        return False
    k = i - 1
    while k >= 0 and s[k] in " \t":
        k -= 1
    return k < 0 or s[k] in "(;&|\n"


def scan_nested(s: str, i: int, closer: str) -> int:
    """Index just past the `closer` that ends a construct whose body starts at s[i].

    closer is one of ' " ` ) }. Quotes, $(...), ${...}, `...` and parentheses nest; inside a command
    substitution a `case` pattern's ")" does not end it. Iterative, so deep nesting cannot exhaust Python's
    stack. Raises ShellSyntaxError when the input ends first.
    """
    stack = [closer]
    # per frame: the `case`s open in a command substitution's body, or -1 for other frames
    cases = [0 if closer == ")" and s[max(0, i - 2):i] in ("$(", "<(", ">(") else -1]
    n = len(s)
    while i < n:
        top = stack[-1]
        c = s[i]
        if top == "'":
            if c == "'":
                stack.pop()
                cases.pop()
            i += 1
        elif c == "\\":
            i += 2
            continue
        elif top == '"':
            if c == '"':
                stack.pop()
                cases.pop()
                i += 1
            elif s.startswith("$(", i) or s.startswith("${", i):
                stack.append(")" if s[i + 1] == "(" else "}")
                cases.append(0 if s[i + 1] == "(" else -1)
                i += 2
            elif c == "`":
                stack.append("`")
                cases.append(-1)
                i += 1
            else:
                i += 1
        elif top == "`":
            if c == "`":
                stack.pop()
                cases.pop()
            i += 1
        else:   # inside $( ... ) or ${ ... }
            if c == top and not (top == ")" and cases[-1] > 0):
                stack.pop()
                cases.pop()
            elif c in "'\"`":
                stack.append(c)
                cases.append(-1)
            elif s.startswith("$(", i) or s.startswith("${", i):
                stack.append(")" if s[i + 1] == "(" else "}")
                cases.append(0 if s[i + 1] == "(" else -1)
                i += 1
            elif c == "(" and top == ")":
                stack.append(")")
                cases.append(-1)
            elif cases[-1] >= 0 and _keyword_at(s, i, "case"):
                cases[-1] += 1
                i += 3
            elif cases[-1] > 0 and _keyword_at(s, i, "esac"):
                cases[-1] -= 1
                i += 3
            i += 1
        if not stack:
            return i
    raise ShellSyntaxError(f"unexpected EOF while looking for matching `{stack[-1]}'", eof=True)


class Lexer:
    def __init__(self, src: str):
        self.s = src
        self.i = 0
        self.pending: list[Heredoc] = []
        self.warnings: list[str] = []
        self.line_no = 1
        self.command_start = True       # the next word is in command position
        self.in_cond = False            # between [[ and ]]
        self.regex_next = False         # the word after =~ inside [[ ]]: bash reads it as a pattern

    def tokens(self) -> list[Tok]:
        out: list[Tok] = []
        while True:
            tok = self.next()
            out.append(tok)
            if tok.kind == "eof":
                return out

    def next(self) -> Tok:
        tok = self._next()
        word = tok.text if tok.kind == "word" else None
        self.regex_next = self.in_cond and word == "=~"
        if word == "[[" and self.command_start:
            self.in_cond = True
        elif word == "]]" and self.in_cond:
            self.in_cond = False
        self.command_start = tok.kind == "newline" or (tok.kind == "op" and tok.text != ")") or \
            word in COMMAND_PREFIXES
        return tok

    def _next(self) -> Tok:
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if c in " \t\r" or c in "\x0b\x0c":
                self.i += 1
            elif c == "\\" and s.startswith("\\\n", self.i):
                self.i += 2
            elif c == "#":
                while self.i < n and s[self.i] != "\n":
                    self.i += 1
            else:
                break
        if self.i >= n:
            self._end_heredocs()
            return Tok("eof", "")
        c = s[self.i]
        if c == "\n":
            self.i += 1
            self._read_heredocs()
            self.line_no += 1
            return Tok("newline", "\n")
        if self.regex_next and c not in ";&<>)":
            return Tok("word", self._word(regex=True))
        if c not in "<>&|;()0123456789":
            return Tok("word", self._word())       # the common case: a plain word
        if s.startswith("((", self.i):
            try:
                end = scan_nested(s, self.i + 1, ")")
            except ShellSyntaxError:
                end = -1
            if end > 0 and s[end - 2:end] == "))":
                body = s[self.i + 2:end - 2]
                self.i = end
                return Tok("arith", body)
        if s.startswith("<(", self.i) or s.startswith(">(", self.i):
            return Tok("word", self._word())
        fd = None
        m = re.match(r"\d+(?=[<>])", s[self.i:self.i + 12]) if c.isdigit() else None
        if m:
            fd = int(m.group()) if len(m.group()) < 6 else 99999
            self.i += m.end()
        for op in REDIR_OPS:
            if s.startswith(op, self.i):
                self.i += len(op)
                if op in ("<<", "<<-"):
                    return self._heredoc_op(op, fd)
                return Tok("redir", op, fd)
        for op in OPERATORS:
            if s.startswith(op, self.i):
                self.i += len(op)
                return Tok("op", op)
        return Tok("word", self._word())

    def _word(self, regex: bool = False) -> str:
        """A word; `regex`: the right side of =~ (bash's PST_REGEXP), in which | and parenthesised groups,
        spaces and all, are part of the word, so `[[ $x =~ ^(a|b c)+$ ]]` needs no quotes."""
        s, n, start = self.s, len(self.s), self.i
        i = self.i
        while i < n:
            c = s[i]
            if regex and c in "(|":
                i = scan_nested(s, i + 1, ")") if c == "(" else i + 1
                continue
            if c in "<>" and s.startswith("(", i + 1) and (i == start or s[i - 1] not in "0123456789"):
                i = scan_nested(s, i + 2, ")")          # <(...) process substitution
                continue
            if c in META:
                break
            if c == "\\":
                i += 2
            elif c in "'\"`":
                i = scan_nested(s, i + 1, c)
            elif c == "$" and i + 1 < n and s[i + 1] in "({":
                i = scan_nested(s, i + 2, ")" if s[i + 1] == "(" else "}")
            else:
                i += 1
        self.i = min(i, n)
        return s[start:self.i]

    def _heredoc_op(self, op: str, fd: int | None) -> Tok:
        save = self.i
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1
        if self.i >= len(self.s) or self.s[self.i] in META:
            self.i = save
            return Tok("redir", op, fd)     # the parser reports the missing word
        raw = self._word()
        quoted = any(q in raw for q in "'\"\\")
        delim = re.sub(r"""\\(.)|['"]""", lambda m: m.group(1) or "", raw)
        doc = Heredoc(delim, quoted, op == "<<-", self.line_no)
        self.pending.append(doc)
        return Tok("redir", op, fd, doc)

    def _read_heredocs(self) -> None:
        s = self.s
        while self.pending:
            doc = self.pending.pop(0)
            lines: list[str] = []
            while True:
                if self.i >= len(s):
                    self.warnings.append(f"bash: warning: here-document at line {doc.line} delimited by "
                                         f"end-of-file (wanted `{doc.delim}')")
                    break
                end = s.find("\n", self.i)
                end = len(s) if end < 0 else end
                text = s[self.i:end]
                self.i = min(end + 1, len(s))
                self.line_no += 1
                if doc.strip_tabs:
                    text = text.lstrip("\t")
                if text == doc.delim:
                    break
                lines.append(text + "\n")
            doc.body = "".join(lines)

    def _end_heredocs(self) -> None:
        if self.pending:
            self._read_heredocs()


# ================================================================================================
# Parser: tokens -> AST
# ================================================================================================
@dataclass
class Redir:
    op: str
    fd: int | None
    target: str = ""                 # the raw word (a file, an fd number, the here-string)
    heredoc: Heredoc | None = None


@dataclass
class Simple:
    assigns: list[str]
    words: list[str]
    redirs: list[Redir]
    source: str = ""


@dataclass
class Pipeline:
    cmds: list
    negate: bool = False


@dataclass
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]]


@dataclass
class Seq:
    items: list[tuple[AndOr, bool]]   # (command, run in "background")


@dataclass
class Compound:
    kind: str                          # "subshell", "group", "if", "for", "while", "until"
    body: Seq | None = None
    parts: list = field(default_factory=list)   # if: [(cond, body)...]; while: [cond]
    else_body: Seq | None = None
    var: str = ""
    items: list[str] | None = None
    redirs: list[Redir] = field(default_factory=list)


class Parser:
    def __init__(self, toks: list[Tok]):
        self.toks = toks
        self.i = 0
        self.depth = 0

    # -- helpers --
    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def advance(self) -> Tok:
        t = self.toks[self.i]
        if self.i < len(self.toks) - 1:
            self.i += 1
        return t

    def is_word(self, *values: str) -> bool:
        return self.tok.kind == "word" and self.tok.text in values

    def error(self, tok: Tok | None = None, eof_is_newline: bool = False) -> ShellSyntaxError:
        tok = tok or self.tok
        if tok.kind == "eof" and eof_is_newline:
            return ShellSyntaxError("syntax error near unexpected token `newline'")
        if tok.kind == "eof":
            return ShellSyntaxError("syntax error: unexpected end of file", eof=True)
        text = "newline" if tok.kind == "newline" else tok.text
        return ShellSyntaxError(f"syntax error near unexpected token `{text}'")

    def skip_newlines(self) -> None:
        while self.tok.kind == "newline":
            self.advance()

    def expect_word(self, value: str) -> None:
        self.skip_newlines()
        if not self.is_word(value):
            raise self.error()
        self.advance()

    # -- grammar --
    def parse(self) -> Seq:
        seq = self.sequence(top=True)
        if self.tok.kind != "eof":
            raise self.error()
        return seq

    def sequence(self, top: bool = False, stop: tuple[str, ...] = (), stop_ops: tuple[str, ...] = ()) -> Seq:
        items: list[tuple[AndOr, bool]] = []
        while True:
            self.skip_newlines()
            t = self.tok
            if t.kind == "eof" or (t.kind == "op" and t.text == ")" and not top) or \
                    (t.kind == "word" and t.text in stop) or (t.kind == "op" and t.text in stop_ops):
                break
            if t.kind == "op" and t.text in (";", "&", "|", "||", "&&", "|&", ")") + CASE_ENDS:
                raise self.error()
            cmd = self.and_or()
            background = False
            if self.tok.kind == "op" and self.tok.text in (";", "&"):
                background = self.advance().text == "&"
            elif self.tok.kind not in ("newline", "eof") and not (self.tok.kind == "op" and self.tok.text == ")"):
                if not (self.tok.kind == "word" and self.tok.text in stop) and \
                        not (self.tok.kind == "op" and self.tok.text in stop_ops):
                    raise self.error()
            items.append((cmd, background))
        return Seq(items)

    def and_or(self) -> AndOr:
        first = self.pipeline()
        rest = []
        while self.tok.kind == "op" and self.tok.text in ("&&", "||"):
            op = self.advance().text
            self.skip_newlines()
            rest.append((op, self.pipeline()))
        return AndOr(first, rest)

    def pipeline(self) -> Pipeline:
        negate = False
        while self.is_word("!"):
            self.advance()
            negate = not negate
        cmds = [self.command()]
        while self.tok.kind == "op" and self.tok.text in ("|", "|&"):
            op = self.advance().text
            if op == "|&":
                cmds[-1].redirs.append(Redir(">&", 2, "1"))
            self.skip_newlines()
            cmds.append(self.command())
        return Pipeline(cmds, negate)

    def command(self):
        t = self.tok
        if t.kind == "eof":
            raise self.error()
        if t.kind == "op" and t.text != "(":
            raise self.error()
        if t.kind == "arith":
            self.advance()
            return self.redirects(Compound("arith", items=[t.text]))
        if t.kind == "word" and t.text == "[[":
            return self.conditional()
        if t.kind == "word" and t.text == "function":
            self.advance()
            if self.tok.kind != "word":
                raise self.error()
            name = self.tok.text
            self.advance()
            if self.tok.kind == "op" and self.tok.text == "(":
                self.advance()
                if not (self.tok.kind == "op" and self.tok.text == ")"):
                    raise self.error()
                self.advance()
            return self.function_body(name)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ShellSyntaxError("podscape: commands nested too deeply")
        try:
            if t.kind == "op":               # "("
                self.advance()
                body = self.sequence()
                if not (self.tok.kind == "op" and self.tok.text == ")"):
                    raise self.error()
                self.advance()
                return self.redirects(Compound("subshell", body))
            if t.kind == "word" and t.text in RESERVED:
                return self.compound(t.text)
            return self.simple()
        finally:
            self.depth -= 1

    def function_body(self, name: str) -> "Compound":
        """`name() BODY`: the body is a compound command ({ ...; }, ( ... ), if, for, ...)."""
        self.skip_newlines()
        body = self.command()
        if isinstance(body, Simple):
            raise self.error()
        return Compound("function", var=name, parts=[body])

    def conditional(self) -> "Compound":
        """[[ ... ]]: operators inside are words of the test, not the shell's."""
        self.advance()
        items: list[tuple[str, str]] = []
        while not self.is_word("]]"):
            t = self.tok
            if t.kind in ("eof", "newline"):
                if t.kind == "eof":
                    raise ShellSyntaxError("syntax error: unexpected end of file", eof=True)
                raise ShellSyntaxError("syntax error in conditional expression: unexpected token `newline'")
            if t.kind == "word":
                items.append(("word", t.text))
            elif t.text in ("&&", "||", "(", ")", "<", ">", "!"):
                items.append(("op", t.text))
            else:
                raise ShellSyntaxError(f"syntax error in conditional expression: unexpected token `{t.text}'")
            self.advance()
        self.advance()
        return self.redirects(Compound("cond", items=items))

    def compound(self, word: str):
        if word == "{":
            self.advance()
            body = self.sequence(stop=("}",))
            self.expect_word("}")
            return self.redirects(Compound("group", body))
        if word == "if":
            self.advance()
            parts = []
            cond = self.sequence(stop=("then",))
            self.expect_word("then")
            parts.append((cond, self.sequence(stop=("elif", "else", "fi"))))
            else_body = None
            while True:
                self.skip_newlines()
                if self.is_word("elif"):
                    self.advance()
                    cond = self.sequence(stop=("then",))
                    self.expect_word("then")
                    parts.append((cond, self.sequence(stop=("elif", "else", "fi"))))
                elif self.is_word("else"):
                    self.advance()
                    else_body = self.sequence(stop=("fi",))
                else:
                    break
            self.expect_word("fi")
            return self.redirects(Compound("if", parts=parts, else_body=else_body))
        if word in ("while", "until"):
            self.advance()
            cond = self.sequence(stop=("do",))
            self.expect_word("do")
            body = self.sequence(stop=("done",))
            self.expect_word("done")
            return self.redirects(Compound(word, body, parts=[cond]))
        if word == "for":
            self.advance()
            if self.tok.kind == "arith":            # for ((i=0; i<3; i++))
                parts = self.advance().text.split(";")
                if len(parts) != 3:
                    raise ShellSyntaxError("syntax error: arithmetic expression required")
                if self.tok.kind == "op" and self.tok.text == ";":
                    self.advance()
                self.expect_word("do")
                body = self.sequence(stop=("done",))
                self.expect_word("done")
                return self.redirects(Compound("cfor", body, items=parts))
            if self.tok.kind != "word" or not NAME_RE.fullmatch(self.tok.text):
                bad = self.tok
                if bad.kind == "word":
                    raise ShellSyntaxError(f"`{bad.text}': not a valid identifier", status=1)
                raise self.error()
            var = self.advance().text
            items = None
            if self.tok.kind == "op" and self.tok.text == ";":
                self.advance()
            self.skip_newlines()
            if self.is_word("in"):
                self.advance()
                items = []
                while self.tok.kind == "word":
                    items.append(self.advance().text)
                if self.tok.kind == "op" and self.tok.text == ";":
                    self.advance()
                elif self.tok.kind != "newline":
                    raise self.error()
            self.expect_word("do")
            body = self.sequence(stop=("done",))
            self.expect_word("done")
            return self.redirects(Compound("for", body, var=var, items=items))
        if word == "case":
            return self.redirects(self.case())
        raise self.error()     # then/else/fi/do/done/in/esac/} where a command should start

    def case(self) -> "Compound":
        """case WORD in [(]pat[|pat]...) list ;; ... esac, each clause ended by ;; ;& or ;;& (or esac)."""
        self.advance()
        if self.tok.kind != "word":
            raise self.error(eof_is_newline=True)
        subject = self.advance().text
        self.skip_newlines()
        if not self.is_word("in"):
            raise self.error()
        self.advance()
        clauses: list[tuple[list[str], Seq, str]] = []
        while True:
            self.skip_newlines()
            if self.is_word("esac"):
                self.advance()
                return Compound("case", parts=clauses, var=subject)
            if self.tok.kind == "op" and self.tok.text == "(":
                self.advance()
            patterns: list[str] = []
            while True:
                if self.tok.kind != "word":
                    raise self.error()
                patterns.append(self.advance().text)
                if not (self.tok.kind == "op" and self.tok.text == "|"):
                    break
                self.advance()
            if not (self.tok.kind == "op" and self.tok.text == ")"):
                raise self.error()
            self.advance()
            body = self.sequence(stop=("esac",), stop_ops=CASE_ENDS)
            if self.tok.kind == "op" and self.tok.text in CASE_ENDS:
                end = self.advance().text
            elif self.is_word("esac"):
                end = ";;"
            else:
                raise self.error()
            clauses.append((patterns, body, end))

    def redirects(self, node: Compound) -> Compound:
        while self.tok.kind == "redir":
            node.redirs.append(self.redirect())
        return node

    def redirect(self) -> Redir:
        t = self.advance()
        if t.heredoc is not None:
            return Redir(t.text, t.fd, heredoc=t.heredoc)
        if t.text in ("<<", "<<-"):
            raise self.error(eof_is_newline=True)
        if self.tok.kind != "word":
            raise self.error(eof_is_newline=True)
        return Redir(t.text, t.fd, self.advance().text)

    def simple(self) -> Simple:
        assigns: list[str] = []
        words: list[str] = []
        redirs: list[Redir] = []
        while True:
            t = self.tok
            if t.kind == "redir":
                redirs.append(self.redirect())
            elif t.kind == "word":
                if not words and ASSIGN_RE.match(t.text):
                    assigns.append(t.text)
                else:
                    words.append(t.text)
                self.advance()
            elif t.kind == "op" and t.text == "(" and words:
                self.advance()          # `name (` starts a function definition
                if len(words) == 1 and not assigns and not redirs and self.tok.kind == "op" and \
                        self.tok.text == ")":
                    self.advance()
                    return self.function_body(words[0])
                raise self.error(eof_is_newline=True)
            elif t.kind == "op" and t.text == "(" and assigns and assigns[-1].endswith("="):
                raise ShellSyntaxError("podscape: bash arrays are not simulated; use a plain variable")
            else:
                break
        return Simple(assigns, words, redirs, " ".join(words))


def parse(src: str) -> tuple[Seq, list[str]]:
    lexer = Lexer(src)
    toks = lexer.tokens()
    return Parser(toks).parse(), lexer.warnings


def incomplete(src: str) -> bool:
    """Would an interactive bash ask for more (`> `)? Open quotes, a trailing | or &&, an open if/for,
    a heredoc still waiting for its delimiter. The terminal may use it to collect continuation lines."""
    lexer = Lexer(src)
    try:
        toks = lexer.tokens()
        Parser(toks).parse()
    except ShellSyntaxError as exc:
        return exc.eof
    except RecursionError:
        return False
    return bool(lexer.warnings)


# ================================================================================================
# The Shell: expansion and execution
# ================================================================================================
class Piece:
    """A run of expanded text: quoted text is never split or globbed; `split` marks unquoted results.
    `fields`: "$@" and "${name[@]}", one field each (none at all when empty); `text` joins them."""
    __slots__ = ("text", "quoted", "split", "fields")

    def __init__(self, text: str, quoted: bool, split: bool = False, fields: list[str] | None = None):
        charge(len(text) + (len(fields) if fields else 0))     # `$x$x$x...` is bounded by the work budget
        self.text, self.quoted, self.split, self.fields = text, quoted, split, fields

    @classmethod
    def each(cls, fields: list[str]) -> "Piece":
        return cls(" ".join(fields), True, fields=fields)


ANSI_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def ansi_c(text: str) -> str:
    """The body of $'...'."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in ANSI_ESCAPES:
                out.append(ANSI_ESCAPES[nxt])
                i += 2
                continue
            m = re.match(r"x([0-9a-fA-F]{1,2})|([0-7]{1,3})", text[i + 1:])
            if m:
                out.append(chr(int(m.group(1), 16) if m.group(1) else int(m.group(2), 8) & 0xFF))
                i += 1 + m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


class Shell:
    """One execution of a line: the engine, the terminal, and the bounded amount of work left."""

    def __init__(self, engine: Engine, term: Stream):
        self.engine = engine
        self.host = engine.host
        self.term = term
        self.status = self.host.last_exit
        self.depth = 0
        self.commands = 0
        self.subst_status: int | None = None
        self.positional: list[str] = []   # $1 $2 ... (set --, bash -c '...' name args, bash script args)
        self.arg0 = "bash"
        self.root = False            # inside `sudo sh -c '...'`: even redirections are root's
        self.dialect = "bash"        # "sh" inside `sh -c`: dash words its errors differently
        self.writer = "bash"         # the program writing to a redirected file, for write errors
        self.line_prefix = ""        # "line 1: " inside `bash -c`, as a non-interactive bash reports
        self.temp_files: list[str] = []   # /dev/fd/N of process substitutions, removed after the line
        self.tty = True              # the line's output goes to a terminal (not so in `kubectl exec` without -t)
        self.functions: dict[str, Compound] = {}   # name() { ...; } defined on this line (not kept after it)
        self.in_function = 0

    # ---- variables ---------------------------------------------------------------------------
    def var(self, name: str) -> str | None:
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(PID)
        if name == "#":
            return str(len(self.positional))
        if name == "0":
            return self.arg0
        if name in ("@", "*"):
            return " ".join(self.positional)
        if name.isdigit():
            k = int(name)
            return self.positional[k - 1] if 0 < k <= len(self.positional) else None
        if name == "!":
            return last_background_pid(self.host)
        if name == "-":
            return "himBHs"
        if name == "RANDOM":     # deterministic, and without drawing from the cluster's dice
            self.random_draws = getattr(self, "random_draws", 0) + 1
            seed = (len(self.host.history) * 1_000_003 + self.random_draws * 7919 + self.commands) % 2**31
            return str((seed * 1103515245 + 12345) % 2**31 % 32768)
        if name == "BASH_REMATCH" and name in self.host.vars:
            return (self.elements(name) or [""])[0]
        if name in self.host.vars:
            return self.host.vars[name]
        extra = {"OLDPWD": self.host.vars.get("OLDPWD"), "UID": "1000", "EUID": "1000", "PPID": "4241",
                 "BASH": "/bin/bash", "BASH_VERSION": "5.2.21(1)-release", "LOGNAME": USER,
                 "HOSTTYPE": "x86_64", "OSTYPE": "linux-gnu", "LANG": "en_US.UTF-8", "SHLVL": "1"}
        return self.host.env().get(name, extra.get(name))

    def elements(self, name: str) -> list[str]:
        """A variable as bash's arrays see it: BASH_REMATCH is one ([[ =~ ]] stores it as a JSON list), any
        other set variable a one-element array."""
        raw = self.host.vars.get(name) if name == "BASH_REMATCH" else self.var(name)
        if raw is None:
            return []
        if name == "BASH_REMATCH" and raw.startswith("["):
            try:
                items = json.loads(raw)
            except ValueError:
                items = None
            if isinstance(items, list) and all(isinstance(x, str) for x in items):
                return items
        return [raw]

    def subscript(self, name: str, index: str) -> str | None:
        """${name[i]} (None past the end, as an unset variable), ${name[@]} and ${name[*]} (joined)."""
        items = self.elements(name)
        if index in ("@", "*"):
            return " ".join(items) if items else None
        k = int(self.arith(index) or "0")
        k = k + len(items) if k < 0 else k
        if k < 0:
            raise ExpansionError(f"bash: {name}: bad array subscript")
        return items[k] if k < len(items) else None

    def assign(self, name: str, value: str) -> None:
        """Set a shell variable; sizes are bounded so `X=$X$X` cannot grow the saved sandbox without end."""
        if len(value) > MAX_VAR:
            raise ExpansionError(f"podscape: {name}: value too long ({len(value)} characters; the limit is "
                                 f"{MAX_VAR})")
        if name not in self.host.vars and len(self.host.vars) >= MAX_VARS:
            raise ExpansionError(f"podscape: {name}: too many variables (the limit is {MAX_VARS})")
        self.host.vars[name] = value

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """What programs get: the login environment plus exported variables, not every shell variable."""
        exported = set(self.host.exported)
        env = {k: v for k, v in self.host.env().items()
               if k not in self.host.vars or k in exported or k in LOGIN_ENV}
        if extra:
            env.update(extra)
        return env

    # ---- word expansion ----------------------------------------------------------------------
    def expand_pieces(self, raw: str, mode: str = "word") -> list[Piece]:
        """mode: "word" (quotes active), "dquote" (inside "..."), "heredoc" (an unquoted heredoc body)."""
        pieces: list[Piece] = []
        lit: list[str] = []          # pending literal text (quoted in dquote/heredoc modes)
        in_quotes = mode != "word"

        def flush() -> None:
            if lit:
                pieces.append(Piece("".join(lit), in_quotes))
                lit.clear()

        s, n, i = raw, len(raw), 0
        while i < n:
            c = s[i]
            if c == "\\":
                nxt = s[i + 1] if i + 1 < n else ""
                if mode == "word":
                    flush()
                    if nxt == "\n":
                        i += 2
                        continue
                    pieces.append(Piece(nxt if nxt else "\\", True))
                    i += 2
                    continue
                if nxt and (nxt in "$`\\\n" or (mode == "dquote" and nxt == '"')):
                    if nxt != "\n":
                        lit.append(nxt)
                    i += 2
                    continue
                lit.append("\\")
                i += 1
                continue
            if c == "'" and mode == "word":
                end = s.find("'", i + 1)
                end = n if end < 0 else end
                flush()
                pieces.append(Piece(s[i + 1:end], True))
                i = end + 1
                continue
            if c == '"' and mode == "word":
                end = scan_nested(s, i + 1, '"')
                flush()
                inner = self.expand_pieces(s[i + 1:end - 1], "dquote")
                if not any(p.fields is not None for p in inner):
                    pieces.append(Piece("", True))      # "" still makes a (possibly empty) field; "$@" none
                pieces.extend(inner)
                i = end
                continue
            if c == "`":
                end = scan_nested(s, i + 1, "`")
                body = re.sub(r"\\([$`\\])", r"\1", s[i + 1:end - 1])
                flush()
                pieces.append(Piece(self.command_subst(body), in_quotes, not in_quotes))
                i = end
                continue
            if c in "<>" and mode == "word" and s.startswith("(", i + 1):
                end = scan_nested(s, i + 2, ")")
                flush()
                pieces.append(Piece(self.process_subst(s[i + 2:end - 1], c), True))
                i = end
                continue
            if c == "$" and i + 1 < n:
                nxt = s[i + 1]
                if nxt == "(":
                    end = scan_nested(s, i + 2, ")")
                    flush()
                    inner = s[i + 2:end - 1]
                    if inner.startswith("(") and inner.endswith(")"):
                        value = self.arith(inner[1:-1])
                    else:
                        value = self.command_subst(inner)
                    pieces.append(Piece(value, in_quotes, not in_quotes))
                    i = end
                    continue
                if nxt == "{":
                    end = scan_nested(s, i + 2, "}")
                    flush()
                    body = s[i + 2:end - 1]
                    each = SUBSCRIPT_RE.fullmatch(body) if mode == "dquote" else None
                    if body == "@" and mode == "dquote":
                        pieces.append(Piece.each(list(self.positional)))
                    elif each and each.group(3) == "@" and not each.group(1):
                        pieces.append(Piece.each(self.elements(each.group(2))))
                    else:
                        pieces.append(Piece(self.param(body), in_quotes, not in_quotes))
                    i = end
                    continue
                if nxt == "'" and mode == "word":
                    end = i + 2
                    while end < n and s[end] != "'":
                        end += 2 if s[end] == "\\" else 1
                    flush()
                    pieces.append(Piece(ansi_c(s[i + 2:end]), True))
                    i = end + 1
                    continue
                if nxt == '"' and mode == "word":     # $"..." (locale translation): same as "..."
                    i += 1
                    continue
                m = NAME_RE.match(s, i + 1)
                if m or nxt in "?$#@*!-0123456789":
                    name = m.group() if m else nxt
                    flush()
                    if name == "@" and mode == "dquote":
                        pieces.append(Piece.each(list(self.positional)))
                    else:
                        pieces.append(Piece(self.var(name) or "", in_quotes, not in_quotes))
                    i = (m.end() if m else i + 2)
                    continue
            lit.append(c)
            i += 1
        flush()
        return pieces

    def param(self, body: str) -> str:
        """${...}: the forms learners use."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise ExpansionError("podscape: expansions nested too deeply")
            return self._param(body)
        finally:
            self.depth -= 1

    def _param(self, body: str) -> str:
        sub = SUBSCRIPT_RE.match(body)
        if sub and sub.group(1) and sub.end() == len(body):         # ${#name[@]}, ${#name[i]}
            if sub.group(3) in ("@", "*"):
                return str(len(self.elements(sub.group(2))))
            return str(len(self.subscript(sub.group(2), sub.group(3)) or ""))
        if sub and not sub.group(1):
            name, rest = sub.group(2), body[sub.end():]
            value = self.subscript(name, sub.group(3))
        else:
            if body.startswith("#") and NAME_RE.fullmatch(body[1:] or "-") or body in ("#?", "#$"):
                return str(len(self.var(body[1:]) or ""))
            m = re.match(r"([A-Za-z_][A-Za-z0-9_]*|[?$#@*!0-9-])(.*)\Z", body, re.S)
            if not m:
                raise ExpansionError(f"bash: ${{{body}}}: bad substitution")
            name, rest = m.groups()
            value = self.var(name)
        if not rest:
            return value or ""
        op = re.match(r":?[-=+?]|##?|%%?|//?|\^\^?|,,?|:", rest)
        if not op:
            raise ExpansionError(f"bash: ${{{body}}}: bad substitution")
        op_s, arg = op.group(), rest[op.end():]
        if op_s in (":-", "-", ":=", "=", ":+", "+", ":?", "?"):
            unset = value is None or (op_s.startswith(":") and value == "")
            # the word loses its own quotes: ${v:-"two words"}
            word = "".join(p.text for p in self.expand_pieces(self.tilde(arg), "word")) if op_s[-1] in "-=+?" else ""
            if op_s[-1] == "-":
                return word if unset else value
            if op_s[-1] == "=":
                if unset:
                    self.assign(name, word)
                    return word
                return value
            if op_s[-1] == "+":
                return "" if unset else word
            if unset:
                raise ExpansionError(f"bash: {name}: {word or 'parameter null or not set'}")
            return value
        value = value or ""
        if op_s == ":":
            mm = re.fullmatch(r"\s*(-?\d+)\s*(?::\s*(-?\d+)\s*)?", arg)
            if not mm:
                raise ExpansionError(f"bash: {arg}: syntax error: operand expected")
            off = int(mm.group(1))
            off = max(0, len(value) + off) if off < 0 else off
            if mm.group(2) is None:
                return value[off:]
            ln = int(mm.group(2))
            return value[off:off + ln] if ln >= 0 else value[off:len(value) + ln]
        if op_s in ("^^", "^"):
            return value.upper() if op_s == "^^" else value[:1].upper() + value[1:]
        if op_s in (",,", ","):
            return value.lower() if op_s == ",," else value[:1].lower() + value[1:]
        if op_s in ("#", "##", "%", "%%"):
            return BashPattern(self.pattern_text(arg)).strip(value, op_s)
        # ${v/pat/rep} ${v//pat/rep}; a pattern that starts with # or % (after expansion) is anchored there
        raw_pat, slash, raw_rep = split_replacement(arg)
        pat_pieces = [p for p in self.expand_pieces(self.tilde(raw_pat)) if p.text]
        if op_s == "/" and pat_pieces and not pat_pieces[0].quoted and pat_pieces[0].text[0] in "#%":
            op_s = "/" + pat_pieces[0].text[0]
            pat_pieces[0] = Piece(pat_pieces[0].text[1:], False)
        pat = "".join(glob_escape(p.text) if p.quoted else p.text for p in pat_pieces)
        pieces = self.expand_pieces(self.tilde(raw_rep)) if slash else []

        def rep(match: str) -> str:       # patsub_replacement (on in bash 5.2): an unquoted & is the match
            return "".join(p.text if p.quoted else p.text.replace("&", match) for p in pieces)
        return BashPattern(pat).replace(value, rep, op_s)

    def pattern_text(self, raw: str) -> str:
        """A word expanded as a pattern: what was quoted matches literally (its pattern characters escaped)."""
        return "".join(glob_escape(p.text) if p.quoted else p.text for p in self.expand_pieces(self.tilde(raw)))

    def arith(self, expr: str) -> str:
        expr = "".join(p.text for p in self.expand_pieces(expr, "heredoc"))
        return str(Arith(expr, self).value())

    def command_subst(self, src: str) -> str:
        m = re.fullmatch(r"\s*<\s*(\S+)\s*", src)
        if m:                      # $(<file): the file's content, without running cat
            name = self.expand_string(m.group(1))
            content, err = vfs.read(self.host, self.host.abspath(name))
            if err:
                self.current_err.write(f"bash: {name}: {err}\n")
                self.status = self.subst_status = 1
                return ""
            self.status = self.subst_status = 0
            return content.rstrip("\n")
        out = Stream()
        status = self.run_nested(src, IO(None, out, self.current_err))
        self.status = self.subst_status = status
        return out.text.rstrip("\n")

    def process_subst(self, src: str, direction: str) -> str:
        """<(cmd): the command's output as a file, /dev/fd/63 and down, removed when the line ends."""
        path = f"/dev/fd/{63 - len(self.temp_files)}"
        if re.fullmatch(r"\s*(kubectl|minikube|helm)\s+completion\s+(bash|zsh)\s*", src):
            content = "# completion is built into the Podscape terminal: press Tab\n"
        elif direction == ">":
            content = ""
        else:
            out = Stream()
            self.run_nested(src, IO(None, out, self.current_err))
            content = out.text
        self.host.files[path] = content[:vfs.MAX_FILE]
        self.temp_files.append(path)
        return path

    def expand_words(self, raws: list[str]) -> list[str]:
        fields: list[str] = []
        for raw in raws:
            for word in (brace_expand(raw) if "{" in raw else [raw]):
                expanded = self.expand_word(word)
                charge(sum(len(f) for f in expanded) + len(expanded))
                fields.extend(expanded)
            if len(fields) > MAX_WORDS:
                raise ExpansionError("podscape: too many words after expansion", 1)
        return fields

    def expand_word(self, raw: str) -> list[str]:
        if not PLAIN_WORD_SPECIALS.search(raw):
            return [raw]            # nothing to expand: most words
        raw = self.tilde(raw)
        pieces = self.expand_pieces(raw)
        ifs = self.host.vars.get("IFS", " \t\n")
        fields: list[tuple[str, str, bool]] = []      # (text, glob pattern, has a quoted part)
        text: list[str] = []
        pat: list[str] = []
        started = False
        globbable = False
        for p in pieces:
            if p.fields is not None:
                for k, item in enumerate(p.fields):
                    if k > 0:
                        fields.append(("".join(text), "".join(pat) if globbable else "", True))
                        text, pat, globbable = [], [], False
                    text.append(item)
                    pat.append(glob_escape(item))
                    started = True
                continue
            if p.quoted:
                text.append(p.text)
                pat.append(glob_escape(p.text))
                started = True
                continue
            if not p.split:
                text.append(p.text)
                pat.append(p.text)
                globbable = globbable or any(ch in p.text for ch in "*?[")
                started = started or bool(p.text)
                continue
            chunks, hard = ifs_split(p.text, ifs)
            for k, chunk in enumerate(chunks):
                if k > 0:
                    if started or text or hard[k - 1]:
                        fields.append(("".join(text), "".join(pat) if globbable else "", True))
                    text, pat, started, globbable = [], [], False, False
                if chunk:
                    text.append(chunk)
                    pat.append(chunk)
                    globbable = globbable or any(ch in chunk for ch in "*?[")
                    started = True
        if started or text:
            fields.append(("".join(text), "".join(pat) if globbable else "", True))
        out: list[str] = []
        for value, pattern, _ in fields:
            matches = self.glob(pattern) if pattern else []
            out.extend(matches or [value])
        return out

    def expand_string(self, raw: str) -> str:
        """An assignment's value or a redirection target: no splitting, no globbing."""
        return "".join(p.text for p in self.expand_pieces(self.tilde(raw, assignment=True)))

    def tilde(self, raw: str, assignment: bool = False) -> str:
        if "~" not in raw:
            return raw

        def one(word: str) -> str:
            m = re.match(r"~([A-Za-z0-9_]*)(?=/|$)", word)
            if not m:
                return word
            user = m.group(1)
            # bash expands a bare ~ to $HOME (the node's /home/docker, a container's /root)
            home = {"": self.host.env().get("HOME", HOME), USER: HOME, "root": "/root"}.get(user)
            return word if home is None else home.replace("\\", "\\\\").replace("'", "\\'") + word[m.end():]
        if assignment and "=" in raw and ASSIGN_RE.match(raw):
            name, value = raw.split("=", 1)
            return name + "=" + ":".join(one(part) for part in value.split(":"))
        return one(raw)

    def glob(self, pattern: str) -> list[str]:
        absolute = pattern.startswith("/")
        parts = [p for p in pattern.split("/") if p]
        bases = ["/" if absolute else ""]
        for k, part in enumerate(parts):
            nxt: list[str] = []
            for base in bases:
                real = self.host.abspath(base or ".")
                if any(ch in part for ch in "*?[") and not part.startswith("\\"):
                    component = BashPattern(part)
                    names = [nm for nm in vfs.listdir(self.host, real)
                             if (part.startswith(".") or not nm.startswith(".")) and component.matches(nm)]
                else:
                    names = [glob_unescape(part)]
                for nm in names:
                    path = (base.rstrip("/") + "/" + nm) if base else nm
                    if k == len(parts) - 1:
                        if vfs.exists(self.host, self.host.abspath(path)):
                            nxt.append(path)
                    elif vfs.is_dir(self.host, self.host.abspath(path)):
                        nxt.append(path)
            bases = nxt
            if not bases:
                return []
        if pattern.endswith("/"):       # `*/`: the directories only
            bases = [b + "/" for b in bases if vfs.is_dir(self.host, self.host.abspath(b))]
        return sorted(bases)

    # ---- running -----------------------------------------------------------------------------
    current_err: Stream

    def run_nested(self, src: str, io: "IO") -> int:
        """Parse and run `src` one level deeper ($(...), xargs), in a subshell."""
        if self.depth >= MAX_DEPTH:
            raise ExpansionError("podscape: command substitutions nested too deeply", 2)
        try:
            tree, warnings = parse(src)
        except ShellSyntaxError as exc:
            io.err.write(self.syntax_error(exc))
            return exc.status
        for w in warnings:
            io.err.write(w + "\n")
        self.depth += 1
        saved = self.save_state()
        try:
            return self.run_seq(tree, io)
        except ExitShell as stop:
            return stop.status
        except ExpansionError as exc:
            io.err.write(str(exc) + "\n")
            return exc.status
        finally:
            self.restore_state(saved)
            self.depth -= 1

    def syntax_error(self, exc: ShellSyntaxError) -> str:
        return syntax_message(exc)

    def exit_shell(self, stop: "ExitShell", term: Stream) -> int:
        """`exit` at the top of a line: the learner's terminal stays; an in-pod shell ends."""
        if self.host.shell_stack:           # leaving an in-pod shell (kubectl exec -it ... sh)
            self.host.shell_stack.pop()
        else:
            term.write("exit\npodscape: this terminal stays open; the playground keeps your session.\n")
        return stop.status

    def save_state(self) -> tuple:
        return dict(self.host.vars), self.host.cwd

    def restore_state(self, saved: tuple) -> None:
        self.host.vars, self.host.cwd = dict(saved[0]), saved[1]

    def run_seq(self, seq: Seq, io: "IO") -> int:
        if seq is getattr(self, "top_seq", None):
            return self.run_top_seq(seq, io)
        for node, background in seq.items:
            if background:
                io.err.write(f"[1] {PID + 1 + self.commands}\n")
            self.status = self.run_and_or(node, io)
        return self.status

    def run_top_seq(self, seq: Seq, io: "IO") -> int:
        """The learner's line: a lone simple command may become a job that runs on (jobs.py); `cmd &` prints
        `[n] pid` first and leaves a job whose end bash announces before a later prompt."""
        for node, background in seq.items:
            lone = node.first.cmds[0] if not node.rest and len(node.first.cmds) == 1 and not node.first.negate \
                else None
            lone = lone if isinstance(lone, Simple) and lone.words else None
            line = " ".join(lone.words) if lone is not None else (node_text(node) or "command")
            job = jobs.new_job(self.host, line, background=True) if background else None
            if job is not None:
                io.err.write(f"[{job['n']}] {job['pid']}\n")
                self.host.last_bg = str(job["pid"])
            token = jobs.spawn_slot.set({"cmd": lone, "background": background, "line": line, "job": job}
                                        if lone is not None else None)
            try:
                self.status = self.run_and_or(node, io)
            finally:
                slot = jobs.spawn_slot.get()
                jobs.spawn_slot.reset(token)
            if job is not None and not (slot or {}).get("taken"):
                job["status"] = self.status          # ran to its end at once: announced as Done / Exit N
                job["fresh"] = True
                self.host.jobs.append(job)
                self.status = 0
            if jobs.running(self.host):
                break                                # bash waits for the foreground job before the rest
        return self.status

    def run_and_or(self, node: AndOr, io: "IO") -> int:
        status = self.run_pipeline(node.first, io)
        for op, pipe in node.rest:
            self.status = status
            if (op == "&&" and status == 0) or (op == "||" and status != 0):
                status = self.run_pipeline(pipe, io)
        return status

    def run_pipeline(self, pipe: Pipeline, io: "IO") -> int:
        if len(pipe.cmds) == 1:
            status = self.run_command(pipe.cmds[0], io)
        else:
            stdin = io.stdin
            status = 0
            for k, cmd in enumerate(pipe.cmds):
                last = k == len(pipe.cmds) - 1
                out = io.out if last else Stream()
                saved = self.save_state()      # each part of a pipeline runs in a subshell
                try:
                    status = self.run_command(cmd, IO(stdin, out, io.err, tty_out=last and io.tty_out))
                except ExitShell as stop:
                    status = stop.status
                except ExpansionError as exc:
                    io.err.write(str(exc) + "\n")
                    status = exc.status
                finally:
                    self.restore_state(saved)
                stdin = out.text if not last else None
        self.status = (0 if status else 1) if pipe.negate else status
        return self.status

    def run_command(self, cmd, io: "IO") -> int:
        if isinstance(cmd, Simple):
            return self.run_simple(cmd, io)
        return self.run_compound(cmd, io)

    def run_compound(self, node: Compound, io: "IO") -> int:
        if node.kind == "function":          # defined for the rest of this line or script
            if len(self.functions) >= MAX_VARS and node.var not in self.functions:
                raise ExpansionError(f"podscape: {node.var}: too many functions", 1)
            self.functions[node.var] = node.parts[0]
            return 0
        io2 = self.redirect(node.redirs, io)
        if io2 is None:
            return 1
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise ExpansionError("podscape: commands nested too deeply", 2)
            if node.kind == "subshell":
                saved = self.save_state()
                try:
                    return self.run_seq(node.body, io2)
                except ExitShell as stop:
                    return stop.status
                except ExpansionError as exc:
                    io2.err.write(str(exc) + "\n")
                    return exc.status
                finally:
                    self.restore_state(saved)
            if node.kind == "group":
                return self.run_seq(node.body, io2)
            if node.kind == "arith":
                self.tick()
                return 0 if int(self.arith(node.items[0])) != 0 else 1
            if node.kind == "cond":
                self.tick()
                return self.run_cond(node.items, io2)
            if node.kind == "cfor":
                init, cond, step = node.items
                if init.strip():
                    self.arith(init)
                status = 0
                while not cond.strip() or int(self.arith(cond)) != 0:
                    self.tick()
                    try:
                        status = self.run_seq(node.body, io2)
                    except LoopControl as lc:
                        if lc.levels > 1:
                            raise LoopControl(lc.kind, lc.levels - 1) from None
                        if lc.kind == "break":
                            break
                    if step.strip():
                        self.arith(step)
                return status
            if node.kind == "case":
                return self.run_case(node, io2)
            if node.kind == "if":
                for cond, body in node.parts:
                    if self.run_seq(cond, io2) == 0:
                        return self.run_seq(body, io2)
                return self.run_seq(node.else_body, io2) if node.else_body else 0
            status = 0
            if node.kind == "for":
                items = self.expand_words(node.items) if node.items is not None else []
                for item in items:
                    self.assign(node.var, item)
                    self.tick()
                    try:
                        status = self.run_seq(node.body, io2)
                    except LoopControl as lc:
                        if lc.levels > 1:
                            raise LoopControl(lc.kind, lc.levels - 1) from None
                        if lc.kind == "break":
                            break
                return status
            while True:          # while / until
                self.tick()
                ok = self.run_seq(node.parts[0], io2) == 0
                if ok != (node.kind == "while"):
                    return status
                try:
                    status = self.run_seq(node.body, io2)
                except LoopControl as lc:
                    if lc.levels > 1:
                        raise LoopControl(lc.kind, lc.levels - 1) from None
                    if lc.kind == "break":
                        return status
        finally:
            self.depth -= 1

    def run_case(self, node: Compound, io: "IO") -> int:
        """The first clause with a matching pattern runs; ;& runs the next body as well, ;;& goes on testing.
        The status is the last body's, or 0 when none ran."""
        subject = "".join(p.text for p in self.expand_pieces(self.tilde(node.var)))
        status, k = 0, 0
        while k < len(node.parts):
            patterns, body, end = node.parts[k]
            if not any(BashPattern(self.pattern_text(p)).matches(subject) for p in patterns):
                k += 1
                continue
            status = self.run_seq(body, io) if body.items else 0
            while end == ";&" and k + 1 < len(node.parts):
                k += 1
                _, body, end = node.parts[k]
                status = self.run_seq(body, io) if body.items else 0
            if end != ";;&":
                break
            k += 1
        return status

    # ---- [[ ... ]] ------------------------------------------------------------------------------
    def run_cond(self, items: list[tuple[str, str]], io: "IO") -> int:
        """[[ ... ]]: each term gives 0 (true), 1 (false) or 2 (a bad regex); && and || stop early, as bash's
        do, and pass on the status that decided (so `[[ x =~ [ && y ]]` is 2 and `[[ ! x =~ [ ]]` is 0)."""
        pos = [0]

        def peek() -> tuple[str, str] | None:
            return items[pos[0]] if pos[0] < len(items) else None

        def take() -> tuple[str, str]:
            pos[0] += 1
            return items[pos[0] - 1]

        def value(raw: str) -> str:
            return self.expand_string(raw)

        def primary(run: bool) -> int:
            t = peek()
            if t is None:
                raise ExpansionError("bash: syntax error in conditional expression", 2)
            if t[1] == "!":
                take()
                return 1 if primary(run) == 0 else 0
            if t == ("op", "("):
                take()
                v = disjunction(run)
                if take() != ("op", ")"):
                    raise ExpansionError("bash: syntax error in conditional expression", 2)
                return v
            a = take()[1]
            nxt = peek()
            if a in TEST_UNARY and nxt is not None and nxt[0] == "word" and not (
                    pos[0] + 1 < len(items) and items[pos[0] + 1][1] in TEST_BINARY and items[pos[0] + 1][0] in
                    ("word", "op")):
                arg = take()[1]
                return (0 if TEST_UNARY_FN(self, a, value(arg)) else 1) if run else 1
            if nxt is not None and (nxt[1] in TEST_BINARY or nxt[1] in ("<", ">")) and \
                    (nxt[0] == "word" or nxt[1] in ("<", ">")):
                op = take()[1]
                if peek() is None:
                    raise ExpansionError("bash: unexpected argument to conditional binary operator", 2)
                rhs = take()[1]
                return binary(a, op, rhs) if run else 1
            return (0 if value(a) != "" else 1) if run else 1

        def binary(a: str, op: str, rhs: str) -> int:
            left = value(a)
            if op == "=~":
                return self.regex_test(left, rhs)
            if op in ("==", "=", "!="):
                hit = BashPattern(self.pattern_text(rhs)).matches(left) == (op != "!=")
            elif op in ("<", ">"):
                hit = (left < value(rhs)) if op == "<" else (left > value(rhs))
            elif op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
                x, y = int(self.arith(left or "0")), int(self.arith(value(rhs) or "0"))
                hit = {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y, "-gt": x > y, "-ge": x >= y}[op]
            else:
                hit = False
            return 0 if hit else 1

        def conjunction(run: bool) -> int:
            v = primary(run)
            while peek() == ("op", "&&"):
                take()
                rhs = primary(run and v == 0)
                v = rhs if v == 0 else v
            return v

        def disjunction(run: bool) -> int:
            v = conjunction(run)
            while peek() == ("op", "||"):
                take()
                rhs = conjunction(run and v != 0)
                v = rhs if v != 0 else v
            return v

        if not items:
            return 1
        result = disjunction(True)
        if pos[0] != len(items):
            io.err.write(f"bash: syntax error in conditional expression: unexpected token `{items[pos[0]][1]}'\n")
            return 2
        return result

    def regex_test(self, left: str, raw: str) -> int:
        """`[[ left =~ raw ]]`: glibc's POSIX ERE (regcomp/regexec, leftmost-longest), run on RE2 through
        saferegex. 0 and BASH_REMATCH set, 1 and BASH_REMATCH emptied, or 2 (a bad regex) leaving it be."""
        rx = bash_regex(self.regex_text(raw))
        if rx is None:
            return 2
        try:
            m = rx.search(left)
        except saferegex.TooCostly as exc:
            raise ExpansionError(str(exc)) from None
        groups = [] if m is None else [m.group(0)] + [g or "" for g in m.groups()]
        self.assign("BASH_REMATCH", json.dumps(groups, ensure_ascii=False))
        return 1 if m is None else 0

    def regex_text(self, raw: str) -> str:
        """The right side of =~ as bash hands it to regcomp: what was quoted matches itself (bash escapes the
        characters special in an ERE, except inside a bracket expression, where a backslash is literal)."""
        chars = [(ch, p.quoted) for p in self.expand_pieces(self.tilde(raw)) for ch in p.text]
        out: list[str] = []
        i, n = 0, len(chars)
        unclosed = False        # a bracket ran to the end: the later "[" are not scanned again (regcomp refuses)
        while i < n:
            ch, quoted = chars[i]
            if quoted:
                out.append("\\" + ch if ch in ERE_SPECIAL else ch)
                i += 1
                continue
            out.append(ch)
            i += 1
            if ch != "[" or unclosed:
                continue
            j = i              # an unquoted bracket expression: its characters go in as they are (pathexp.c)
            if j < n and chars[j] == ("^", False):
                j += 1
            if j < n and chars[j] == ("]", False):
                j += 1
            inner = ""         # the [: [= [. open in it: their ":]" "=]" ".]" do not end the bracket
            while j < n and chars[j] != ("]", False):
                c, plain = chars[j][0], not chars[j][1]
                following = chars[j + 1] if j + 1 < n else ("", True)
                if plain and c == "[" and following[0] in ":=." and not following[1]:
                    inner = following[0]
                    j += 2
                    if inner in "=." and j < n and chars[j][0] == "]":      # "[=]=]": a ] can be in it
                        j += 1
                    continue
                if plain and inner and c == inner and following == ("]", False):
                    inner = ""
                    j += 2
                    continue
                j += 1
            if j < n:          # closed: copy it; unclosed, the rest is read as if there were no bracket
                out.extend(c for c, _ in chars[i:j + 1])
                i = j + 1
            else:
                unclosed = True
        return "".join(out)

    def tick(self) -> None:
        self.commands += 1
        charge(COMMAND_WORK)         # and the meter looks at the wall clock: every command, not every 64th
        if self.commands > MAX_COMMANDS:
            raise Abort(f"podscape: stopped after {MAX_COMMANDS} commands (the playground's limit for one "
                        f"line)", 1)

    def aliases(self) -> dict[str, str]:
        merged = UBUNTU_ALIASES | self.host.aliases
        return {k: v for k, v in merged.items() if v is not None}

    def expand_aliases(self, cmd: Simple) -> "Simple | str":
        """Replace an alias in command position (bash does it on the unquoted word, one level per name).
        Returns the new command, or source text to run when the alias holds operators (`a; b`)."""
        table = self.aliases()
        seen: set[str] = set()
        while cmd.words and cmd.words[0] in table and cmd.words[0] not in seen:
            name = cmd.words[0]
            seen.add(name)
            try:
                toks = Lexer(table[name]).tokens()
            except ShellSyntaxError:
                toks = []
            if not toks or any(t.kind not in ("word", "eof") for t in toks):
                return " ".join([table[name]] + cmd.words[1:])
            words = [t.text for t in toks if t.kind == "word"]
            cmd = Simple(cmd.assigns, words + cmd.words[1:], cmd.redirs, cmd.source)
        return cmd

    def run_simple(self, cmd: Simple, io: "IO") -> int:
        self.tick()
        original = cmd
        if cmd.words and (cmd.words[0] in UBUNTU_ALIASES or self.host.aliases):
            expanded = self.expand_aliases(cmd)
            if isinstance(expanded, str):
                return self.run_nested(expanded, io)
            cmd = expanded
        self.current_err = io.err
        self.subst_status = None
        try:
            assigns: dict[str, str] = {}
            for a in cmd.assigns:
                m = ASSIGN_RE.match(a)
                value = self.expand_string(a[m.end():])
                if m.group(2):
                    value = (assigns.get(m.group(1)) or self.var(m.group(1)) or "") + value
                assigns[m.group(1)] = value
            if cmd.words and cmd.words[0] in DECLARATION_BUILTINS:
                argv = self.expand_words(cmd.words[:1]) + [
                    self.expand_string(w) if ASSIGN_RE.match(w) else x
                    for w in cmd.words[1:] for x in ([None] if ASSIGN_RE.match(w) else self.expand_words([w]))]
            else:
                argv = self.expand_words(cmd.words)
        except ShellSyntaxError as exc:
            io.err.write(syntax_message(exc))
            return 2
        io2 = self.redirect(cmd.redirs, io)
        if io2 is None:
            return 1
        if not argv:
            for name, value in assigns.items():
                self.assign(name, value)
            return self.subst_status if self.subst_status is not None else 0
        slot = jobs_slot()
        self.spawning = slot is not None and slot.get("cmd") is original
        return self.run_argv(argv, io2, assigns)

    def is_builtin(self, name: str) -> bool:
        """Whether `name` is one of bash's builtins (programs that run commands, like xargs, refuse them)."""
        return name in BUILTINS

    def run_argv(self, argv: list[str], io: "IO", assigns: dict[str, str] | None = None,
                 as_root: bool = False, builtins: bool = True) -> int:
        name = argv[0]
        may_spawn, self.spawning = getattr(self, "spawning", False), False
        self.builtin_may_spawn = may_spawn
        if builtins and name in self.functions:
            return self.call_function(argv, io)
        as_root = as_root or self.root
        if name in ("bash", "sh", "dash") or name in ("/bin/bash", "/bin/sh", "/usr/bin/bash"):
            return self.sub_shell(argv, io, as_root, assigns)
        if builtins and name in BUILTINS:
            self.writer = name
            saved = dict(self.host.vars)
            self.host.vars.update(assigns or {})
            try:
                return BUILTINS[name](self, argv, io)
            finally:
                if assigns and name not in ("export", "unset"):
                    for k in assigns:
                        if k in saved:
                            self.host.vars[k] = saved[k]
                        else:
                            self.host.vars.pop(k, None)
        if name == "sudo":
            return self.sudo(argv, io, assigns)
        fn = PROGRAMS.get(name)
        if fn is None and "/" in name:
            fn = PROGRAMS.get(name.rsplit("/", 1)[1])
            if fn is not None and not name.startswith(("/usr/bin/", "/bin/", "/usr/local/bin/", "/usr/sbin/")):
                io.err.write(f"bash: {name}: {vfs.NOENT}\n")
                return 127
        if fn is None:
            if "/" in name:
                path = self.host.abspath(name)
                if vfs.is_dir(self.host, path):
                    io.err.write(f"bash: {name}: Is a directory\n")
                    return 126
                if path in self.host.files:
                    io.err.write(f"bash: {name}: Permission denied\n")
                    return 126
                io.err.write(f"bash: {name}: {vfs.NOENT}\n")
                return 127
            if as_root and not self.root:
                io.err.write(f"sudo: {name}: command not found\n")
            elif self.dialect == "sh":
                io.err.write(f"sh: 1: {name}: not found\n")
            else:
                io.err.write(f"bash: {self.line_prefix}{name}: command not found\n")
            return 1 if as_root and not self.root else 127
        if "--help" in argv and self.wants_gnu_help(argv, fn):
            io.out.write(HELP[name])
            return 0
        env = self.env(assigns)
        if as_root:
            env.update({"USER": "root", "HOME": "/root", "LOGNAME": "root", "SUDO_USER": USER})
        proc = Proc(self.engine, list(argv), io.stdin or "", io.out, io.err, env, stdin_is_tty=io.stdin is None)
        proc.as_root = as_root                       # read by programs.vfs.is_root
        proc.stdout_is_tty = io.tty_out
        proc.shell = self                            # lets xargs run commands
        proc.may_spawn = may_spawn                   # it may become a job (jobs.spawn)
        self.writer = name
        code = self.call(fn, proc, name, io)
        if code == 0 and any(isinstance(st, FileStream) and st.failed for st in (io.out, io.err)):
            code = 1                 # a write error (file too large, disk full) fails the command
        # The controllers watch the API server, not the shell: what one command stored is acted on before the
        # next command of the line runs (`kubectl scale --replicas=0; kubectl scale --replicas=2` gives new
        # pods). reconcile returns at once when nothing was stored since it last settled.
        controllers.reconcile(self.engine.cluster)
        return code

    def call_function(self, argv: list[str], io: "IO") -> int:
        """Run a shell function with $1... set to its arguments; `return N` ends it with N."""
        saved = self.positional
        self.positional = list(argv[1:])
        self.in_function += 1
        try:
            return self.run_command(self.functions[argv[0]], io)
        except FunctionReturn as ret:
            return ret.status
        finally:
            self.positional = saved
            self.in_function -= 1

    @staticmethod
    def call(fn, proc: Proc, name: str, io: "IO") -> int:
        """Run a program; its bug must not take the terminal (or the sandbox) down."""
        try:
            code = fn(proc)
        except (Abort, LoopControl, FunctionReturn):
            raise
        except RecursionError:
            io.err.write(f"{name}: input nested too deeply\n")
            return 1
        except Exception as exc:
            io.err.write(f"podscape: {name} failed unexpectedly ({type(exc).__name__})\n")
            return 1
        return code if isinstance(code, int) else 0

    @staticmethod
    def wants_gnu_help(argv: list[str], fn) -> bool:
        """`grep --help`: GNU tools print their help whatever else is on the line (up to `--`)."""
        if argv[0] not in HELP or not getattr(fn, "__module__", "").endswith(("coreutils", "textutils")):
            return False
        args = argv[1:argv.index("--")] if "--" in argv else argv[1:]
        if argv[0] in ("env", "xargs", "printenv"):
            return bool(args) and args[0] == "--help"
        return "--help" in args

    def sudo(self, argv: list[str], io: "IO", assigns: dict[str, str] | None) -> int:
        args = argv[1:]
        while args and args[0].startswith("-"):
            opt = args.pop(0)
            if opt == "--":
                break
            if opt in ("-i", "-s", "--login", "--shell", "-su"):
                io.err.write("podscape: a root shell is not simulated; put sudo in front of each command\n")
                return 1
            if opt in ("-u", "-g"):
                if args:
                    user = args.pop(0)
                    if user not in ("root", "0", "#0"):
                        io.err.write(f"sudo: unknown user {user}\n")
                        return 1
            elif opt in ("-k", "-K", "-v"):
                if not args:
                    return 0
            elif opt not in ("-E", "-H", "-n", "-S", "--preserve-env"):
                io.err.write(f"sudo: invalid option -- '{opt.lstrip('-')[:1]}'\n")
                io.err.write(SUDO_USAGE)
                return 1
        if not args:
            io.err.write(SUDO_USAGE)
            return 1
        # `sudo VAR=x cmd` sets VAR for cmd
        extra = dict(assigns or {})
        while args and ASSIGN_RE.match(args[0]) and "=" in args[0]:
            k, v = args.pop(0).split("=", 1)
            extra[k] = v
        if not args:
            io.err.write(SUDO_USAGE)
            return 1
        if args[0] in ("su", "-i"):
            io.err.write("podscape: a root shell is not simulated; put sudo in front of each command\n")
            return 1
        return self.run_argv(args, io, extra, as_root=True, builtins=False)

    def diagnostic(self, target: str, err: str, verb: str) -> str:
        """A redirection failure, worded by the shell that runs it."""
        if self.dialect == "sh":
            what = "cannot create" if verb == "create" else "cannot open"
            if verb == "create" and err == vfs.NOENT:
                err = "Directory nonexistent"
            return f"sh: 1: {what} {target}: {err}\n"
        return f"bash: {self.line_prefix}{target}: {err}\n"

    def sub_shell(self, argv: list[str], io: "IO", as_root: bool, assigns: dict[str, str] | None = None) -> int:
        """`bash -c 'cmd'`, `sh script.sh`, and `sudo sh -c 'echo x >> /etc/hosts'` (the classic fix)."""
        args = argv[1:]
        while args and args[0] in ("-e", "-x", "-u", "-l", "--login", "--norc", "--noprofile", "-o", "pipefail"):
            args.pop(0)
        if args and args[0] == "-c":
            if len(args) < 2:
                io.err.write(f"{argv[0]}: -c: option requires an argument\n")
                return 2
            src = args[1]
            arg0, params = (args[2], args[3:]) if len(args) > 2 else (argv[0], [])
        elif args:
            content, err = vfs.read(self.host, self.host.abspath(args[0]))
            if err:
                io.err.write(f"{argv[0]}: {args[0]}: {err}\n" if argv[0] == "bash" else
                             f"{argv[0]}: 0: cannot open {args[0]}: {err}\n")
                return 127 if err == vfs.NOENT else 126
            src = content
            arg0, params = args[0], args[1:]
        else:
            io.err.write("podscape: this terminal is already a bash shell; a nested interactive shell is not "
                         "simulated (use bash -c '...' or sh -c '...')\n")
            return 1
        saved = self.root, self.dialect, self.line_prefix, self.arg0, self.positional
        self.arg0, self.positional = arg0, list(params)
        outer_vars, outer_exported = self.host.vars, self.host.exported
        # a new bash sees only the environment: exported variables, not the caller's shell variables
        self.host.vars = {k: v for k, v in outer_vars.items() if k in outer_exported or k in LOGIN_ENV}
        self.host.vars.update(assigns or {})
        self.host.exported = list(outer_exported) + [k for k in (assigns or {}) if k not in outer_exported]
        self.root = as_root
        self.dialect = "sh" if argv[0].endswith(("sh", "dash")) and not argv[0].endswith("bash") else "bash"
        self.line_prefix = "line 1: " if self.dialect == "bash" else ""
        try:
            return self.run_nested(src, io)
        finally:
            self.root, self.dialect, self.line_prefix, self.arg0, self.positional = saved
            self.host.vars, self.host.exported = outer_vars, outer_exported

    # ---- redirections ------------------------------------------------------------------------
    def redirect(self, redirs: list[Redir], io: "IO") -> "IO | None":
        if not redirs:
            return io
        io2 = IO(io.stdin, io.out, io.err, tty_out=io.tty_out)
        for r in redirs:
            fd = r.fd if r.fd is not None else (0 if r.op[0] == "<" else 1)
            try:
                if r.heredoc is not None:
                    doc = r.heredoc
                    io2.stdin = doc.body if doc.quoted else \
                        "".join(p.text for p in self.expand_pieces(doc.body, "heredoc"))
                    continue
                if r.op == "<<<":
                    io2.stdin = self.expand_string(r.target) + "\n"
                    continue
                words = self.expand_word(r.target)
                if len(words) != 1:
                    io.err.write(f"bash: {r.target}: ambiguous redirect\n")
                    return None
                target = words[0]
                if r.op in (">&", "<&") and (target.isdigit() or target == "-"):
                    src = {0: None, 1: io2.out, 2: io2.err}.get(int(target)) if target.isdigit() else None
                    if target.isdigit() and int(target) not in (1, 2):
                        io.err.write(f"bash: {target}: Bad file descriptor\n")
                        return None
                    if fd == 1:
                        io2.out = src or NullStream()
                        io2.tty_out = src is self.term
                    elif fd == 2:
                        io2.err = src or NullStream()
                    continue
                if not target:
                    io.err.write(f"bash: : {vfs.NOENT}\n")
                    return None
                path = self.host.abspath(target)
                if r.op == "<":
                    content, err = vfs.read(self.host, path)
                    if err:
                        io.err.write(self.diagnostic(target, err, "open"))
                        return None
                    io2.stdin = content
                    continue
                if r.op == "<>":
                    continue
                err = vfs.check_write(self.host, path, root=self.root)
                if err:
                    io.err.write(self.diagnostic(target, err, "create"))
                    return None
                append = r.op in (">>", "&>>")
                sink: Stream = FileStream(self, path, target)
                if path == "/dev/null":
                    sink = NullStream()
                elif path in ("/dev/stdout", "/dev/tty"):
                    sink = io2.out if path == "/dev/stdout" else self.term
                elif path == "/dev/stderr":
                    sink = io2.err
                else:
                    if not append:
                        vfs.write(self.host, path, "", append=False, root=self.root)
                if r.op in ("&>", "&>>", ">&"):
                    io2.out = io2.err = sink
                    io2.tty_out = False
                elif fd == 1:
                    io2.out = sink
                    io2.tty_out = sink is self.term
                elif fd == 2:
                    io2.err = sink
                elif fd == 0:
                    io2.stdin = ""
            except ShellSyntaxError as exc:
                io.err.write(syntax_message(exc))
                return None
        return io2


class NullStream(Stream):
    def write(self, text: str) -> None:
        charge(len(text))        # the program did the work even if nobody reads it


class FileStream(Stream):
    """Output redirected to a file: each write lands in the file at once (it was truncated on open)."""

    def __init__(self, sh: "Shell", path: str, shown: str):
        super().__init__()
        self.sh, self.path, self.shown = sh, path, shown
        self.root = sh.root
        self.failed = False

    def write(self, text: str) -> None:
        if not text or self.failed:
            return
        charge(len(text))
        err = vfs.write(self.sh.host, self.path, text, append=True, root=self.root)
        if err:
            self.failed = True
            # the writing program reports it, as coreutils do on a full disk
            writer = self.sh.writer
            prefix = "bash: " if writer in ("echo", "printf", "pwd", "history", "type", "alias", "export") else ""
            self.sh.term.write(f"{prefix}{writer}: write error: {err}\n")


SEQ_RE = re.compile(r"(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?|([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?")


def _brace_body(raw: str, open_at: int) -> tuple[int, list[int]] | None:
    """The matching } of the { at open_at, and the top-level commas inside; quotes and $(...) skipped."""
    depth, i, commas = 0, open_at, []
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == "\\":
            i += 2
            continue
        if c in "'\"`":
            i = scan_nested(raw, i + 1, c)
            continue
        if c == "$" and i + 1 < n and raw[i + 1] in "({":
            i = scan_nested(raw, i + 2, ")" if raw[i + 1] == "(" else "}")
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i, commas
        elif c == "," and depth == 1:
            commas.append(i)
        i += 1
    return None


def _sequence(body: str) -> list[str] | None:
    m = SEQ_RE.fullmatch(body)
    if not m:
        return None
    if m.group(1) is not None:
        a, b = int(m.group(1)), int(m.group(2))
        step = abs(int(m.group(3) or 1)) or 1
        width = max(len(m.group(1)), len(m.group(2))) if re.match(r"-?0\d", m.group(1)) or \
            re.match(r"-?0\d", m.group(2)) else 0
        if abs(b - a) // step > MAX_WORDS:
            raise ExpansionError("podscape: brace expansion too large")
        rng = range(a, b + 1, step) if a <= b else range(a, b - 1, -step)
        return [str(x).zfill(width) if width else str(x) for x in rng]
    a, b = ord(m.group(4)), ord(m.group(5))
    step = abs(int(m.group(6) or 1)) or 1
    rng = range(a, b + 1, step) if a <= b else range(a, b - 1, -step)
    return [chr(x) for x in rng]


def brace_expand(raw: str, budget: list[int] | None = None) -> list[str]:
    """{a,b} and {1..5}: bash's first expansion, on the raw word (so quoted braces stay literal)."""
    budget = budget if budget is not None else [MAX_WORDS]
    i, n = 0, len(raw)
    try:
        while i < n:
            c = raw[i]
            if c == "\\":
                i += 2
                continue
            if c in "'\"`":
                i = scan_nested(raw, i + 1, c)
                continue
            if c == "$" and i + 1 < n and raw[i + 1] in "({":
                i = scan_nested(raw, i + 2, ")" if raw[i + 1] == "(" else "}")
                continue
            if c == "{":
                found = _brace_body(raw, i)
                if found:
                    close, commas = found
                    body = raw[i + 1:close]
                    if commas:
                        cuts = [i] + commas + [close]
                        alts = [raw[cuts[k] + 1:cuts[k + 1]] for k in range(len(cuts) - 1)]
                    else:
                        alts = _sequence(body)
                    if alts is not None:
                        out: list[str] = []
                        for alt in alts:
                            budget[0] -= 1
                            if budget[0] < 0:
                                raise ExpansionError("podscape: brace expansion too large")
                            out.extend(brace_expand(raw[:i] + alt + raw[close + 1:], budget))
                        return out
            i += 1
    except ShellSyntaxError:
        return [raw]
    return [raw]


def ifs_split(text: str, ifs: str) -> tuple[list[str], list[bool]]:
    """Field splitting. Returns the chunks between separators and, per separator, whether it holds a
    non-whitespace IFS character: such a separator ends a field even when it is empty ("a,,b" with IFS=,
    is three fields), while runs of IFS whitespace only separate. A trailing separator adds no field."""
    if not ifs:
        return [text], []
    white = "".join(ch for ch in ifs if ch in " \t\n")
    other = "".join(ch for ch in ifs if ch not in " \t\n")
    w = f"[{re.escape(white)}]*" if white else ""
    alternatives = []
    if other:
        alternatives.append(f"{w}[{re.escape(other)}]{w}")
    if white:
        alternatives.append(f"[{re.escape(white)}]+")
    chunks: list[str] = []
    hard: list[bool] = []
    pos = 0
    for m in re.finditer("|".join(alternatives), text):
        if not m.group():
            continue
        chunks.append(text[pos:m.start()])
        hard.append(bool(other) and any(ch in other for ch in m.group()))
        pos = m.end()
    chunks.append(text[pos:])
    if len(chunks) > 1 and chunks[-1] == "" and hard[-1]:
        hard[-1] = False            # "a,b," is two fields, not three
    return chunks, hard


def split_replacement(arg: str) -> tuple[str, str, str]:
    """${v/pat/rep}'s pattern and replacement: the first / not quoted, escaped or inside $(...) or ${...}."""
    i, n = 0, len(arg)
    while i < n:
        c = arg[i]
        if c == "\\":
            i += 2
        elif c == "'":
            end = arg.find("'", i + 1)
            i = n if end < 0 else end + 1
        elif c in "\"`":
            i = scan_nested(arg, i + 1, c)
        elif c == "$" and arg.startswith(("$(", "${"), i):
            i = scan_nested(arg, i + 2, ")" if arg[i + 1] == "(" else "}")
        elif c == "/":
            return arg[:i], "/", arg[i + 1:]
        else:
            i += 1
    return arg, "", ""


# ================================================================================================
# Arithmetic: $(( ))
# ================================================================================================
class Arith:
    TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|\+\+|--|[-+*/%]=|<=|>=|==|!=|&&|\|\||"
                       r"<<|>>|[-+*/%()<>!~&|^?:=#])")
    ASSIGN = ("=", "+=", "-=", "*=", "/=", "%=")

    def __init__(self, expr: str, sh: Shell):
        self.expr = expr
        self.sh = sh
        self.toks: list[str] = []
        pos = 0
        while pos < len(expr):
            m = self.TOKEN.match(expr, pos)
            if not m:
                if expr[pos:].strip() == "":
                    break
                raise ExpansionError(f"bash: {expr}: syntax error: invalid arithmetic operator "
                                     f"(error token is \"{expr[pos:].strip()}\")")
            self.toks.append(m.group(1))
            pos = m.end()
        self.i = 0
        self.depth = 0

    def peek(self) -> str:
        return self.toks[self.i] if self.i < len(self.toks) else ""

    def take(self) -> str:
        t = self.peek()
        self.i += 1
        return t

    def value(self) -> int:
        if not self.toks:
            return 0
        v = self.ternary()
        if self.i < len(self.toks):
            raise ExpansionError(f"bash: {self.expr.strip()}: syntax error in expression (error token is "
                                 f"\"{' '.join(self.toks[self.i:])}\")")
        return v

    def ternary(self) -> int:
        if NAME_RE.fullmatch(self.peek() or "-") and self.i + 1 < len(self.toks) and \
                self.toks[self.i + 1] in self.ASSIGN:
            name = self.take()
            op = self.take()
            rhs = self.ternary()
            value = rhs if op == "=" else self.apply(op[0], self.read(name), rhs)
            self.sh.host.vars[name] = str(value)
            return value
        c = self.binary(0)
        if self.peek() == "?":
            self.take()
            a = self.ternary()
            if self.take() != ":":
                raise ExpansionError(f"bash: {self.expr.strip()}: expected `:' in conditional expression")
            b = self.ternary()
            return a if c else b
        return c

    LEVELS = [("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", ">", "<=", ">="), ("<<", ">>"),
              ("+", "-"), ("*", "/", "%")]

    def binary(self, level: int) -> int:
        if level == len(self.LEVELS):
            return self.power()
        left = self.binary(level + 1)
        while self.peek() in self.LEVELS[level]:
            op = self.take()
            right = self.binary(level + 1)
            left = self.apply(op, left, right)
        return left

    def apply(self, op: str, a: int, b: int) -> int:
        if op in ("/", "%") and b == 0:
            raise ExpansionError(f"bash: {self.expr.strip()}: division by 0 (error token is \"{b}\")")
        if op == "/":
            q = abs(a) // abs(b)
            return q if (a >= 0) == (b >= 0) else -q
        if op == "%":
            r = abs(a) % abs(b)
            return r if a >= 0 else -r
        if op in ("<<", ">>"):
            b = min(max(b, 0), 63)
        res = {"||": lambda: int(bool(a or b)), "&&": lambda: int(bool(a and b)), "|": lambda: a | b,
               "^": lambda: a ^ b, "&": lambda: a & b, "==": lambda: int(a == b), "!=": lambda: int(a != b),
               "<": lambda: int(a < b), ">": lambda: int(a > b), "<=": lambda: int(a <= b),
               ">=": lambda: int(a >= b), "<<": lambda: a << b, ">>": lambda: a >> b, "+": lambda: a + b,
               "-": lambda: a - b, "*": lambda: a * b}[op]()
        return ((res + 2**63) % 2**64) - 2**63        # 64-bit wrap, as bash does

    def power(self) -> int:
        base = self.unary()
        if self.peek() == "**":
            self.take()
            exp = self.power()
            if exp < 0:
                raise ExpansionError(f"bash: {self.expr.strip()}: exponent less than 0 (error token is "
                                     f"\"{exp}\")")
            return ((pow(base, min(exp, 64), 2**64) + 2**63) % 2**64) - 2**63
        return base

    def read(self, name: str) -> int:
        raw = self.sh.var(name) or "0"
        try:
            return int(raw.strip() or "0")
        except ValueError:
            return 0

    def unary(self) -> int:
        t = self.peek()
        if t in ("++", "--") and self.i + 1 < len(self.toks) and NAME_RE.fullmatch(self.toks[self.i + 1]):
            self.take()
            name = self.take()
            value = self.read(name) + (1 if t == "++" else -1)
            self.sh.host.vars[name] = str(value)
            return value
        if t in ("-", "+", "!", "~"):
            self.take()
            self.depth += 1
            if self.depth > 40:
                raise ExpansionError("bash: expression recursion level exceeded")
            v = self.unary()
            return {"-": -v, "+": v, "!": int(not v), "~": ~v}[t]
        return self.primary()

    def primary(self) -> int:
        t = self.take()
        if t == "(":
            self.depth += 1
            if self.depth > 40:
                raise ExpansionError("bash: expression recursion level exceeded")
            v = self.ternary()
            if self.take() != ")":
                raise ExpansionError(f"bash: {self.expr.strip()}: missing `)' (error token is \"{self.expr}\")")
            return v
        if t.isdigit() and self.peek() == "#" and self.i + 1 < len(self.toks):     # base#digits
            digits = self.take() and self.take()
            try:
                return int(digits, int(t))
            except ValueError:
                raise ExpansionError(f"bash: {t}#{digits}: value too great for base (error token is "
                                     f"\"{t}#{digits}\")") from None
        if t.isdigit():
            return int(t, 8) if len(t) > 1 and t.startswith("0") and set(t) <= set("01234567") else int(t)
        if t[:2].lower() == "0x":
            return int(t, 16)
        if t and NAME_RE.fullmatch(t):
            value = self.read(t)
            if self.peek() in ("++", "--"):
                self.sh.host.vars[t] = str(value + (1 if self.take() == "++" else -1))
            return value
        raise ExpansionError(f"bash: {self.expr.strip()}: syntax error: operand expected (error token is "
                             f"\"{t or self.expr.strip()}\")")


# ================================================================================================
# Builtins: commands that change the shell itself
# ================================================================================================
SUDO_USAGE = ("usage: sudo -h | -K | -k | -V\n"
              "usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\n"
              "usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]\n"
              "usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] "
              "[-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]\n"
              "usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] "
              "[-p prompt] [-R directory] [-T timeout] [-u user] file ...\n")

HELP_TEXT = """Podscape playground shell (GNU bash, version 5.2.21(1)-release, simulated)

This terminal is a simulated Ubuntu 24.04 machine running minikube. What works:
  kubectl, minikube, curl, docker      the cluster and the network to it
  echo printf cat ls cd pwd mkdir rmdir touch rm cp mv tee chmod
  grep head tail wc sort uniq tr cut paste tac rev seq xargs base64
  a little awk ('{print $1}') and sed (s/old/new/g), less, watch
  nano and vi (they open the editor pane), sudo, sh -c, bash -c
  test [ ] [[ ]] true false read sleep date whoami id hostname uname ps
  env export unset alias history clear help exit which type time
Shell syntax: quotes, $VAR, ${VAR:-default}, $(...), `...`, $((...)), {a,b} {1..5},
  ~ and * globbing, | ; && || !, > >> < 2> 2>&1 &> heredocs (<<EOF), <<<,
  if/for/while/until, (( )), history expansion (!! !$), aliases (ll, k=kubectl).
Not simulated: shell functions, arrays, job control, sending Ctrl-C to a running command.
Your files live in /home/student and /tmp; /etc/hosts needs sudo (sudo tee -a /etc/hosts).
Keys: Up/Down for history, Tab to complete, Ctrl-L to clear the screen.
"""

Builtin = Callable[[Shell, list, IO], int]
BUILTINS: dict[str, Builtin] = {}


def builtin(*names: str):
    def register(fn: Builtin) -> Builtin:
        for n in names:
            BUILTINS[n] = fn
        return fn
    return register


@builtin("cd")
def _cd(sh: Shell, argv: list[str], io: IO) -> int:
    args = [a for a in argv[1:] if a not in ("-L", "-P", "--")] if len(argv) > 1 else []
    if len(args) > 1:
        io.err.write("bash: cd: too many arguments\n")
        return 1
    target = args[0] if args else sh.var("HOME") or HOME
    if target == "-":
        old = sh.host.vars.get("OLDPWD")
        if not old:
            io.err.write("bash: cd: OLDPWD not set\n")
            return 1
        target = old
        io.out.write(old + "\n")
    if target == "":
        return 0
    path = sh.host.abspath(target)
    if vfs.is_dir(sh.host, path) and vfs.private(path, sh.root):
        io.err.write(f"bash: cd: {target}: Permission denied\n")
        return 1
    if not vfs.is_dir(sh.host, path):
        why = vfs.NOTDIR if path in sh.host.files else vfs.NOENT
        io.err.write(f"bash: cd: {target}: {why}\n")
        return 1
    sh.host.vars["OLDPWD"] = sh.host.cwd
    sh.host.cwd = path
    return 0


@builtin("return")
def _return(sh: Shell, argv: list[str], io: IO) -> int:
    if not sh.in_function:
        io.err.write(f"{'sh: ' if sh.dialect == 'sh' else 'bash: '}{sh.line_prefix}return: can only `return' from a "
                     "function or sourced script\n")
        return 1 if sh.dialect != "sh" else 2
    if len(argv) > 1 and not re.fullmatch(r"-?\d+", argv[1]):
        io.err.write(f"bash: return: {argv[1]}: numeric argument required\n")
        raise FunctionReturn(2)
    raise FunctionReturn(int(argv[1]) % 256 if len(argv) > 1 else sh.status)


@builtin("pwd")
def _pwd(sh: Shell, argv: list[str], io: IO) -> int:
    io.out.write(sh.host.cwd + "\n")
    return 0


def _valid_name(name: str) -> bool:
    return bool(NAME_RE.fullmatch(name))


@builtin("export", "declare", "typeset", "local", "readonly")
def _export(sh: Shell, argv: list[str], io: IO) -> int:
    flags = "".join(a[1:] for a in argv[1:] if re.fullmatch(r"-[a-zA-Z]+", a))
    args = [a for a in argv[1:] if not re.fullmatch(r"-[a-zA-Z]+", a)]
    export = argv[0] == "export" or "x" in flags
    unexport = argv[0] == "export" and "n" in flags
    exported = sh.host.exported
    if not args:
        if export or argv[0] == "export":
            env = sh.env()
            for k in sorted(set(env) | set(exported)):
                if not _valid_name(k):
                    continue
                if k not in env:
                    io.out.write(f"declare -x {k}\n")
                    continue
                escaped = env[k].replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
                io.out.write(f'declare -x {k}="{escaped}"\n')
        else:
            for k in sorted(sh.host.vars):
                io.out.write(variable_line(sh, k))
        return 0
    status = 0
    for a in args:
        name, eq, value = a.partition("=")
        if not _valid_name(name):
            io.err.write(f"bash: {argv[0]}: `{a}': not a valid identifier\n")
            status = 1
            continue
        if eq:
            sh.assign(name, value)
        if unexport:
            if name in exported:
                exported.remove(name)
        elif export and name not in exported:
            exported.append(name)
    return status


def variable_line(sh: Shell, name: str) -> str:
    """A variable as `set` lists it; BASH_REMATCH as the array it is."""
    if name == "BASH_REMATCH":
        items = " ".join(f'[{k}]="{_dq(v)}"' for k, v in enumerate(sh.elements(name)))
        return f"{name}=({items})\n"
    return f"{name}={sh.host.vars[name]}\n"


def _dq(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")


@builtin("unset")
def _unset(sh: Shell, argv: list[str], io: IO) -> int:
    status = 0
    for a in argv[1:]:
        if a in ("-v", "-f"):
            continue
        if not _valid_name(a):
            io.err.write(f"bash: unset: `{a}': not a valid identifier\n")
            status = 1
            continue
        sh.host.vars.pop(a, None)
        if a in sh.host.exported:
            sh.host.exported.remove(a)
    return status


@builtin("history")
def _history(sh: Shell, argv: list[str], io: IO) -> int:
    hist = sh.host.history
    args = argv[1:]
    if args and args[0] == "-c":
        hist.clear()
        return 0
    start = 0
    if args:
        if not args[0].isdigit():
            io.err.write(f"bash: history: {args[0]}: numeric argument required\n")
            return 1
        start = max(0, len(hist) - int(args[0]))
    for k in range(start, len(hist)):
        io.out.write(f"{k + 1:5d}  {hist[k]}\n")
    return 0


@builtin("clear")
def _clear(sh: Shell, argv: list[str], io: IO) -> int:
    sh.engine.clear = True
    return 0


@builtin("help")
def _help(sh: Shell, argv: list[str], io: IO) -> int:
    io.out.write(HELP_TEXT)
    return 0


@builtin("exit", "logout")
def _exit(sh: Shell, argv: list[str], io: IO) -> int:
    code = sh.status
    if len(argv) > 1:
        if not re.fullmatch(r"-?\d+", argv[1]):
            io.err.write(f"bash: exit: {argv[1]}: numeric argument required\n")
            code = 2
        else:
            code = int(argv[1]) % 256
    raise ExitShell(code)


TEST_UNARY = {"-z", "-n", "-f", "-d", "-e", "-s", "-r", "-w", "-x", "-a", "-L", "-h", "-v"}
TEST_BINARY = {"==", "=", "!=", "=~", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot"}


def TEST_UNARY_FN(sh: Shell, op: str, arg: str) -> bool:
    host = sh.host
    path = host.abspath(arg) if arg else ""
    if op == "-z":
        return arg == ""
    if op == "-n":
        return arg != ""
    if op == "-v":
        return sh.var(arg) is not None
    if not arg:
        return False
    return {"-f": path in host.files, "-d": vfs.is_dir(host, path), "-e": vfs.exists(host, path),
            "-a": vfs.exists(host, path), "-s": bool(host.files.get(path)) or vfs.is_dir(host, path),
            "-r": vfs.exists(host, path), "-w": vfs.exists(host, path) and vfs.writable(path, sh.root),
            "-x": vfs.is_dir(host, path)}.get(op, False)


@builtin("let")
def _let(sh: Shell, argv: list[str], io: IO) -> int:
    if len(argv) < 2:
        io.err.write("bash: let: expression expected\n")
        return 1
    value = 0
    for expr in argv[1:]:
        value = int(Arith(expr, sh).value())
    return 0 if value != 0 else 1


@builtin("time")
def _time(sh: Shell, argv: list[str], io: IO) -> int:
    """bash's `time`: the command's own output, then the timings on stderr (simulated: a few ms)."""
    status = sh.run_argv(argv[1:], io) if len(argv) > 1 else 0
    io.err.write("\nreal\t0m0.004s\nuser\t0m0.002s\nsys\t0m0.001s\n")
    return status


@builtin("read")
def _read(sh: Shell, argv: list[str], io: IO) -> int:
    """Reads one line of the command's input; `while read line` loops consume it line by line."""
    args = argv[1:]
    raw = False
    names: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-p", "-t", "-n", "-N", "-d", "-u", "-a") and k + 1 < len(args):
            if a == "-p" and io.stdin is None:
                io.err.write(args[k + 1] + "\n")     # nobody can type an answer: it reads end-of-file
            k += 2
            continue
        if re.fullmatch(r"-[rse]+", a):
            raw = raw or "r" in a
        elif a.startswith("-"):
            io.err.write(f"bash: read: {a}: invalid option\nread: usage: read [-ers] [-a array] [-d delim] "
                         f"[-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n")
            return 2
        else:
            if not _valid_name(a):
                io.err.write(f"bash: read: `{a}': not a valid identifier\n")
                return 1
            names.append(a)
        k += 1
    text = io.stdin or ""
    if not text:
        for name in names or ["REPLY"]:
            sh.host.vars[name] = ""
        return 1
    line, sep, rest = text.partition("\n")
    while not raw and line.endswith("\\") and sep:       # backslash-newline joins lines
        more, sep, rest = rest.partition("\n")
        line = line[:-1] + more
    io.stdin = rest
    if not raw:
        line = re.sub(r"\\(.)", r"\1", line)
    if not names:
        sh.assign("REPLY", line)
    else:
        ifs = sh.host.vars.get("IFS", " \t\n")
        stripped = line.strip(ifs) if ifs else line
        parts = [stripped] if len(names) == 1 or not ifs else \
            re.split(f"[{re.escape(ifs)}]+", stripped, maxsplit=len(names) - 1)
        for j, name in enumerate(names):
            sh.assign(name, parts[j] if j < len(parts) else "")
    return 0 if sep else 1


@builtin("true", ":")
def _true(sh: Shell, argv: list[str], io: IO) -> int:
    return 0


@builtin("false")
def _false(sh: Shell, argv: list[str], io: IO) -> int:
    return 1


@builtin("break", "continue")
def _loop(sh: Shell, argv: list[str], io: IO) -> int:
    n = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() and int(argv[1]) > 0 else 1
    raise LoopControl(argv[0], n)


@builtin("type", "which", "command")
def _type(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if argv[0] == "command":
        if args and args[0] in ("-v", "-V"):
            args = args[1:]
        elif args:
            return sh.run_argv(args, io, builtins=True)
        else:
            return 0
    status = 0
    for name in [a for a in args if not a.startswith("-")]:
        if argv[0] == "type" and name in sh.aliases():
            io.out.write(f"{name} is aliased to `{sh.aliases()[name]}'\n")
        elif name in BUILTINS and argv[0] != "which":
            io.out.write(f"{name} is a shell builtin\n" if argv[0] == "type" else f"{name}\n")
        elif name in PROGRAMS or name == "sudo":
            where = "/usr/local/bin" if name in ("kubectl", "minikube") else "/usr/bin"
            io.out.write(f"{name} is {where}/{name}\n" if argv[0] == "type" else f"{where}/{name}\n")
        else:
            if argv[0] == "type":
                io.err.write(f"bash: type: {name}: not found\n")
            status = 1
    return status


def _alias_line(name: str, value: str) -> str:
    return f"alias {name}='" + value.replace("'", "'\\''") + "'\n"


@builtin("alias")
def _alias(sh: Shell, argv: list[str], io: IO) -> int:
    table = sh.aliases()
    args = [a for a in argv[1:] if a != "-p"]
    if not args:
        io.out.write("".join(_alias_line(k, v) for k, v in sorted(table.items())))
        return 0
    status = 0
    for a in args:
        name, eq, value = a.partition("=")
        if eq:
            if not name or any(ch in name for ch in " \t\n/$`=|&;()<>'\""):
                io.err.write(f"bash: alias: `{name}': invalid alias name\n")
                status = 1
                continue
            if name not in sh.host.aliases and len(sh.host.aliases) >= 200:
                io.err.write(f"podscape: alias: {name}: too many aliases (the limit is 200)\n")
                status = 1
                continue
            sh.host.aliases[name] = value
        elif name in table:
            io.out.write(_alias_line(name, table[name]))
        else:
            io.err.write(f"bash: alias: {name}: not found\n")
            status = 1
    return status


@builtin("unalias")
def _unalias(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if not args:
        io.err.write("unalias: usage: unalias [-a] name [name ...]\n")
        return 2
    if args[0] == "-a":
        sh.host.aliases = {k: None for k in UBUNTU_ALIASES}
        return 0
    status = 0
    for name in args:
        if name not in sh.aliases():
            io.err.write(f"bash: unalias: {name}: not found\n")
            status = 1
        elif name in UBUNTU_ALIASES:
            sh.host.aliases[name] = None
        else:
            sh.host.aliases.pop(name, None)
    return status


@builtin("set")
def _set(sh: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    if not args:
        for k in sorted(sh.host.vars):
            io.out.write(variable_line(sh, k))
        return 0
    if args[0] == "--":
        sh.positional = args[1:]
    elif not args[0].startswith(("-", "+")):
        sh.positional = args
    return 0        # options (-e, -x, -o pipefail) are accepted and not modelled


@builtin("shift")
def _shift(sh: Shell, argv: list[str], io: IO) -> int:
    n = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    if n > len(sh.positional):
        return 1
    sh.positional = sh.positional[n:]
    return 0


@builtin("shopt", "hash", "ulimit", "umask", "trap", "complete", "compopt")
def _accepted(sh: Shell, argv: list[str], io: IO) -> int:
    """Accepted quietly: they change nothing a learner can observe here."""
    return 0


@builtin("source", ".", "eval")
def _source(sh: Shell, argv: list[str], io: IO) -> int:
    if argv[0] == "eval":
        return sh.run_nested(" ".join(argv[1:]), io) if len(argv) > 1 else 0
    if len(argv) < 2:
        io.err.write(f"bash: {argv[0]}: filename argument required\n"
                     f"{argv[0]}: usage: {argv[0]} filename [arguments]\n")
        return 2
    content, err = vfs.read(sh.host, sh.host.abspath(argv[1]))
    if err:
        io.err.write(f"bash: {argv[1]}: {err}\n")
        return 1
    return sh.run_nested(content, io)


# ================================================================================================
# History expansion: !! !n !-n !string !$ !^ !* and :N designators, as an interactive bash does
# ================================================================================================
class EventNotFound(Exception):
    pass


EVENT_RE = re.compile(r"!(!|-?\d+|\?[^?\n]*\??|[^\s!:$^*=()\"'|;&<>0-9-][^\s:;&|<>()\"']*|[$^*]|#)")


def _history_words(cmd: str) -> list[str]:
    try:
        toks = Lexer(cmd).tokens()
    except ShellSyntaxError:
        return cmd.split()
    return [t.text for t in toks if t.kind in ("word", "op", "redir")]


def history_expand(line: str, history: list[str]) -> str:
    """Expand history events outside single quotes; raises EventNotFound("!x")."""
    if "!" not in line:
        return line
    out: list[str] = []
    i, n = 0, len(line)
    in_single = in_double = False
    while i < n:
        c = line[i]
        if c == "\\" and i + 1 < n and not in_single:
            out.append(line[i:i + 2])
            i += 2
            continue
        if c == "'" and not in_double:
            in_single = not in_single
        elif c == '"':
            in_double = not in_double
        if c != "!" or in_single or i + 1 >= n or line[i + 1] in " \t\n=(" or \
                (in_double and line[i + 1] == '"'):
            out.append(c)
            i += 1
            continue
        m = EVENT_RE.match(line, i)
        if not m:
            out.append(c)
            i += 1
            continue
        ev = m.group(1)
        if ev == "#":
            out.append("".join(out))
            i = m.end()
            continue
        designator = None
        if ev in ("$", "^", "*"):
            cmd, designator = (history[-1] if history else None), ev
        elif ev == "!":
            cmd = history[-1] if history else None
        elif re.fullmatch(r"-?\d+", ev):
            k = int(ev)
            idx = k - 1 if k > 0 else len(history) + k
            cmd = history[idx] if 0 <= idx < len(history) else None
        elif ev.startswith("?"):
            needle = ev.strip("?")
            cmd = next((h for h in reversed(history) if needle in h), None)
        else:
            cmd = next((h for h in reversed(history) if h.startswith(ev)), None)
        if cmd is None:
            raise EventNotFound(m.group(0))
        end = m.end()
        if designator is None:
            dm = re.match(r":(\d+|\$|\^|\*)", line[end:])
            if dm:
                designator = dm.group(1)
                end += dm.end()
        if designator is not None:
            words = _history_words(cmd)
            if designator == "$":
                cmd = words[-1] if words else ""
            elif designator == "^":
                cmd = words[1] if len(words) > 1 else ""
            elif designator == "*":
                cmd = " ".join(words[1:])
            else:
                k = int(designator)
                if k >= len(words):
                    raise EventNotFound(line[i:end])
                cmd = words[k]
        out.append(cmd)
        i = end
    return "".join(out)


# ================================================================================================
# Entry point
# ================================================================================================
def run_line(engine: Engine, line: str, term: Stream) -> int:
    load_all()
    host = engine.host
    if host.shell_stack and POD_SHELL is not None:
        return POD_SHELL(engine, line, term)
    if "!" in line:
        try:
            expanded = history_expand(line, host.history)
        except EventNotFound as exc:
            term.write(f"bash: {exc}: event not found\n")
            return host.last_exit
        if len(expanded) > MAX_LINE:             # `echo !! !!` doubles each time: keep lines bounded
            term.write(f"podscape: command line too long after history expansion ({len(expanded)} characters; "
                       f"the limit is {MAX_LINE})\n")
            return 2
        if expanded != line:
            term.write(expanded + "\n")       # bash shows the command it is about to run
            line = expanded
    if line.strip():
        host.history.append(line.rstrip("\n"))
        del host.history[:-HISTORY_CAP]
    sh = Shell(engine, term)
    sh.current_err = term
    sh.jobs_ok = True               # the learner's own line: its commands may become jobs (jobs.py)
    try:
        return run_script(sh, line, term)
    finally:
        for path in sh.temp_files:
            host.files.pop(path, None)


def jobs_slot() -> dict | None:
    return spawn_slot.get()


def node_text(node) -> str:
    """A job's command text for `jobs` when it is not a simple command (a pipeline, a list)."""
    try:
        return " | ".join(" ".join(c.words) for c in node.first.cmds if isinstance(c, Simple))
    except AttributeError:
        return ""


def run_script(sh: Shell, line: str, term: Stream) -> int:
    """Parse and run one line or script in `sh` (the learner's shell or a container's), at its top level."""
    host = sh.host
    try:
        tree, warnings = parse(line)
    except ShellSyntaxError as exc:
        term.write(sh.syntax_error(exc))
        return exc.status
    except RecursionError:
        term.write("podscape: input nested too deeply\n")
        return 2
    for w in warnings:
        term.write(w + "\n")
    if not tree.items:
        return host.last_exit
    if getattr(sh, "jobs_ok", False):
        sh.top_seq = tree
    try:
        return sh.run_seq(tree, IO(None, term, term, tty_out=sh.tty))
    except ExitShell as stop:
        return sh.exit_shell(stop, term)
    except Abort as stop:
        if stop.message:
            term.write(stop.message + "\n")
        return stop.status
    except LoopControl:
        return 0
    except ExpansionError as exc:
        term.write(str(exc) + "\n")
        return exc.status
    except RecursionError:
        term.write("podscape: input nested too deeply\n")
        return 2


from .jobbuiltins import JOB_BUILTINS  # noqa: E402  (jobs, fg, bg, kill, wait, over jobs.py's job table)

BUILTINS.update(JOB_BUILTINS)
