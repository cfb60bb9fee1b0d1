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


class RequestBodyLimitMiddleware:
    """Refuses a request body that Django should never read, before a byte of it is read:

    - a compressed body (`Content-Encoding` other than identity) with 415: no form or
      upload of ours is sent compressed, and inflating one would let a few kilobytes grow
      into gigabytes (a "zip bomb") past every size limit below;
    - a body longer than MAX_REQUEST_BYTES by its `Content-Length` with 413: Django's own
      limits (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS) count form fields
      only, not uploaded files, and the scan check reads an upload only once it is stored.

    A body without Content-Length (chunked) Django reads as empty. The answer is a small
    page without the request's context (no session, no database), in the language the
    LocaleMiddleware before this one chose. The proxy in front bounds bodies first
    (deploy/README.md); this is the limit that holds without it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        encoding = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding not in ("", "identity"):
            return self._refuse(415, "415.html")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        if length > settings.MAX_REQUEST_BYTES:
            return self._refuse(
                413,
                "413.html",
                {
                    "limit_mib": round(settings.MAX_REQUEST_BYTES / 2**20),
                    "upload_mib": round(settings.MAX_UPLOAD_BYTES / 2**20),
                },
            )
        return self.get_response(request)

    @staticmethod
    def _refuse(status: int, template: str, context: dict | None = None) -> HttpResponse:
        logger.warning("request body refused with %s", status)
        response = HttpResponse(loader.get_template(template).render(context or {}), status=status)
        # The CSP and frame middlewares further in are not reached: the page says it itself.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'"
        )
        response["X-Frame-Options"] = "DENY"
        return response
