from django.urls import path

from . import views_public as views
from . import views_track as track

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/questions/", views.report_questions, name="report_questions"),
    path("report/nearby/", views.report_nearby, name="report_nearby"),
    path("report/streets/", views.report_streets, name="report_streets"),
    path("report/done/<str:number>/", views.report_done, name="report_done"),
    path("support/<str:number>/", views.support, name="support"),
    path("track/", track.track_lookup, name="track_lookup"),
    path("track/<str:number>/", track.track, name="track"),
    path("track/<str:number>/rate/", track.track_rate, name="track_rate"),
    path("track/<str:number>/edit/", track.track_edit, name="track_edit"),
    path("track/<str:number>/withdraw/", track.track_withdraw, name="track_withdraw"),
    path("mine/", track.mine, name="mine"),
    path("public/", views.public_list, name="public_list"),
    path("public/map/", views.public_map, name="public_map"),
    path("public/points/", views.public_points, name="public_points"),
    path("public/places/", views.map_places, name="map_places"),
    path("public/<str:number>/", views.public_detail, name="public_case"),
    path("photos/<int:pk>/<str:size>/", views.photo, name="photo"),
]
