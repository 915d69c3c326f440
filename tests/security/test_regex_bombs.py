"""Regex bombs (issue 7, "Hostile input"): every regular expression a learner supplies -- an ingress-nginx
use-regex path, grep -E/-G/-P, sed, awk -- finishes with the answer or the error the real tool gives, and
leaves the sandbox unchanged and usable.

What the real tools do, and so what the learner must see:
  - GNU grep -E/-G, sed and awk match with automata: `(a+)+$` against forty a's and a "!" is an instant
    "no match". Where the real tool is on this machine (tests.sim.oracle_bash), its answer is compared too.
  - grep -P runs PCRE2 with its match limit: "grep: FILE: exceeded PCRE's backtracking limit", status 2.
  - ingress-nginx puts the path in `location ~* "^<path>"`; nginx's PCRE hits the same limit, logs an
    [alert] "pcre_exec() failed: -8 ..." and answers 500.
  - Where the playground stops first (its CPU budget, not the tool's), it says so with a "podscape:" line.
No timed asserts: the CPU each vector took is printed (pytest -s shows it; tests/bench/bench_regex_bombs.py
prints a table).
"""
from __future__ import annotations

import re
import time

import pytest

from playground.sim import saferegex
from playground.sim.engine import Engine
from playground.sim.host import HOME
from tests.sim.oracle_bash import BASH, real

T0 = 1_800_000_000.0
A40 = "a" * 40
STOPPED = "podscape: the playground stopped this regular expression: it backtracks more than the playground allows"


class Box:
    """One learner's engine with its own clock, as the web service drives it."""

    def __init__(self, seed: int = 3):
        self.engine = Engine.new(seed=seed, now=T0)
        self.now = T0

    def run(self, line: str, advance: float = 1):
        self.now += advance
        t = time.thread_time()
        result = self.engine.run(line, now=self.now)
        self.cpu_ms = (time.thread_time() - t) * 1000
        return result

    def put(self, name: str, content: str) -> None:
        self.engine.host.files[f"{HOME}/{name}"] = content

    def snapshot(self) -> tuple:
        state = self.engine.to_state()
        objects = {kind: sorted(items) for kind, items in state["cluster"]["objects"].items() if kind != "events"}
        return objects, dict(self.engine.host.files)

    def still_usable(self) -> None:
        r = self.run("kubectl get nodes")
        assert r.exit_code == 0 and r.output.startswith("NAME       STATUS   ROLES"), r.output
        r = self.run("echo abc | grep -E 'a(b|c)+'")
        assert (r.output, r.exit_code) == ("abc\n", 0)


@pytest.fixture
def box():
    b = Box()
    b.run("true")           # the first command loads the programs
    return b


def bomb(box: Box, line: str):
    before = box.snapshot()
    r = box.run(line)
    print(f"{box.cpu_ms:7.1f} ms CPU  {line[:90]}")
    assert box.snapshot() == before
    box.still_usable()
    return r


# ---- the POSIX tools: the real answer, at once -----------------------------------------------------------
POSIX = [
    # (script, what the learner sees)
    (f"echo {A40}! | grep -E '(a+)+$'; echo $?", "1\n"),
    (f"echo {A40}! | grep -c '\\(a*\\)*$'; echo $?", "1\n0\n"),
    (f"echo {A40} | grep -E '(a|aa)*b'; echo $?", "1\n"),
    (f"echo {A40}b | grep -oE '(.*a){{20}}'", f"{A40}\n"),
    (f"echo {'aa ' * 300}! | grep -cE '^(\\w+\\s?)+$'; echo $?", "0\n1\n"),
    (f"echo {'1,' * 2000} | grep -cE '(.*,){{11}}P'; echo $?", "0\n1\n"),
    (f"echo {A40} | grep -wE '(a|aa)+b'; echo $?", "1\n"),
    (f"echo {A40}! | sed -E 's/(a+)+$/X/'", f"{A40}!\n"),
    (f"echo {A40}! | sed -E 's/(a|aa)*!/X/'", "X\n"),
    (f"echo {A40} | sed 's/\\(a*\\)*b/X/'", f"{A40}\n"),
    (f"echo {A40}! | awk '/(a+)+$/'; echo $?", "0\n"),
    (f"echo {A40}! | awk '/(a+)+!$/ {{print \"hit\"}}'", "hit\n"),
    (f"echo {A40} | grep -E '(a|aa)*\\1b'; echo $?", "1\n"),        # a back-reference: GNU's DFA rules it out
]


