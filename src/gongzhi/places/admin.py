from django.contrib import admin

from gongzhi.core.admin import AuditedModelAdmin

from .models import Community, EconomicCooperative, Estate, Grid, Street, Subdistrict


class PlaceAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    readonly_fields = ["min_lng", "min_lat", "max_lng", "max_lat"]


@admin.register(Subdistrict)
class SubdistrictAdmin(PlaceAdmin):
    pass


@admin.register(Community)
class CommunityAdmin(PlaceAdmin):
    list_display = ["code", "name", "subdistrict"]
    list_filter = ["subdistrict"]


@admin.register(EconomicCooperative)
class EconomicCooperativeAdmin(PlaceAdmin):
    list_display = ["code", "name", "community"]
    list_filter = ["community"]


@admin.register(Estate)
class EstateAdmin(PlaceAdmin):
    list_display = ["code", "name", "community", "cooperative"]
    list_filter = ["community"]


@admin.register(Street)
class StreetAdmin(PlaceAdmin):
    list_display = ["code", "name", "community", "cooperative", "length_m"]
    list_filter = ["community", "cooperative"]


@admin.register(Grid)
class GridAdmin(PlaceAdmin):
    list_display = ["code", "name", "community"]
    list_filter = ["community"]
