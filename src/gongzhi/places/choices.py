from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("subdistrict")
    COMMUNITY = "community", _("community")
    COOPERATIVE = "cooperative", _("economic cooperative")
    ESTATE = "estate", _("housing estate")
    STREET = "street", _("street")
    GRID = "grid", _("grid")
