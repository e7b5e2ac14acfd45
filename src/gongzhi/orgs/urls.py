from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [path("coverage/", views.coverage, name="coverage")]
