"""A request that cannot get a database connection (the pool's cap reached and DB_POOL_TIMEOUT passed, or
the database unreachable) answers 503 with Retry-After at once, instead of a 500 page; the pool recovers
by itself when the burst is over."""
from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpResponse

log = logging.getLogger(__name__)

BUSY = "The server is busy; try again in a moment.\n"


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        log.warning("%s %s: no database connection (%s)", request.method, request.path, exception)
        response = HttpResponse(BUSY, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "2"
        return response
