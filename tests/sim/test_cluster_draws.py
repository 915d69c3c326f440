"""The seeded generator's stream is blake2b("<seed>:<counter>"): stored sandboxes (seed + counter) and the
tests' expected names depend on it staying exactly that, however it is computed."""
from __future__ import annotations

import hashlib

from playground.sim.cluster import Cluster


def expected(seed: int, counter: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}:{counter}".encode(), digest_size=8).digest(), "big")


def test_draws_follow_the_seed_and_counter():
    c = Cluster(seed=77)
    assert [c._draw() for _ in range(300)] == [expected(77, i) for i in range(1, 301)]


def test_a_restored_cluster_continues_the_stream():
    c = Cluster(seed=-3)
    c._draw()
    again = Cluster.from_dict(c.to_dict())
    assert again._draw() == expected(-3, 2) and again.rand_suffix(1) in "bcdfghjklmnpqrstvwxz2456789"