# ---- grep -P: PCRE's own limit, in grep's words ---------------------------------------------------------
PERL = [
    (f"echo {A40}! | grep -P '(a+)+$'; echo $?",
     "grep: (standard input): exceeded PCRE's backtracking limit\n2\n"),
    (f"echo {A40}! | grep -cP '^(\\w+\\s?)*$'; echo $?",
     "grep: (standard input): exceeded PCRE's backtracking limit\n2\n"),
    (f"echo {A40} | grep -P '(a|aa)*b'; echo $?", "1\n"),               # PCRE sees no "b": no backtracking
    (f"echo {A40} | grep -cP '(.*a){{20}}'", "1\n"),
    ("echo abc | grep -P '(a'; echo $?", "grep: missing closing parenthesis\n2\n"),
    ("echo abc | grep -P -e a -e b; echo $?", "grep: the -P option only supports a single pattern\n2\n"),
]


@pytest.mark.parametrize("script,expected", POSIX + PERL, ids=[s[:60] for s, _ in POSIX + PERL])
def test_bombs_get_the_real_tools_answer_or_error(box, script, expected):
    r = bomb(box, script)
    assert r.output == expected
    if BASH is not None:
        assert real(script)[0] == expected


def test_grep_p_prints_the_lines_before_the_bomb_then_dies(box):
    box.put("mixed.txt", f"x\n{A40}!\ny\n")
    r = bomb(box, "grep -P 'x|(a+)+$|y' mixed.txt; echo $?")
    # on a terminal (line-buffered) "x" comes first; grep dies before reading "y"
    assert r.output == "x\ngrep: mixed.txt: exceeded PCRE's backtracking limit\n2\n"


def test_a_bomb_just_under_pcres_limit_at_every_position_meets_the_playgrounds_budget(box):
    # 400 runs of 20 a's: each start position stays under PCRE's limit, so the real grep works on for a
    # second or more; the playground stops after its budget and says so
    box.put("runs.txt", ("a" * 20 + "!") * 400 + "\n")
    r = bomb(box, "grep -cP '(a+)+$' runs.txt; echo $?")
    assert r.output == f"grep: runs.txt: {STOPPED}\n2\n"


def test_a_back_reference_bomb_gnu_would_finish_is_stopped_plainly(box):
    box.put("runs.txt", ("a" * 30 + "!\n") * 50)
    r = bomb(box, "grep -cE '(a+)+\\1$' runs.txt; echo $?")
    assert r.output == f"grep: runs.txt: {STOPPED}\n2\n"


def test_sed_in_place_that_is_stopped_leaves_the_file_alone(box):
    box.put("runs.txt", ("a" * 30 + "!\n") * 3)
    r = bomb(box, "sed -i -E 's/(a+)+\\1$/X/' runs.txt; echo $?; cat runs.txt")
    assert r.output == f"sed: {STOPPED}\n4\n" + ("a" * 30 + "!\n") * 3


def test_awk_field_separator_regex_is_safe(box):
    r = bomb(box, f"echo {A40}! | awk -F'(a+)+!' '{{print NF}}'")
    assert r.output == "2\n"


# ---- ingress-nginx use-regex paths ---------------------------------------------------------------------
def rule(host: str, path: str) -> str:
    return (f"  - host: {host}\n    http:\n      paths:\n      - path: \"{path}\"\n"
            "        pathType: ImplementationSpecific\n"
            "        backend:\n          service:\n            name: web\n            port:\n              number: 80\n")


INGRESS = ("cat > bomb.yaml <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: bomb\n"
           "  annotations:\n    nginx.ingress.kubernetes.io/use-regex: \"true\"\nspec:\n  ingressClassName: nginx\n"
           "  rules:\n" + rule("bomb.test", "/(a+)+$") + rule("positions.test", "/x|(a+)+$") + "EOF")
NGINX_500 = ("<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
             "<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n"
             "</html>\r\n")


