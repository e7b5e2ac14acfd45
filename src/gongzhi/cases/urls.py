from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("track/<str:number>/", views.track, name="track"),
    path("<str:number>/", views.detail, name="detail"),
]
