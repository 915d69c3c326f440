"""resource.Quantity parsing and canonical form against the real kubectl: `kubectl set resources --local`
runs apimachinery's ParseQuantity and String() on the client, the same code the API server decodes with."""
from __future__ import annotations

import pytest

from playground.sim.validation import quantity

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec: {containers: [{name: c, image: nginx}]}\n"
VALUES = ["1KK", "1m2", "1+", "1Ki1", "-", "+", ".", "1e", "1.5.3", "0.5", "1024Mi", "1e3", "01.10", "1.G", "5e-3",
          "+7", "1E", "100m", "1000m", "2000", "1.5Gi", "0.1Ki", "1e-400", "12e2", "-5", "1024", "1Ti", "300Mi",
          "0.0001", "1.000", "7Ki", "8Ki", "2.50", "1e-9", "3e-12", "0010", "1e18", "5E", "1.0m", "1x", "e3",
          "1ee3", "--1", "1 ", "0" * 2000 + "!", "1" * 40 + "Q"]


def ours(value: str) -> str:
    why = quantity.problem(value)
    return f"error: {why}\n" if why else quantity.canonical(value)


@pytest.mark.parametrize("value", VALUES, ids=lambda v: v[:12])
def test_parse_errors_and_canonical_forms_match_kubectl(run_oracle, value):
    out, code = run_oracle(["set", "resources", "-f", "-", "--local", f"--limits=cpu={value}",
                            "-o", "jsonpath={.spec.containers[0].resources.limits.cpu}"], stdin=POD)
    assert (ours(value), 1 if quantity.problem(value) else 0) == (out, code)


def test_a_bad_suffix_reaches_the_learner_in_the_api_servers_words():
    from tests.sim.writehelpers import sandbox, write

    engine = sandbox()
    write(engine, "q.yaml", POD.replace("image: nginx}", "image: nginx, resources: {limits: {cpu: 1KK}}}"))
    r = engine.run("kubectl apply -f q.yaml")
    assert (r.output, r.exit_code) == (
        'Error from server (BadRequest): error when creating "q.yaml": Pod in version "v1" cannot be handled as '
        "a Pod: unable to parse quantity's suffix\n", 1)
    assert engine.run("kubectl get pod q").exit_code == 1
