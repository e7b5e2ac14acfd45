"""Open311 GeoReport v2 at /open311/v2/, service discovery at /open311/."""

from django.urls import re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^open311/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^open311/v2/services" + FMT, views.service_list, name="services"),
    re_path(
        r"^open311/v2/services/(?P<code>[^/]+)" + FMT,
        views.service_definition,
        name="service",
    ),
    re_path(r"^open311/v2/requests" + FMT, views.requests, name="requests"),
    re_path(
        r"^open311/v2/requests/(?P<request_id>[^/]+)" + FMT,
        views.request_detail,
        name="request",
    ),
    re_path(
        r"^open311/v2/tokens/(?P<token>[^/]+)" + FMT, views.token_detail, name="token"
    ),
    re_path(r"^open311(?:/(?P<path>.*))?$", views.unknown, name="unknown"),
]