@pytest.fixture(scope="module")
def ingress_box():
    b = Box(seed=5)
    for line in ["minikube addons enable ingress", "kubectl create deployment web --image=nginx",
                 "kubectl expose deployment web --port=80"]:
        assert b.run(line).exit_code == 0
    b.run("true", advance=120)          # the controller and web pods start
    assert b.run(INGRESS).exit_code == 0
    r = b.run("kubectl apply -f bomb.yaml")
    assert r.output == "ingress.networking.k8s.io/bomb created\n"
    return b


def curl(b: Box, path: str, flags: str = "-s", host: str = "bomb.test"):
    return b.run(f"curl {flags} -H 'Host: {host}' 'http://192.168.49.2{path}'")     # $(minikube ip)


def test_ingress_regex_path_bomb_is_nginxs_500_and_an_alert_in_the_controller_log(ingress_box):
    b = ingress_box
    before = b.snapshot()
    uri = f"/{A40}!"
    r = curl(b, uri)
    print(f"{b.cpu_ms:7.1f} ms CPU  curl {uri}")
    assert (r.output, r.exit_code) == (NGINX_500, 0)
    head = curl(b, uri, "-sI").output
    assert head.startswith("HTTP/1.1 500 Internal Server Error\r\n")
    logs = b.run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller --tail=2").output.splitlines()
    stamp, alert = logs[0][:19], logs[0][20:]
    assert re.fullmatch(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d", stamp)
    assert re.fullmatch(r'\[alert\] 27#27: \*\d+ pcre_exec\(\) failed: -8 on "(.*)" using "\^/\(a\+\)\+\$", '
                        r'client: 192\.168\.49\.1, server: bomb\.test, request: "HEAD (.*) HTTP/1\.1", '
                        r'host: "bomb\.test"', alert).groups() == (uri, uri)
    assert f'"HEAD {uri} HTTP/1.1" 500 0 "-" "curl/8.5.0"' in logs[1] and " [-] [] - - - - " in logs[1]
    assert b.snapshot() == before
    # the same Ingress still routes what its regexes match, and the rest falls through to the 404
    assert "<title>404 Not Found</title>" in curl(b, "/aaaa").output          # web's nginx: no /aaaa there
    assert "<title>404 Not Found</title>" in curl(b, "/b").output             # the controller's own 404
    b.still_usable()


def test_ingress_regex_the_playground_cannot_finish_says_so(ingress_box):
    b = ingress_box
    uri = "/" + ("a" * 20 + "!") * 400          # under PCRE's limit at each of 8,400 start positions
    r = curl(b, uri, host="positions.test")
    print(f"{b.cpu_ms:7.1f} ms CPU  curl /(a*20!)*400")
    assert r.output == ('podscape: the playground stopped matching the regex path "^/x|(a+)+$" of Ingress '
                        f'default/bomb against "{uri}": it backtracks more than the playground allows '
                        "(ingress-nginx's PCRE would go on trying each start position up to its match limit)\n")
    assert "500 Internal Server Error" in curl(b, uri, "-sI", host="positions.test").output
    b.still_usable()


# ---- the engine's building block -----------------------------------------------------------------------
def test_saferegex_gives_pcres_answers_and_bounds_the_rest():
    assert saferegex.pcre("(a|aa)*b").search(A40) is None
    with pytest.raises(saferegex.PcreError, match="exceeded PCRE's backtracking limit"):
        saferegex.pcre("(a+)+$").search(A40 + "!")
    with pytest.raises(saferegex.TooCostly):
        saferegex.pcre("(a+)+$").search(("a" * 20 + "!") * 400)
    assert saferegex.posix(r"(a+)+$").search(A40 + "!") is None
    assert [m.group() for m in saferegex.posix(r"(a)\1", word=True).finditer("aa aaa aa")] == ["aa", "aa"]


# ---- through the web service -----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("line,expected", [
    (f"echo {A40}! | grep -E '(a+)+$'; echo $?", "1\n"),
    (f"echo {A40}! | grep -P '(a+)+$'; echo $?", "grep: (standard input): exceeded PCRE's backtracking limit\n2\n"),
    (f"echo {A40}! | sed -E 's/(a|aa)+$/X/'", f"{A40}!\n"),
], ids=["grep -E", "grep -P", "sed -E"])
def test_bombs_through_run_command(alice, line, expected):
    from playground import services
    from playground.models import Sandbox

    sandbox = services.create_sandbox(alice, "bombs")
    services.run_command(sandbox.pk, alice, "kubectl get nodes")
    state = Sandbox.objects.get(pk=sandbox.pk).state
    before = {k: sorted(v) for k, v in state["cluster"]["objects"].items() if k != "events"}
    t = time.thread_time()
    result = services.run_command(sandbox.pk, alice, line)
    print(f"{(time.thread_time() - t) * 1000:7.1f} ms CPU  run_command {line[:60]}")
    assert result["output"] == expected
    state = Sandbox.objects.get(pk=sandbox.pk).state
    assert {k: sorted(v) for k, v in state["cluster"]["objects"].items() if k != "events"} == before
    r = services.run_command(sandbox.pk, alice, "kubectl get nodes")
    assert r["exit_code"] == 0 and r["output"].startswith("NAME       STATUS   ROLES")


