"""`kubectl set selector` with -f, --local, --dry-run and --resource-version, against the real kubectl v1.35
(the forms that need no server)."""
from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, normalise, simulate

SVC = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: a\n  ports:\n  - port: 80\n"
CASES = ["set selector -f svc.yaml app=b --local -o yaml", "set selector --local -f svc.yaml 'app in (a)' -o yaml",
         "set selector -f svc.yaml app=b --local --resource-version=5 -o yaml", "set selector --local svc/s app=b",
         "set selector -f svc.yaml --local", "set selector -f svc.yaml app=b=c --local",
         "set selector -f svc.yaml app=b --local --dry-run=client", "set selector -f svc.yaml app=b,tier=x --local -o json"]


@pytest.mark.parametrize("case", CASES)
def test_local_set_selector_matches_kubectl(kubectl_oracle, tmp_path, case):
    (tmp_path / "svc.yaml").write_text(SVC)
    engine = Engine.new(seed=1, now=NOW)
    engine.host.files[engine.host.abspath("svc.yaml")] = SVC
    args = shlex.split(case)
    p = subprocess.run([os.path.abspath(kubectl_oracle), *args], capture_output=True, text=True, cwd=tmp_path,
                       env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert simulate(args, engine) == (normalise(p.stdout), normalise(p.stderr), p.returncode)
