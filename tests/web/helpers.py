"""Helpers for the web tests: the state-changing command they send through the plumbing."""
from __future__ import annotations

import pytest

CREATE_DEPLOY = "kubectl create deployment nginx-app --image=nginx --replicas=3"


@pytest.fixture
def create_deploy_line():
    """A command line that creates Deployment nginx-app (3 pods) through real `kubectl create`."""
    return CREATE_DEPLOY
