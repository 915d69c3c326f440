"""The seeded generator's stream is blake2b("<seed>:<counter>"): stored sandboxes (seed + counter) and the
tests' expected names depend on it staying exactly that, however it is computed."""
from __future__ import annotations

import hashlib
import uuid

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


def test_names_and_ids_drawn_together_are_the_single_draws():
    """hex_id, rand_suffix and uid hash their draws in one loop; the values are those of one draw at a time."""
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    for seed in (0, 7, -3, 123456789):
        c = Cluster(seed=seed)
        got = c.hex_id(64), c.rand_suffix(5), c.uid(), c.randint(100, 999), c.choice("abc")
        n = iter(range(1, 74))
        want = ("".join("0123456789abcdef"[expected(seed, next(n)) % 16] for _ in range(64)),
                "".join(alphabet[expected(seed, next(n)) % len(alphabet)] for _ in range(5)),
                str(uuid.UUID(int=(expected(seed, next(n)) << 64) | expected(seed, next(n)), version=4)),
                100 + expected(seed, next(n)) % 900, "abc"[expected(seed, next(n)) % 3])
        assert got == want and c.counter == 73
