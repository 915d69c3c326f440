"""The name suffix of a ConfigMap or Secret made with a content hash (kubectl create --append-hash, kustomize's
generators): k8s.io/kubectl/pkg/util/hash ConfigMapHash / SecretHash, shared by both below either."""
from __future__ import annotations

import hashlib
import json


def hash_suffix(data: dict) -> str:
    """sha256 of the object's JSON encoding (Go's, with <, > and & escaped), 10 characters, vowels swapped."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return hashlib.sha256(text.encode()).hexdigest()[:10].translate(str.maketrans("013ae", "ghkmt"))