# ---- the shell's own matching: [[ =~ ]], bash's patterns, case ------------------------------------------
# bash's =~ is glibc's regexec, an automaton: `(a+)+$` is an instant "no match", as for grep -E. Its patterns
# (${v%%pat}, [[ == ]], case) never backtrack catastrophically in bash either. The playground answers each
# with one RE2 search; a pattern with thousands of elements against a long value (where RE2's DFA gives up
# and its NFA would take seconds) is refused with a "podscape:" line.
A400 = "a" * 400
SHELL = [
    (f"[[ {A40}! =~ (a+)+$ ]]; echo $?", "1\n"),
    (f"re='(a+)+$'; s={A40}!; [[ $s =~ $re ]]; echo $?", "1\n"),
    (f"re='^(a|aa)*$'; [[ {A40}! =~ $re ]]; echo $? \"[$BASH_REMATCH]\"", "1 []\n"),
    (f"[[ {A40}b =~ ^((a|aa)*)b$ ]]; echo $? ${{#BASH_REMATCH[1]}}", "0 40\n"),
    (f"v={A400}; echo ${{#v}} ${{v%%*a*a*b}} | wc -c", "405\n"),
    (f"v={A400}; echo ${{v##*a*a*b}} ${{v%*a*a*b}} ${{v#*a*a*b}} | wc -c", "1203\n"),
    (f"v={A400}; echo ${{v/*a*a*b/x}} ${{v//*a*a*b/x}} | wc -c", "802\n"),
    (f"v={A400}; [[ $v == *a*a*a*a*a*a*a*a*b ]]; echo $?", "1\n"),
    (f"v={A400}; case $v in *a*a*a*a*a*a*a*a*b) echo b;; *a) echo a;; esac", "a\n"),
]


@pytest.mark.parametrize("script,expected", SHELL, ids=[s[:60] for s, _ in SHELL])
def test_shell_regex_and_pattern_bombs_get_bashs_answer(box, script, expected):
    r = bomb(box, script)
    assert r.output == expected
    if BASH is not None:
        assert real(script)[0] == expected


def test_pattern_bombs_on_the_longest_value(box):
    box.run("v=$(printf 'a%.0s' {1..2000}); v=$v$v$v$v$v$v$v$v$v$v; v=$v$v$v$v$v")      # 100,000 a's
    r = bomb(box, "echo ${#v}; echo ${v%%*a*a*b} ${v%*a*a*b} ${v#*a*a*b} ${v##*a*a*b} ${v/*a*a*b/x} | wc -c; "
                  "[[ $v == *a*a*a*a*a*a*a*a*b ]]; echo $?; case $v in *a*a*a*b) echo b;; *) echo other;; esac")
    assert r.output == "100000\n500005\n1\nother\n"
    r = bomb(box, "echo ${v//a/b} | tr -d b | wc -c; echo ${v//?/c} | tr -d c | wc -c")
    assert r.output == "1\n1\n"


def test_a_pattern_of_thousands_of_stars_against_a_long_value_is_refused(box):
    box.run("v=$(printf 'a%.0s' {1..2000}); v=$v$v$v$v$v$v$v$v$v$v; v=$v$v$v$v$v")
    box.run("p=${v:0:3000}; p=${p//a/*a}b")          # *a*a*a...*ab: 6,001 elements
    r = bomb(box, "[[ $v == $p ]]; echo $?")
    assert r.output == ("podscape: the playground stopped matching a pattern of 6001 elements against 100000 "
                        "characters: more work than the playground allows\n")
    r = bomb(box, "echo ${v%$p} | wc -c; echo after")
    assert r.output.startswith("podscape: the playground stopped matching a pattern of 6001 elements")
    # a short value with the same pattern is answered
    r = bomb(box, "w=${v:0:100}; [[ $w == $p ]]; echo $?")
    assert r.output == "1\n"


