"""What a client needs besides cases: categories, units, and who it is."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from gongzhi.accounts.choices import Role
from gongzhi.accounts.permissions import active_assignments
from gongzhi.cases.models import Category
from gongzhi.cases.permissions import unit_ids
from gongzhi.cases.selectors_work import console_dispatch_units, dispatch_units
from gongzhi.orgs.choices import OrganisationKind
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Community

from ..auth import ApiRequest
from ..presenters import choice, ref
from ..schemas import CategoryOut, MeOut, UnitFilters, UnitOut, error_responses

router = Router(tags=["reference data"])


@router.get(
    "/categories",
    response={200: list[CategoryOut], **error_responses(401)},
    operation_id="category_list",
    summary="Categories in use, with their extra questions",
)
def list_categories(request: ApiRequest) -> list[dict[str, Any]]:
    categories = Category.objects.filter(is_active=True).prefetch_related("attributes")
    return [
        {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "group": c.group,
            "description": c.description,
            "default_urgency": c.default_urgency,
            "attributes": [
                {
                    "code": a.code,
                    "datatype": a.datatype,
                    "question": a.question,
                    "required": a.required,
                    "order": a.order,
                    "values": [
                        {
                            "key": str(v.get("key", "")),
                            "name": a.value_name(str(v.get("key", ""))),
                        }
                        for v in a.values
                        if isinstance(v, dict)
                    ],
                }
                for a in c.attributes.all()
            ],
        }
        for c in categories
    ]


@router.get(
    "/units",
    response={200: list[UnitOut], **error_responses(400, 401)},
    operation_id="unit_list",
    summary="Units (organisations) cases can be dispatched to",
)
def list_units(
    request: ApiRequest, filters: Query[UnitFilters]
) -> list[dict[str, Any]]:
    """Active units serving the communities you staff (every unit for a
    platform admin), or only those serving the given community."""
    units = console_dispatch_units(request.auth)
    if filters.community is not None:
        units = units & dispatch_units(
            communities=Community.objects.filter(pk=filters.community)
        )
    units = units.select_related("community")
    return [
        {
            "id": u.pk,
            "name": u.name,
            "short_name": u.short_name,
            "kind": choice(u.kind, OrganisationKind),
            "community": ref(u.community),
        }
        for u in units
    ]


@router.get(
    "/me",
    response={200: MeOut, **error_responses(401)},
    operation_id="me",
    summary="Who you are: roles, scopes and units",
)
def me(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    roles = [
        {
            "role": choice(a.role, Role),
            "scope_kind": a.scope_kind,
            "scope_id": getattr(a.scope, "pk", None),
            "scope_name": str(a.scope or ""),
        }
        for a in active_assignments(user)
    ]
    held = active_assignments(user)
    if user.is_superuser and not any(a.role == Role.ADMIN for a in held):
        roles.append(
            {
                "role": choice(Role.ADMIN, Role),
                "scope_kind": "platform",
                "scope_id": None,
                "scope_name": "",
            }
        )
    units = Organisation.objects.filter(pk__in=unit_ids(user)).order_by("name")
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": str(user),
        "roles": roles,
        "units": [ref(u) for u in units],
    }
