from django.urls import path

from . import views_notifications

app_name = "portal"

urlpatterns = [
    path("notifications/", views_notifications.notifications, name="notifications"),
]
