"""ASGI entry point: HTTP through Django (WhiteNoise serves static files), WebSockets through Channels."""
import os
import sys

from django.core.asgi import get_asgi_application

# A command's engine is CPU-bound Python in a thread of this process: hand the GIL to the event loop and to
# other learners' commands (waiting on the database, mostly) every millisecond rather than Python's 5 ms.
sys.setswitchinterval(float(os.environ.get("PODSCAPE_SWITCH_INTERVAL", "0.001")))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
django_asgi_app = get_asgi_application()   # set up Django before importing consumers (they import models)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from .origin import OriginValidator  # noqa: E402
from .routing import websocket_urlpatterns  # noqa: E402
from .socketlimits import AddressLimit  # noqa: E402
from .warmup import warm  # noqa: E402

warm()      # before the worker takes traffic, so no learner's command pays for the imports

application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": OriginValidator(AddressLimit(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
})
