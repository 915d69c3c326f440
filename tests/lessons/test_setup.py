"""A lesson's files land in the learner's home and its setup runs before they start."""
from lessons import setup

from . import helpers as h


def test_files_are_placed_in_the_home_and_setup_commands_run_outside_the_history():
    eng = h.engine()
    lesson = {"files": {"ckad/nwpolicy-complete-example.yaml": "kind: NetworkPolicy\n"},
              "setup": ["kubectl create deploy web --image=nginx"]}
    results = setup.prepare(eng, lesson, now=h.T0)
    assert [(r.output, r.exit_code) for r in results] == [("deployment.apps/web created\n", 0)]
    assert eng.host.history == []
    r = eng.run("cat ckad/nwpolicy-complete-example.yaml", now=h.T0 + 3)
    assert (r.output, r.exit_code) == ("kind: NetworkPolicy\n", 0)
    r = eng.run("ls ckad", now=h.T0 + 6)
    assert r.output == "nwpolicy-complete-example.yaml\n"
