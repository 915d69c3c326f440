"""The Hypothesis profiles (ci, dev, deep), the run seed and the example database are set for the whole suite
in tests/conftest.py: HYPOTHESIS_PROFILE=deep .venv/bin/pytest tests/fuzz for a long run."""
