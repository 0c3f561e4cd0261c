"""Put the unread count in every page's header, lazily, so pages that do not show it pay nothing."""

from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"INBOX_UNREAD": SimpleLazyObject(lambda: unread_count(user))}
