"""The Pingdong demo data set: contents, idempotence, geometry, coverage."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test import RequestFactory
from shapely.geometry import shape

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core.models import AuditEvent
from gongzhi.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from gongzhi.demo.pingdong import (
    ORGANISATION_NAMES,
    demo_phone,
    load_pingdong,
    resolve_scope,
)
from gongzhi.orgs.choices import SeatKind
from gongzhi.orgs.models import (
    CommitteeSeat,
    CommunityCommittee,
    Liaison,
    Organisation,
    PartyOrganisation,
)
from gongzhi.orgs.selectors import coverage_get, uncovered_organisations
from gongzhi.places.models import (
    Community,
    EconomicCooperative,
    Estate,
    Street,
    Subdistrict,
)
from gongzhi.places.selectors import place_locate

pytestmark = pytest.mark.django_db

MODELS = [
    Subdistrict,
    Community,
    EconomicCooperative,
    Estate,
    Street,
    User,
    RoleAssignment,
    Organisation,
    PartyOrganisation,
    CommunityCommittee,
    CommitteeSeat,
    Liaison,
    Organisation.estates.through,
    PartyOrganisation.covered.through,
    AuditEvent,
]


@pytest.fixture
def pingdong() -> dict[str, int]:
    return load_pingdong()


def _table_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in MODELS}


def test_loader_builds_the_designed_data_set(pingdong):
    assert pingdong == {
        "subdistricts": 1,
        "communities": 7,
        "cooperatives": 7,
        "estates": 2,
        "streets": 13,
        "organisations": 16,
        "party_organisations": 4,
        "committee_seats": 4,
        "users": 18,
        "role_assignments": 18,
        "liaisons": 2,
        "created": 93,
    }


def test_loader_is_idempotent(pingdong):
    # given the data set loaded once
    before = _table_counts()

    # when it is loaded again
    again = load_pingdong()

    # then nothing is added, not even an audit event
    assert again == {**pingdong, "created": 0}
    assert _table_counts() == before


def test_loader_writes_through_services_as_the_system(pingdong):
    events = AuditEvent.objects.filter(action="organisation.create")
    assert events.count() == 16
    assert not events.filter(actor__isnull=False).exists()
    assert AuditEvent.objects.filter(action="place.set_geometry").count() == 30
    assert AuditEvent.objects.filter(action="role.assign").count() == 18


def test_six_street_chiefs_on_the_pilot_streets_three_of_them_party_members(pingdong):
    chiefs = RoleAssignment.objects.filter(role="street_chief").select_related(
        "user", "street__cooperative"
    )
    assert sorted(a.street.code for a in chiefs) == [f"JBS-0{i}" for i in range(1, 7)]
    assert {a.street.cooperative.name for a in chiefs} == {"江表上街"}
    assert sum(a.user.is_party_member for a in chiefs) == 3


def test_ecommerce_association_branch_founded_on_17_november_2026(pingdong):
    branch = PartyOrganisation.objects.get(host__name="桂城珠宝玉石电商协会")
    assert branch.founded_on == dt.date(2026, 11, 17)
    assert branch.parent.name == "平东社区党委"
    assert branch.parent.type == "committee"


def test_three_association_party_organisations_under_the_community_committee(
    pingdong,
):
    committee = PartyOrganisation.objects.get(name="平东社区党委")
    assert committee.children.count() == 3
    joint = committee.children.get(type="joint_branch")
    assert sorted(joint.covered.values_list("name", flat=True)) == [
        "平东明玉翡翠商行",
        "平洲翠华珠宝行",
        "玉缘阁翡翠工作室",
    ]


def test_cuibao_manager_holds_a_part_time_seat_for_the_property_company(pingdong):
    seat = CommitteeSeat.objects.get(holder__username="liaison.cuibao")
    assert seat.kind == SeatKind.PART_TIME
    assert seat.committee.name == "平东社区大党委"
    assert seat.organisation.name == ORGANISATION_NAMES["CUIBAO-PM"]
    assert list(seat.organisation.estates.values_list("name", flat=True)) == ["翠宝园"]
    assert Liaison.objects.get(user=seat.holder).organisation == seat.organisation


def test_committee_has_full_time_and_part_time_seats(pingdong):
    seats = CommitteeSeat.objects.filter(committee__community__code="PD")
    assert sorted(
        seats.filter(kind=SeatKind.FULL_TIME).values_list("holder__username", flat=True)
    ) == ["pingdong.secretary", "pingdong.staff"]
    assert sorted(
        seats.filter(kind=SeatKind.PART_TIME).values_list("holder__username", flat=True)
    ) == ["liaison.cuibao", "liaison.jade"]


def test_every_demo_account_signs_in_with_its_role_and_scope(pingdong):
    for account in DEMO_ACCOUNTS:
        request = RequestFactory().post("/accounts/login/")

        user = authenticate(request, username=account.username, password=DEMO_PASSWORD)

        assert user is not None, account.username
        assert user.display_name == account.display_name
        assert user.is_party_member == account.is_party_member
        (assignment,) = user.role_assignments.all()
        assert assignment.role == account.role
        assert assignment.scope == resolve_scope(account.scope)
        assert assignment.is_current()


def test_admin_account_can_use_the_admin_site(pingdong):
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser


def test_phone_numbers_are_encrypted_at_rest(pingdong):
    with connection.cursor() as cursor:
        cursor.execute("SELECT username, phone FROM accounts_user")
        stored = dict(cursor.fetchall())
    phones = {a.username: demo_phone(i) for i, a in enumerate(DEMO_ACCOUNTS)}
    for username, phone in phones.items():
        assert stored[username].startswith("enc1:")
        assert phone not in stored[username]
        assert User.objects.get(username=username).phone == phone
    assert all(len(p) == 11 and p.startswith("1") for p in phones.values())


def test_a_point_on_a_pilot_street_locates_street_cooperative_and_community(pingdong):
    for street in Street.objects.filter(code__startswith="JBS-"):
        (west, lat), (east, _) = street.geometry["coordinates"]

        # about 5 m north of the centre line, half way along
        where = place_locate(lat=lat + 0.00005, lng=(west + east) / 2)

        assert where.street == street
        assert where.cooperative.code == "PD-JBS"
        assert where.community.code == "PD"
        assert where.subdistrict.code == "GC"
        assert where.estate is None


def test_a_point_in_cuibao_garden_locates_the_estate_outside_cooperatives(pingdong):
    where = place_locate(lat=23.028, lng=113.188)

    assert where.estate.name == "翠宝园"
    assert where.cooperative is None
    assert where.community.code == "PD"


def _shapes(qs):
    return {p.code: shape(p.geometry) for p in qs}


def test_places_nest_and_siblings_do_not_overlap(pingdong):
    guicheng = shape(Subdistrict.objects.get(code="GC").geometry)
    communities = _shapes(Community.objects.all())
    levels = [
        (guicheng, communities),
        (communities["PD"], _shapes(EconomicCooperative.objects.all())),
    ]
    for estate in Estate.objects.select_related("community"):
        assert communities[estate.community.code].contains(shape(estate.geometry))
    for street in Street.objects.select_related("cooperative", "community"):
        outer = street.cooperative or street.community
        assert shape(outer.geometry).contains(shape(street.geometry)), street.code
        assert street.min_lat == street.max_lat == street.geometry["coordinates"][0][1]
    for outer, inner in levels:
        for geom in inner.values():
            assert outer.contains(geom)
        for a, b in itertools.combinations(inner.values(), 2):
            assert a.intersection(b).area == 0


def test_two_coverages_of_pingdong(pingdong):
    coverage = coverage_get(community=Community.objects.get(code="PD"))

    # 10 active new economic and social organisations; the two association
    # branches and the joint branch's three shops give 5 organisation
    # coverage; instructors reach the trading centre and the mutual-aid
    # association as well: 7 work coverage.
    assert (coverage.total, coverage.organisation_covered, coverage.work_covered) == (
        10,
        5,
        7,
    )
    assert coverage.organisation_coverage == 0.5
    assert coverage.work_coverage == 0.7
    uncovered = uncovered_organisations(community=coverage.community)
    assert sorted(uncovered.values_list("name", flat=True)) == sorted(
        ORGANISATION_NAMES[code]
        for code in ("CUIBAO-PM", "YUDE-FARM", "JADE-LIVE", "JADE-BOURSE", "JBS-MUTUAL")
    )


def test_resolve_scope_rejects_an_unknown_kind(pingdong):
    with pytest.raises(ValueError, match="Unknown scope kind 'grid'"):
        resolve_scope("grid:X")
