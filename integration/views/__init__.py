from integration.views.core import (
    LoginView,
    health,
    home,
    page_not_found,
    permission_denied,
    server_error,
)
from integration.views.migrants import migrant_list

__all__ = [
    "LoginView",
    "health",
    "home",
    "migrant_list",
    "page_not_found",
    "permission_denied",
    "server_error",
]
