"""Mutation check: break ten core behaviours one at a time and assert the suite notices each.

Each mutation is one small source edit (the kind of slip a change could make) applied to a scratch copy of
the tree, never to the checkout. For each, only the test files that guard that behaviour run (`-x`: one
failure is enough), so the whole check costs a baseline run plus ten short ones. A mutant the tests let
through is a hole in the suite: the check exits 1 and names it.

    .venv/bin/python -m tests.tools.mutation_check            # all ten (make mutation; make test runs it)
    .venv/bin/python -m tests.tools.mutation_check dns ingress  # some, by name

When a guarded line is rewritten, its mutation here must follow: the check refuses to run a mutation whose
original text is not in the file exactly once (tests/test_mutation_targets.py says so in the normal suite).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str            # relative to the repository root
    old: str             # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]


MUTATIONS = [
    # kubectl get: the label filter inverted, so a plain list finds nothing.
    Mutation("kubectl-get", "playground/sim/programs/kubectl/get.py",
             "if requirements_match(reqs, o[\"metadata\"].get(\"labels\") or {}) and fields(o)]",
             "if not requirements_match(reqs, o[\"metadata\"].get(\"labels\") or {}) and fields(o)]",
             ("tests/sim/test_kubectl_get.py",)),
    # kubectl create deployment: --replicas ignored.
    Mutation("create-deployment", "playground/sim/programs/kubectl/create.py",
             "\"spec\": {\"replicas\": inv.flags[\"replicas\"],",
             "\"spec\": {\"replicas\": 1,",
             ("tests/sim/test_kubectl_create.py", "tests/web/test_api.py")),
    # kubectl expose: the target port defaults to one past the port.
    Mutation("expose", "playground/sim/programs/kubectl/expose.py",
             "p[\"targetPort\"] = p[\"port\"]",
             "p[\"targetPort\"] = p[\"port\"] + 1",
             ("tests/sim/test_kubectl_create.py", "tests/sim/test_kubectl_get.py")),
    # Service endpoints: pods that are not ready are listed as ready addresses.
    Mutation("service-endpoints", "playground/sim/controllers.py",
             "bucket = \"addresses\" if is_ready(pod) or spec.get(\"publishNotReadyAddresses\") else \"notReadyAddresses\"",
             "bucket = \"addresses\"",
             ("tests/sim/test_probes_affinity.py", "tests/sim/test_service_semantics.py",
              "tests/sim/test_network.py")),
    # DNS: every Service name answers with the kubernetes Service's address.
    Mutation("dns-answer", "playground/sim/dns.py",
             "return Answer(records=[(shown, \"A\", spec[\"clusterIP\"])])",
             "return Answer(records=[(shown, \"A\", \"10.96.0.1\")])",
             ("tests/sim/test_dns.py",)),
    # Ingress routing: Prefix paths matched as strings (/foo would match /foobar).
    Mutation("ingress-routing", "playground/sim/ingress.py",
             "return have[: len(want)] == want",
             "return path.startswith(rule)",
             ("tests/sim/test_ingress_routing.py",)),
    # NetworkPolicy verdict: a port rule admits every protocol.
    Mutation("policy-verdict", "playground/sim/policy.py",
             "        if proto != protocol:\n            continue\n",
             "",
             ("tests/sim/test_policy_truth_tables.py",)),
    # Lesson completion: a step completes whatever the command's exit code.
    Mutation("lesson-completion", "lessons/checks.py",
             "if exit_code != check[\"exit_code\"]:",
             "if False:",
             ("tests/lessons/test_assess.py", "tests/lessons/test_progress.py")),
    # Topology diff: removed elements are not reported to the browser.
    Mutation("topology-diff", "playground/topology_delta.py",
             "            self._before[i] = e\n        del self.els[i]",
             "            pass\n        del self.els[i]",
             ("tests/web/test_topology_delta.py",)),
    # Store write: deleted objects stay in the database.
    Mutation("store-write", "playground/store.py",
             "    if gone:\n        by_plural",
             "    if False:\n        by_plural",
             ("tests/web/test_store.py",)),
]

SKIP = shutil.ignore_patterns(".git", ".venv", "node_modules", "artifacts", "staticfiles", "db.sqlite3",
                              "__pycache__", ".tools", "*.egg-info")


def check_targets(mutations: list[Mutation]) -> list[str]:
    """Why a mutation cannot be applied to the tree as it is (its original text moved), one line each."""
    problems = []
    for m in mutations:
        n = (ROOT / m.path).read_text().count(m.old)
        if n != 1:
            problems.append(f"{m.name}: the text to mutate occurs {n} times in {m.path}, not once")
    return problems


def pytest(copy: Path, tests: tuple[str, ...] | list[str], stop_first: bool) -> tuple[int, str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if (ROOT / ".tools" / "kubectl").exists():
        env.setdefault("KUBECTL_ORACLE", str(ROOT / ".tools" / "kubectl"))
    # `python -m pytest` puts the copy first on sys.path, ahead of the editable install of the checkout.
    cmd = [sys.executable, "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts="]
    if stop_first:
        cmd.append("-x")
    proc = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    return proc.returncode, proc.stdout + proc.stderr


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTATIONS if not argv or m.name in argv]
    problems = check_targets(chosen)
    if problems:
        print("\n".join(problems))
        return 2
    with tempfile.TemporaryDirectory(prefix="podscape-mutants-") as tmp:
        copy = Path(tmp) / "tree"
        shutil.copytree(ROOT, copy, ignore=SKIP, symlinks=True)
        started = time.monotonic()
        targets = sorted({t for m in chosen for t in m.tests})
        code, out = pytest(copy, targets, stop_first=False)
        if code != 0:                  # a mutant's failure only means something if the tests pass unmutated
            print(out[-3000:])
            print("mutation check: the targeted tests fail on the unmutated tree")
            return 2
        print(f"baseline: {len(targets)} test files pass ({time.monotonic() - started:.1f}s)")
        survivors = []
        for m in chosen:
            t0 = time.monotonic()
            source = copy / m.path
            original = source.read_text()
            source.write_text(original.replace(m.old, m.new))
            try:
                code, out = pytest(copy, m.tests, stop_first=True)
            finally:
                source.write_text(original)
            caught = code == 1          # 1: tests failed; anything else (errors, interrupted) is not a catch
            failed = [ln for ln in out.splitlines() if ln.startswith(("FAILED", "ERROR"))]
            print(f"{m.name:18} {'caught' if caught else 'SURVIVED'} ({time.monotonic() - t0:.1f}s)"
                  f"{'  ' + failed[0] if failed else ''}")
            if not caught:
                survivors.append(m.name)
                print(out[-2000:])
        print(f"mutation check: {len(chosen) - len(survivors)}/{len(chosen)} mutants caught "
              f"in {time.monotonic() - started:.1f}s")
        return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
