"""The inbox page and marking messages read (htmx, or a plain form post)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.ids import parse_ids
from notifications.selectors import inbox_for, unread_count
from notifications.services import notification_mark_read


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """List the user's messages, newest first, unread ones marked."""
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(inbox_for(request.user, unread_only=unread_only).select_related("task"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one message (`id`) or all messages read; htmx gets the updated row, a plain post a redirect."""
    ids = parse_ids(request.POST.getlist("id"))
    notification_mark_read(user=request.user, notification_ids=ids or None)
    if request.headers.get("HX-Request") and ids:
        notification = inbox_for(request.user).filter(pk=ids[0]).first()
        if notification is not None:
            return render(request, "notifications/_row.html", {"notification": notification})
    target = request.POST.get("go")
    if target and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:inbox")
