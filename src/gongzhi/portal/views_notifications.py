"""The signed-in user's in-app notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import notification_list
from .services import notifications_mark_read

PAGE_SIZE = 30


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """List the user's notifications, newest first, and mark the shown ones read."""
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = list(page.object_list)
    # Rendered as they were (unread ones highlighted), then marked read.
    notifications_mark_read(
        user=request.user, ids=[n.pk for n in items if n.read_at is None]
    )
    return render(
        request,
        "portal/notifications.html",
        {"page_obj": page, "items": items},
    )
