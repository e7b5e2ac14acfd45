from django.urls import path

from . import views_work

urlpatterns = [
    path("<str:number>/", views_work.detail, name="detail"),
]
