"""`manage.py sim` answers without setting Django up (its start-up was mostly Django's), and says the same
as the management command does."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "kubectl create deploy web --image=nginx --replicas=2\nkubectl get pods\nkubectl get nosuch\n"
CHECK = ("import atexit, runpy, sys; sys.argv = ['manage.py', 'sim'] + sys.argv[1:]; "
         "atexit.register(lambda: sys.stderr.write('django loaded' if 'django.apps' in sys.modules else 'no django'));"
         "runpy.run_path('manage.py', run_name='__main__')")


@pytest.mark.parametrize("args", [["--json", "--seed", "4"], ["--json", "--lesson", "services-clusterip-nodeport"]])
def test_manage_py_sim_runs_without_django_and_matches_the_management_command(args):
    fast = subprocess.run([sys.executable, "-c", CHECK, *args], input=SCRIPT, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert fast.returncode == 0, fast.stderr
    assert fast.stderr.endswith("no django")
    out = io.StringIO()
    call_command("sim", *args, stdin=io.StringIO(SCRIPT), stdout=out)
    assert fast.stdout == out.getvalue()
    assert '"exit_code": 1' in fast.stdout.splitlines()[-1]


def test_an_option_only_django_knows_takes_the_management_command():
    run = subprocess.run([sys.executable, "manage.py", "sim", "--verbosity", "1"], input="kubectl get ns\n",
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "kube-system       Active" in run.stdout


def test_an_unknown_lesson_is_an_error_either_way():
    run = subprocess.run([sys.executable, "manage.py", "sim", "--lesson", "nope"], input="true\n",
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 1 and "no lesson with slug 'nope'" in run.stderr
