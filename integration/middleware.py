import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import patch_cache_control

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


SEEN = "_seen"


def session_seen_at_login(sender, request, user, **kwargs) -> None:
    """Logging in writes the session anyway: the next minute needs no further write."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN] = int(time.time())


class IdleSessionMiddleware:
    """Keeps a session alive while it is used, so that it ends after SESSION_COOKIE_AGE idle.

    Django's SESSION_SAVE_EVERY_REQUEST does that by writing the session row on every
    request: one UPDATE and one COMMIT (a WAL flush) per page view. Writing it when the last
    write is more than SESSION_REFRESH_SECONDS old keeps the idle limit to within that
    margin at a fraction of the writes. Placed right after SessionMiddleware, so that its
    write is the one SessionMiddleware makes on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # No key: no session cookie came, or the view ended the session (log-out).
        if session.session_key is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(SEEN, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[SEEN] = now
        return response


class PrivatePagesMiddleware:
    """Every answer to a signed-in user is marked `Cache-Control: private, no-store`.

    Their pages carry personal data (caseload, a person, history, agreements, PDFs and
    exports): neither a shared proxy nor the browser's disk cache may keep them, where the
    next user of a shared computer would find them after log-out. Static files never get
    here (whitenoise answers them earlier) and stay cacheable; the public pages answer
    anonymous visitors as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
