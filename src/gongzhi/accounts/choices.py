from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("resident")
    STREET_CHIEF = "street_chief", _("street chief")
    VOLUNTEER = "volunteer", _("volunteer")
    LIAISON = "liaison", _("organisation liaison")
    HANDLER = "handler", _("department handler")
    STAFF = "staff", _("community staff")
    LEADER = "leader", _("leader")
    DRAINAGE_OPERATOR = "drainage_operator", _("drainage operator")
    ADMIN = "admin", _("platform admin")


class ScopeKind(models.TextChoices):
    PLATFORM = "platform", _("whole platform")
    SUBDISTRICT = "subdistrict", _("subdistrict")
    COMMUNITY = "community", _("community")
    COOPERATIVE = "cooperative", _("economic cooperative")
    STREET = "street", _("street")
    ORGANISATION = "organisation", _("organisation")


# Which scope kinds each role may be given. The first is the usual one.
ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    Role.RESIDENT: (ScopeKind.COMMUNITY,),
    Role.STREET_CHIEF: (ScopeKind.STREET,),
    Role.VOLUNTEER: (ScopeKind.COMMUNITY,),
    Role.LIAISON: (ScopeKind.ORGANISATION,),
    Role.HANDLER: (ScopeKind.ORGANISATION,),
    Role.STAFF: (ScopeKind.COMMUNITY, ScopeKind.SUBDISTRICT, ScopeKind.COOPERATIVE),
    Role.LEADER: (ScopeKind.COMMUNITY, ScopeKind.SUBDISTRICT),
    Role.DRAINAGE_OPERATOR: (ScopeKind.ORGANISATION, ScopeKind.SUBDISTRICT),
    Role.ADMIN: (ScopeKind.PLATFORM,),
}


class ConsentPurpose(models.TextChoices):
    CASE_CONTACT = "case_contact", _("contact about my reports")
    CARE_LIST = "care_list", _("inclusion on the care list")
    VOLUNTEERING = "volunteering", _("volunteer registration")
    PUBLIC_NAME = "public_name", _("showing my name publicly")
