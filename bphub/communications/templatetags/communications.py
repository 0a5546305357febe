from django import template

from bphub.communications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    """The signed-in reader's unread notifications (cached briefly; 0 for the anonymous)."""
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)
