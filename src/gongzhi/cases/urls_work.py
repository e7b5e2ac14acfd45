from django.urls import path

from . import views_work

# Fixed paths first: "<number>/" would otherwise take "inbox/" for a case number.
urlpatterns = [
    path("inbox/", views_work.inbox, name="inbox"),
    path("console/", views_work.console, name="console"),
    path("console/new/", views_work.console_new, name="console_new"),
    path("console/bulk/", views_work.bulk, name="bulk"),
    path("<str:number>/", views_work.detail, name="detail"),
    path("<str:number>/act/<slug:slug>/", views_work.act, name="act"),
    path(
        "<str:number>/photos/<int:pk>/<str:size>/",
        views_work.photo,
        name="photo",
    ),
]
