from sites.permissions import is_supervisor


def current_memberships(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"memberships": [], "is_supervisor": False}
    return {"memberships": user.memberships_cached(), "is_supervisor": is_supervisor(user)}
