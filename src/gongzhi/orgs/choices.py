from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("association")
    COMPANY = "company", _("company")
    PROPERTY_COMPANY = "property_company", _("property company")
    COOPERATIVE = "cooperative", _("economic cooperative")
    GOVERNMENT = "government", _("government department")
    SOCIAL = "social", _("social organisation")


# Kinds counted as "new economic and social organisations" (两新组织) for the
# two-coverages report.
NEW_ECONOMIC_SOCIAL_KINDS = (
    OrganisationKind.ASSOCIATION,
    OrganisationKind.COMPANY,
    OrganisationKind.PROPERTY_COMPANY,
    OrganisationKind.SOCIAL,
)


class PartyOrganisationType(models.TextChoices):
    COMMITTEE = "committee", _("party committee")
    GENERAL_BRANCH = "general_branch", _("general party branch")
    BRANCH = "branch", _("party branch")
    JOINT_BRANCH = "joint_branch", _("joint party branch")


class SeatKind(models.TextChoices):
    FULL_TIME = "full_time", _("full-time member")
    PART_TIME = "part_time", _("part-time member")
