"""gunicorn's settings in production: it reads this file from the working directory, so
`gunicorn` in the repository's folder serves the application with these limits
(deploy/README.md explains them and the proxy's share).

A request line, a header and the number of headers are bounded here before Django sees
them; the body is bounded by the proxy (client_max_body_size) and, unread, by
integration.middleware.RequestBodyLimitMiddleware.
"""

import os

wsgi_app = "integration.wsgi:application"
# Only the proxy in front talks to gunicorn (README, "Behind a proxy").
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

# The request line (method, path with query, protocol): longer is 414. Our longest
# addresses are list filters, well below this.
limit_request_line = 4094
# Headers: at most this many (more is 431) ...
limit_request_fields = 50
# ... each at most this long (longer is 431); the session and CSRF cookies need < 200.
limit_request_field_size = 8190

# A worker silent this long is killed and restarted: nothing of ours takes 30 s in the
# request (PDFs 0.5 s, long work goes to the queue), so a worker stuck on a slow client or a
# runaway request is freed.
timeout = 30
# On restart (deploy, HUP) a worker finishes its request for at most this long.
graceful_timeout = 30
# Sync workers close the connection after each answer; the proxy keeps the clients'
# connections alive. An unread refused body goes with the closed connection.
keepalive = 2
