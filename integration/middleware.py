import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page when the database goes away mid-request.

    ATOMIC_REQUESTS has already rolled the request's transaction back by the time the
    exception reaches us, so nothing is half-written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.exception("database unavailable")
            # Without the request's context processors: they would query the database.
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
            response["Retry-After"] = "30"
            return response
        return None
