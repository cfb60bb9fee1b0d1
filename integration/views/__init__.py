from integration.views.core import (
    LoginView,
    PasswordResetView,
    health,
    page_not_found,
    permission_denied,
    server_error,
)

__all__ = [
    "LoginView",
    "PasswordResetView",
    "health",
    "page_not_found",
    "permission_denied",
    "server_error",
]
