"""WSGI entry point (HTTP only; the terminal's WebSocket needs the ASGI app)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
application = get_wsgi_application()
