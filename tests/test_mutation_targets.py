"""The mutation check (tests/tools/mutation_check.py, `make mutation`) can still find every line it breaks:
a change that rewrites a guarded line must move its mutation along (caught here, in a second, instead of at
the end of `make test`)."""
from tests.tools.mutation_check import MUTATIONS, ROOT, check_targets


def test_there_are_ten_core_behaviours_each_with_its_guarding_tests():
    assert len({m.name for m in MUTATIONS}) == 10
    for m in MUTATIONS:
        assert m.tests and all((ROOT / t).is_file() for t in m.tests), m.name


def test_every_mutation_finds_its_original_text_exactly_once():
    assert check_targets(MUTATIONS) == []
