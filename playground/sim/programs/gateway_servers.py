"""Not a program: registers the servers of Envoy Gateway's proxy and of the Gateway API echo backend with
webcontent when the programs load, as programs/ingress_nginx.py does for ingress-nginx's controller."""
from __future__ import annotations

from ..gateway import echo, proxy

echo.register()
proxy.register()
