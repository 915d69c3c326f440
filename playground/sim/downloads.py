"""Release manifests the playground keeps copies of, so the install commands of the docs work offline.

The playground has no internet access. A learner installing Gateway API types what its docs say,
`kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/
standard-install.yaml`; that URL is answered from the release's own file, kept byte for byte (rebuilt from
the tag with the project's hack/build-install-yaml.sh). Any other URL is refused, saying why.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

RELEASES = Path(__file__).parent / "gateway" / "releases"
GATEWAY_API = "https://github.com/kubernetes-sigs/gateway-api/releases/download/"
ENVOY_GATEWAY = "https://github.com/envoyproxy/gateway/releases/download/"

KNOWN: dict[str, Path] = {
    GATEWAY_API + "v1.4.1/standard-install.yaml": RELEASES / "gateway-api-v1.4.1-standard-install.yaml",
    # the release asset is examples/kubernetes/quickstart.yaml at the tag (Envoy Gateway's quick start applies it)
    ENVOY_GATEWAY + "v1.6.7/quickstart.yaml": RELEASES / "envoy-gateway-v1.6.7-quickstart.yaml",
}


@lru_cache(maxsize=8)
def _read(path: Path) -> str:
    return path.read_text()


def fetch(url: str) -> str | None:
    """The stored copy of a known release URL, or None."""
    path = KNOWN.get(url)
    return _read(path) if path is not None else None


def known_urls() -> list[str]:
    return sorted(KNOWN)
