from integration.views.core import (
    LoginView,
    health,
    page_not_found,
    permission_denied,
    server_error,
)

__all__ = ["LoginView", "health", "page_not_found", "permission_denied", "server_error"]
