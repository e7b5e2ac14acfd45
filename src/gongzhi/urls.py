"""URL configuration of the whole platform."""

from django.contrib import admin
from django.urls import include, path

from gongzhi.core.views import healthz
from gongzhi.portal.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("orgs/", include("gongzhi.orgs.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("", include("gongzhi.open311.urls")),
    path("api/", include("gongzhi.api.urls", namespace="api")),
    path("", include("gongzhi.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "gongzhi.core.errors.bad_request"
handler403 = "gongzhi.core.errors.permission_denied"
handler404 = "gongzhi.core.errors.page_not_found"
handler500 = "gongzhi.core.errors.server_error"
