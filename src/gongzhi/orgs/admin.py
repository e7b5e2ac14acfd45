from django.contrib import admin

from gongzhi.core.admin import AuditedModelAdmin

from .models import (
    CommitteeSeat,
    CommunityCommittee,
    Liaison,
    Organisation,
    PartyOrganisation,
)


class LiaisonInline(admin.TabularInline):
    model = Liaison
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "community", "is_active"]
    list_filter = ["kind", "community", "is_active"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["estates"]
    inlines = [LiaisonInline]
    autocomplete_fields = ["party_instructor"]


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "type", "host", "parent", "founded_on"]
    list_filter = ["type", "community"]
    search_fields = ["name"]
    filter_horizontal = ["covered"]


class CommitteeSeatInline(admin.TabularInline):
    model = CommitteeSeat
    extra = 0
    autocomplete_fields = ["holder", "organisation"]


@admin.register(CommunityCommittee)
class CommunityCommitteeAdmin(AuditedModelAdmin):
    list_display = ["name", "community"]
    inlines = [CommitteeSeatInline]


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(AuditedModelAdmin):
    list_display = [
        "committee",
        "holder",
        "kind",
        "organisation",
        "term_start",
        "term_end",
    ]
    list_filter = ["kind", "committee"]
    autocomplete_fields = ["holder", "organisation"]
