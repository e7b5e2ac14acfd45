"""Sign-in, sign-out, password change and lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditEvent

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            actor=form.get_user(), action="auth.login", kind=AuditEvent.Kind.AUTH
        )
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(
                actor=request.user, action="auth.logout", kind=AuditEvent.Kind.AUTH
            )
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action="auth.password_change",
            kind=AuditEvent.Kind.AUTH,
        )
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def lockout(
    request: HttpRequest,
    original_response: Any = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """Tell a locked-out user why they cannot sign in and for how long (django-axes)."""
    from django.conf import settings

    # django-axes calls (request, original_response, credentials) from its sync
    # middleware but (request, credentials) from its async one.
    if credentials is None and isinstance(original_response, dict):
        credentials = original_response
    audit_record(
        actor=None,
        action="auth.lockout",
        kind=AuditEvent.Kind.AUTH,
        note=str((credentials or {}).get("username", ""))[:150],
    )
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
