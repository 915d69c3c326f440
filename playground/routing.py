"""WebSocket routes."""
from django.urls import path

from .consumers import SandboxConsumer

websocket_urlpatterns = [
    path("ws/sandboxes/<int:sandbox_id>/", SandboxConsumer.as_asgi()),
]
