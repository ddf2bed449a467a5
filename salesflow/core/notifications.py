"""Sending notifications. Rows are written inside the caller's transaction, so they vanish if it rolls back."""

from .models import Notification


def notify(*, recipient, text: str, url: str = "", kind: str = "") -> Notification | None:
    if recipient is None or not recipient.is_active:
        return None
    return Notification.objects.create(recipient=recipient, text=text[:500], url=url[:300], kind=kind)
