"""Shared fixtures: alice and bob with a sandbox each, logged-in clients, the real kubectl oracle,
and the in-memory channel layer for every test (whatever REDIS_URL says)."""
from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
GET_KUBECTL = ROOT.parent / "shared" / "oracle" / "get-kubectl"

# ---- Hypothesis -------------------------------------------------------------------------------------------
# Profiles: `ci` (the default: a bounded number of examples, so `make test` stays fast), `dev`, and `deep` for
# a long run on demand (HYPOTHESIS_PROFILE=deep .venv/bin/pytest tests/fuzz). Every profile draws fresh
# examples each run from one run seed, printed in the header; HYPOTHESIS_SEED=<seed> draws the same again.
# A failing example is saved under tests/artifacts/hypothesis (ignored by git) and replayed first next run;
# the failure report also prints `@seed(...)` and the `@reproduce_failure` blob for that one test.
HYPOTHESIS_SEED = int(os.environ.get("HYPOTHESIS_SEED") or random.SystemRandom().getrandbits(32))
_common = dict(deadline=None, print_blob=True, derandomize=False,
               database=DirectoryBasedExampleDatabase(str(ROOT / "tests" / "artifacts" / "hypothesis")),
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])
settings.register_profile("ci", max_examples=40, **_common)
settings.register_profile("dev", max_examples=200, **_common)
settings.register_profile("deep", max_examples=5000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    # Not --hypothesis-seed: a forced seed turns the example database off. Seeding the random source
    # Hypothesis draws each test's seed from keeps the database and still makes the run repeatable.
    from random import Random

    from hypothesis import core

    core.threadlocal._hypothesis_global_random = Random(HYPOTHESIS_SEED)


def pytest_report_header(config):
    return f"hypothesis run seed: HYPOTHESIS_SEED={HYPOTHESIS_SEED} (profile {settings.get_current_profile_name()})"


@pytest.fixture(autouse=True)
def in_memory_channel_layer(settings):
    """Each test gets a fresh in-memory channel layer (queues belong to the test's event loop)."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]   # fast test users
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit and login-throttle counters live in the cache: each test starts with none (user ids
    repeat across tests, so counts would otherwise carry over)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def verified_store(settings):
    """Every command re-reads what it stored and compares it with the engine (a write that did not bump
    resourceVersion would be lost on the next cache miss); each test starts with no cached engines
    (sandbox ids repeat across tests)."""
    from playground import store

    settings.PODSCAPE_VERIFY_STORE = True
    settings.PODSCAPE_GC_FREEZE = False      # a worker's policy; the test process keeps the normal collector
    store.engines.clear()
    yield
    store.engines.clear()


# ---- people and their sandboxes ------------------------------------------------------------------------
@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.org", "alice-password")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.org", "bob-password")


@pytest.fixture
def alice_sandbox(alice):
    from playground import services

    return services.create_sandbox(alice, "alice-cluster")


@pytest.fixture
def bob_sandbox(bob):
    from playground import services

    return services.create_sandbox(bob, "bob-cluster")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def create_deploy_line():
    """A command line that creates Deployment nginx-app (3 pods) through real `kubectl create`."""
    return "kubectl create deployment nginx-app --image=nginx --replicas=3"


# ---- the real kubectl, for differential tests -------------------------------------------------------------
def _find_kubectl() -> str | None:
    for cand in (os.environ.get("KUBECTL_ORACLE"), TOOLS / "kubectl", "/work/oracle-bin/kubectl"):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return str(cand)
    if GET_KUBECTL.exists():
        try:
            subprocess.run(["bash", str(GET_KUBECTL), str(TOOLS)], check=True, capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError):
            return None
        if (TOOLS / "kubectl").exists():
            return str(TOOLS / "kubectl")
    return None


@pytest.fixture(scope="session")
def kubectl_oracle() -> str:
    """Path to a real kubectl v1.35 binary. Skipped when unavailable, except in CI where it must run."""
    path = _find_kubectl()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("the kubectl oracle is required in CI: ../shared/oracle/get-kubectl .tools failed")
        pytest.skip("real kubectl unavailable (../shared/oracle/get-kubectl .tools failed); not CI")
    return path


@pytest.fixture(scope="session")
def run_oracle(kubectl_oracle):
    """run_oracle(["create", "deploy", ...], stdin="") -> (stdout+stderr, exit code), with no cluster."""
    def run(args: list[str], stdin: str = "") -> tuple[str, int]:
        proc = subprocess.run([kubectl_oracle, *args], input=stdin, capture_output=True, text=True, timeout=60,
                              env={"KUBECONFIG": "/dev/null", "HOME": str(TOOLS), "PATH": "/usr/bin:/bin"})
        return proc.stdout + proc.stderr, proc.returncode
    return run
