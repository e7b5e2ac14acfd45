from django.urls import path

from . import views_public

urlpatterns = [
    path("track/<str:number>/", views_public.track, name="track"),
]