def test_a_back_reference_in_an_ere_that_backtracks_is_stopped_plainly(box):
    # glibc's matcher falls back to backtracking for back-references too; the playground's budget stops it
    r = bomb(box, f"re='(a+)+\\1$'; [[ {A40}{A40}! =~ $re ]]; echo $?")
    assert r.output == f"{STOPPED}\n"
    r = bomb(box, f"re='^(a|aa)+\\1b'; [[ {A40} =~ $re ]]; echo $?")      # no "b": ruled out without backtracking
    assert r.output == "1\n"


def test_a_repeat_beyond_re2_on_pcres_interpreter_is_stopped_within_the_budget(box):
    # (a|aa){1,2000}: RE2 allows 1,000 repeats; PCRE2's JIT runs out of stack, and its interpreter spends
    # microseconds a step here (PCRE's match limit alone would let one start position run a minute)
    box.put("as.txt", "a" * 5000 + "!\n")
    r = bomb(box, "grep -cE '(a|aa){1,2000}$' as.txt; echo $?")
    assert r.output == f"grep: as.txt: {STOPPED}\n2\n"
    r = bomb(box, "s=$(cat as.txt); re='(a|aa){1,2000}$'; [[ $s =~ $re ]]; echo $?")
    assert r.output == f"{STOPPED}\n"


def test_pathname_patterns_are_linear_too(box):
    box.put("a" * 250, "")
    r = bomb(box, "ls *a*a*a*a*a*a*a*a*a*a*a*a*b 2>&1; ls *a*a*a*a*a*a*a*a*a*a*a*a | wc -c")
    assert r.output == "ls: cannot access '*a*a*a*a*a*a*a*a*a*a*a*a*b': No such file or directory\n251\n"


# ---- resource.Quantity in a manifest ---------------------------------------------------------------------
QUANTITY_ERROR = ("quantities must match the regular expression "
                  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


def put_quantity(box: Box, quantity: str) -> None:
    box.put("q.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\nspec:\n  containers:\n  - name: a\n"
                      f"    image: nginx\n    resources:\n      limits:\n        cpu: \"{quantity}\"\n")


SUFFIX_ERROR = "unable to parse quantity's suffix"


# An exponent past int64 is apimachinery's suffix error; one past int32 (1e2147483648) wraps round in
# kubectl v1.35 and it never returns: the playground refuses it with the suffix error instead.
@pytest.mark.parametrize("quantity, error", [("0" * 20000 + "!", QUANTITY_ERROR), ("1" * 200000 + "x", QUANTITY_ERROR),
                                             ("1." * 50000 + "Ki", QUANTITY_ERROR), ("1e2147483648", SUFFIX_ERROR),
                                             ("1e" + "9" * 5000, SUFFIX_ERROR)], ids=range(5))
def test_a_long_malformed_quantity_is_refused_at_once(box, quantity, error):
    put_quantity(box, quantity)
    r = bomb(box, "kubectl apply -f q.yaml")
    assert r.output == ('Error from server (BadRequest): error when creating "q.yaml": Pod in version "v1" cannot '
                        f"be handled as a Pod: {error}\n")


@pytest.mark.parametrize("quantity", ["5" * 100000, "1e999999", "1e2147483647"])
def test_a_huge_valid_quantity_is_stored_as_written_at_once(box, quantity):
    # the API server keeps such a value (its canonical form spells it out or keeps the exponent); the
    # playground does not spell out a million digits
    put_quantity(box, quantity)
    t = time.thread_time()
    r = box.run("kubectl apply -f q.yaml")
    print(f"{(time.thread_time() - t) * 1000:7.1f} ms CPU  apply cpu: {quantity[:20]}...")
    assert r.output == "pod/q created\n"
    r = box.run("kubectl get pod q -o jsonpath='{.spec.containers[0].resources.limits.cpu}'")
    assert r.output == quantity
