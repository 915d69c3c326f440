"""The capability registry: every path of kubectl v1.35's command tree is simulated or declined plainly.

The tree (tests/sim/data/kubectl_command_tree.tsv, with each path's Usage line) was captured from the real
binary by tests/tools/capture_command_tree.py; the differential tests compare with the oracle itself.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from playground.sim.engine import Engine
from playground.sim.programs.kubectl.registry import build

TREE = [line.split("\t") for line in
        (Path(__file__).parent / "data/kubectl_command_tree.tsv").read_text().splitlines()]
PATHS = [p for p, _ in TREE]


@pytest.fixture(scope="module")
def engine():
    return Engine.new(seed=1, now=1_700_000_000)


def test_the_registry_knows_exactly_the_real_tree():
    reg = build()
    assert set(reg.real) == set(PATHS) | {"help", "options"}
    assert set(reg.simulated()) | set(reg.not_simulated()) == set(reg.real)
    assert not set(reg.simulated()) & set(reg.not_simulated())


def test_an_engine_carries_the_registry():
    assert Engine.new(seed=2).kubectl_commands is build()


@pytest.mark.parametrize("path", PATHS)
def test_no_real_path_is_an_unknown_command(engine, path):
    leaf = not any(p.startswith(path + " ") for p in PATHS)      # after a group, `x` is an unknown command
    for line in (f"kubectl {path}", f"kubectl -n default {path} --help", *([f"kubectl {path} x"] if leaf else [])):
        out = engine.run(line).output
        assert "unknown command" not in out and "Did you mean" not in out, (line, out)


@pytest.mark.parametrize("path,usage", TREE, ids=[p for p, _ in TREE])
def test_help_has_kubectls_usage_line(engine, path, usage):
    r = engine.run(f"kubectl {path} --help")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[lines.index("Usage:") + 1].strip() == usage if usage else "Usage:" not in lines


REQUIRED: dict[str, str] = {}     # flags a path checks before answering


def test_a_path_that_is_not_simulated_says_so(engine):
    reg = build()
    for path in reg.not_simulated():
        if path == "completion":
            continue
        r = engine.run(f"kubectl {path} x {REQUIRED.get(path, '')}")
        assert r.exit_code == 1, path
        assert "not simulated" in r.output or "does not simulate" in r.output or "not available" in r.output, \
            (path, r.output)
    r = engine.run("kubectl completion bash")
    assert (r.output, r.exit_code) == (
        "error: the playground does not simulate 'kubectl completion' (it is a real kubectl command; see "
        "'kubectl help' for what it does)\n", 1)


def test_a_flag_error_on_an_unsimulated_path_reads_as_kubectls(engine):
    r = engine.run("kubectl completion --bogus")
    assert (r.output, r.exit_code) == ("error: unknown flag: --bogus\nSee 'kubectl completion --help' for usage.\n", 1)


# ---- differential: the real kubectl v1.35 ----------------------------------------------------------------
def oracle(kubectl: str, words: list[str]) -> tuple[str, int]:
    proc = subprocess.run([kubectl, *words], capture_output=True, text=True, timeout=60,
                          env={"KUBECONFIG": "/dev/null", "HOME": "/home/student", "PATH": "/usr/bin:/bin"})
    return proc.stdout + proc.stderr, proc.returncode


UNKNOWN = ["frobnicate", "rollou", "get2", "porf", "rollout statu", "set frob", "config frob", "auth frob",
           "top frob", "create service frob", "create frob x"]


@pytest.mark.parametrize("line", UNKNOWN)
def test_unknown_commands_read_as_kubectls(engine, kubectl_oracle, line):
    r = engine.run(f"kubectl {line}")
    assert (r.output, r.exit_code) == oracle(kubectl_oracle, line.split())


SIMULATED_HELP = [p for p in build().simulated() if p != "help"]


@pytest.mark.parametrize("path", SIMULATED_HELP)
def test_help_of_simulated_paths_is_kubectls(engine, kubectl_oracle, path):
    r = engine.run(f"kubectl {path} --help")
    assert (r.output, r.exit_code) == oracle(kubectl_oracle, [*path.split(), "--help"])


def test_the_docs_page_lists_what_the_registry_says():
    from playground.sim.programs.kubectl.registry import markdown
    page = Path(__file__).resolve().parents[2] / "docs/kubectl-commands.md"
    assert page.read_text() == markdown(build()), "regenerate: python -m playground.sim.programs.kubectl.registry"
