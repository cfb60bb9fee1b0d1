from integration.views.core import (
    LoginView,
    health,
    home,
    page_not_found,
    permission_denied,
    server_error,
)

__all__ = ["LoginView", "health", "home", "page_not_found", "permission_denied", "server_error"]
