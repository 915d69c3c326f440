"""manage.py checklessons replays every lesson's solution and fails, naming the step, when one cannot be met."""
from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from lessons import format


def test_the_services_lessons_can_be_completed():
    out = io.StringIO()
    call_command("checklessons", "services-clusterip-nodeport", "services-microservices", stdout=out)
    assert out.getvalue() == ("ok services-clusterip-nodeport: 7 steps, 7 commands\n"
                              "ok services-microservices: 8 steps, 8 commands\n")


def test_a_step_its_solution_cannot_complete_fails_the_check(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(format.CONTENT_DIR, folder)
    path = folder / "01-services-clusterip-nodeport.md"
    # an instructor's slip: the check asks for a NodePort the solution does not set
    path.write_text(path.read_text().replace("{service: nginx-app, type: NodePort, port: 80, nodePort: 32000}",
                                             "{service: nginx-app, type: NodePort, port: 80, nodePort: 32001}"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lesson\\(s\\) cannot be completed: services-clusterip-nodeport"):
        call_command("checklessons", "services-clusterip-nodeport", dir=str(folder), stderr=err, stdout=io.StringIO())
    assert err.getvalue().startswith("services-clusterip-nodeport: step 'make-nodeport' was not completed by")
    assert "the step wants port 80, nodePort 32001" in err.getvalue()
