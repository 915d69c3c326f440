"""Hypothesis profiles: `ci` (the default: a bounded number of examples, so `make test` stays fast) and
`deep` for a long run on demand: HYPOTHESIS_PROFILE=deep .venv/bin/pytest tests/fuzz."""
import os

from hypothesis import HealthCheck, settings

common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                   HealthCheck.function_scoped_fixture])
settings.register_profile("ci", max_examples=40, derandomize=True, **common)
settings.register_profile("dev", max_examples=200, **common)
settings.register_profile("deep", max_examples=5000, **common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
