"""delta.changes asked twice in one command (the byte quota, then the store) answers the second time from
memory instead of walking every object, and never hides a write made in between."""
from __future__ import annotations

from playground.sim import delta
from playground.sim.diagnose import _Fetched
from playground.sim.engine import Engine


def loaded() -> Engine:
    engine = Engine.new(seed=1)
    engine.run("kubectl create deployment web --image=nginx --replicas=2")
    return engine


def test_the_same_question_twice_gets_the_same_answer_without_a_walk(monkeypatch):
    engine = loaded()
    before = delta.stamps(engine.cluster)
    engine.run("kubectl label deployment web tier=front")
    first = delta.changes(engine.cluster, before)
    assert ("deployments", "default/web") in first[0]
    monkeypatch.setattr(delta, "stamps", lambda cluster: (_ for _ in ()).throw(AssertionError("walked")))
    assert delta.changes(engine.cluster, before) is first


def test_a_write_between_the_questions_is_seen():
    engine = loaded()
    before = delta.stamps(engine.cluster)
    engine.run("kubectl label deployment web tier=front")
    first = delta.changes(engine.cluster, before)
    engine.run("kubectl label pod -l app=web tier=front")
    again = delta.changes(engine.cluster, before)          # not the remembered answer: a full comparison
    assert again is not first
    assert set(first[0]) < set(again[0]) and any(p == "pods" for p, _ in again[0])


def test_a_fetched_sequence_reads_only_what_is_looked_at():
    pulled = []

    def items():
        for i in range(100):
            pulled.append(i)
            yield i
    seq = _Fetched(items())
    assert seq and seq[0] == 0 and pulled == [0]
    assert any(x == 2 for x in seq) and pulled == [0, 1, 2]
    assert list(seq) == list(range(100)) and list(seq) == list(range(100))
    assert not _Fetched(iter(()))
