"""ASGI entry point: HTTP through Django (WhiteNoise serves static files), WebSockets through Channels."""
import logging
import os
import sys

from django.core.asgi import get_asgi_application

# A command's engine is CPU-bound Python in a thread of this process: hand the GIL to the event loop and to
# other learners' commands (waiting on the database, mostly) every millisecond rather than Python's 5 ms.
sys.setswitchinterval(float(os.environ.get("PODSCAPE_SWITCH_INTERVAL", "0.001")))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
django_asgi_app = get_asgi_application()   # set up Django before importing consumers (they import models)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from .httpgate import HttpGate  # noqa: E402
from .origin import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from .routing import websocket_urlpatterns  # noqa: E402
from .sim import watchdog  # noqa: E402
from .socketlimits import AddressLimit  # noqa: E402
from .warmup import warm  # noqa: E402

warm()      # before the worker takes traffic, so no learner's command pays for the imports


def end_worker(watch) -> None:
    """A line the watchdog could not stop (one C call that does not return): this process cannot get its
    thread back, so it ends. Its transaction never committed; the supervisor (systemd Restart=always)
    starts a fresh worker and its learners' pages reconnect to the sandboxes as stored."""
    logging.getLogger(__name__).critical("ending worker %s: a line is stuck past its hard stop", os.getpid())
    logging.shutdown()
    os._exit(70)


if settings.PODSCAPE_EXIT_WHEN_STUCK:
    watchdog.on_stuck = end_worker

application = ProtocolTypeRouter({
    "http": HttpGate(django_asgi_app, settings.PODSCAPE_HTTP_THREADS, settings.PODSCAPE_HTTP_QUEUE_SECONDS),
    # the session's user is read by the consumer, with its hello, on the command pool (playground/wsauth.py)
    "websocket": OriginValidator(AddressLimit(URLRouter(websocket_urlpatterns))),
})
