"""jsondata.deep_copy: a deep copy of the engine's JSON data, as copy.deepcopy would make it."""
from __future__ import annotations

import copy
import datetime

from playground.sim.jsondata import deep_copy


def test_the_copy_equals_the_original_and_shares_no_container():
    pod = {"metadata": {"name": "p", "labels": {"a": "1"}}, "spec": {"containers": [{"ports": [{"n": 80}]}]},
           "status": {"ok": True, "ratio": 0.5, "none": None}}
    out = deep_copy(pod)
    assert out == pod == copy.deepcopy(pod)
    out["metadata"]["labels"]["a"] = "2"
    out["spec"]["containers"][0]["ports"].append({"n": 81})
    assert pod["metadata"]["labels"] == {"a": "1"} and pod["spec"]["containers"][0]["ports"] == [{"n": 80}]


def test_what_is_not_json_is_still_copied_deeply():
    when = datetime.date(2026, 1, 5)              # yaml.safe_load gives dates
    data = {"at": when, "pair": ([1], {"x": [2]}), "set": {3}}
    out = deep_copy(data)
    assert out == data
    out["pair"][1]["x"].append(9)
    out["set"].add(4)
    assert data["pair"][1]["x"] == [2] and data["set"] == {3}
