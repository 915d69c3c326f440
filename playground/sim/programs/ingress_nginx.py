"""Loads the ingress-nginx parts with the programs: the controller's HTTP server (playground/sim/ingress.py)
and the minikube ingress addon (playground/sim/addons/ingress.py registers its hook and sync controller)."""
from __future__ import annotations

from .. import ingress as _routing  # noqa: F401  (registers the controller image's server)
from ..addons import ingress as _addon

_addon.register()
