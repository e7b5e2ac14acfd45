"""The generator of the synthetic data set: one community at a time, unsaved.

``synthetic.load_scale`` saves what a :class:`Generator` collects in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core import geo
from gongzhi.orgs.choices import OrganisationKind, PartyOrganisationType, SeatKind
from gongzhi.orgs.models import (
    CommitteeSeat,
    CommunityCommittee,
    Liaison,
    Organisation,
    PartyOrganisation,
)
from gongzhi.places.models import (
    Community,
    EconomicCooperative,
    Estate,
    Place,
    Street,
    Subdistrict,
)

from .accounts import DEMO_PASSWORD
from .geometry import line, line_length_m, rect

COMMUNITIES_PER_SUBDISTRICT = 10
# The grid: subdistricts of 0.16 x 0.07 degrees, ten to a row, starting north
# of Guicheng (which ends at 23.07 N); communities are 0.03-degree squares.
ORIGIN = (112.40, 23.10)
SUBDISTRICT_STEP = (0.17, 0.08)
COMMUNITY_SIZE = 0.03
# The grid grows north by a row of ten subdistricts per 100 communities; this
# many stay well below the pole.
MAX_SCALE = 10_000
TERM_START = dt.date(2026, 3, 1)

_A = "华安康宁富兴盛泰丰和瑞祥嘉荣德福金银锦绣凤龙湖岭"
_B = "山园城湾岗洲江沙冈海林田塘涌源溪苑庄河坑潭围基滘"
_TRADES = (
    "金辉 宏达 永利 嘉华 富盛 鸿运 德信 恒昌 荣兴 新丰 祥和 瑞丰 万福 兴隆 利民 华美 "
    "宝丰 长青 百合 翡翠 聚宝 明珠 天成 顺发 广源 和兴 隆昌 大成 鑫源 福满 锦程 恒泰 "
    "信达 安顺 康宁 益民 佳美 星光 海天 银河 南粤 岭南 珠江 丰年 乐活 启航 同心 朝阳"
).split()
_COOPS = "东村 西村 南村 北村 上街 下街 新村 大塘 沙头 岗头 塘边 桥头".split()
_ESTATES = "花园 豪庭 雅苑 新城 名都 华府 御景 翠湖".split()
_COMPANY_SUFFIXES = (
    "珠宝有限公司",
    "五金厂",
    "餐饮店",
    "电子商务有限公司",
    "物流有限公司",
    "服装厂",
    "超市",
    "药房",
    "玉器行",
    "装饰工程有限公司",
    "汽车维修店",
    "教育培训中心",
)
_ASSOCIATION_SUFFIXES = ("商会", "餐饮行业协会", "个体劳动者协会", "电商协会")
_SOCIAL_SUFFIXES = ("志愿服务队", "长者服务中心", "社工服务站", "文体协会")
_NUMERALS = "一二三四五六七八九十"
_SURNAMES = "陈李黄张梁何林罗吴周郭谢冯邓麦区潘叶关苏"
_GIVEN = "伟明秀英建国美玲志强淑芬丽华国强晓东婉仪嘉欣永康家豪慧敏少芳锦华"


def community_code(i: int) -> str:
    return f"SYN-C{i:05d}"


def subdistrict_code(j: int) -> str:
    return f"SYN-S{j:03d}"


def _root(index: int) -> str:
    """Return a unique two-character place name for ``index`` (0-based)."""
    x, block = index % len(_A), index // len(_A)
    y = (block + 7 * x) % len(_B)
    cycle = block // len(_B)
    return _A[x] + _B[y] + (str(cycle) if cycle else "")


P = TypeVar("P", bound=Place)


def _subdistrict_corner(j: int) -> tuple[float, float]:
    """Return the south-west corner (lng, lat) of subdistrict ``j`` (1-based)."""
    return (
        ORIGIN[0] + (j - 1) % 10 * SUBDISTRICT_STEP[0],
        ORIGIN[1] + (j - 1) // 10 * SUBDISTRICT_STEP[1],
    )


def _with_bounds(place: P, geometry: dict[str, Any]) -> P:
    place.geometry = geometry
    place.min_lng, place.min_lat, place.max_lng, place.max_lat = geo.bounds(geometry)
    return place


class Generator:
    """Build the unsaved rows of synthetic communities, in dependency order."""

    # Row lists in the order they must be saved (later rows refer to earlier ones).
    ORDER = (
        "subdistricts",
        "communities",
        "cooperatives",
        "estates",
        "streets",
        "users",
        "organisations",
        "party_committees",
        "party_branches",
        "committees",
        "seats",
        "liaisons",
        "roles",
    )

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rows: dict[str, list[Any]] = {name: [] for name in self.ORDER}
        # Many-to-many rows are known only as pairs until both sides have keys.
        self.org_estate_pairs: list[tuple[Organisation, Estate]] = []
        self.covered_pairs: list[tuple[PartyOrganisation, Organisation]] = []
        self.password = make_password(DEMO_PASSWORD)
        self.subdistricts: dict[int, Subdistrict] = {}

    def rng(self, *key: object) -> random.Random:
        # A string seed is hashed with SHA-512: stable across runs and platforms.
        seed = ":".join(["gongzhi-scale", str(self.seed), *map(str, key)])
        return random.Random(seed)  # noqa: S311  (test data, not secrets)

    def person(self, rng: random.Random) -> str:
        return rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))

    def phone(self, rng: random.Random) -> str:
        return rng.choice(("138", "139", "135", "137", "186", "159")) + "".join(
            rng.choices("0123456789", k=8)
        )

    def user(self, rng: random.Random, username: str, **fields: Any) -> User:
        user = User(
            username=username,
            display_name=self.person(rng),
            phone=self.phone(rng),
            password=self.password,
            **fields,
        )
        self.rows["users"].append(user)
        return user

    def role(self, user: User, role: str, **scope: Any) -> None:
        self.rows["roles"].append(RoleAssignment(user=user, role=role, **scope))

    def subdistrict(self, j: int) -> Subdistrict:
        if j in self.subdistricts:
            return self.subdistricts[j]
        existing = Subdistrict.objects.filter(code=subdistrict_code(j)).first()
        if existing is not None:
            self.subdistricts[j] = existing
            return existing
        west, south = _subdistrict_corner(j)
        sd = Subdistrict(code=subdistrict_code(j), name=f"{_root(j - 1)}街道")
        _with_bounds(sd, rect(west, south, west + 0.16, south + 0.07))
        self.rows["subdistricts"].append(sd)
        for suffix in ("市政管理办公室", "水务管理所"):
            self.rows["organisations"].append(
                Organisation(
                    name=f"{sd.name}{suffix}",
                    kind=OrganisationKind.GOVERNMENT,
                    subdistrict=sd,
                    phone="0757-86" + f"{j:06d}"[-6:],
                )
            )
        self.subdistricts[j] = sd
        return sd

    def community(self, i: int) -> None:
        rng = self.rng(i)
        j = (i - 1) // COMMUNITIES_PER_SUBDISTRICT + 1
        sd = self.subdistrict(j)
        m = (i - 1) % COMMUNITIES_PER_SUBDISTRICT
        sd_west, sd_south = _subdistrict_corner(j)
        west = sd_west + 0.005 + m % 5 * COMMUNITY_SIZE
        south = sd_south + 0.005 + m // 5 * COMMUNITY_SIZE
        root = _root(i - 1)
        code = community_code(i)
        community = Community(code=code, name=f"{root}社区", subdistrict=sd)
        _with_bounds(
            community, rect(west, south, west + COMMUNITY_SIZE, south + COMMUNITY_SIZE)
        )
        self.rows["communities"].append(community)
        coops, streets = self.places(rng, community, code, west, south)
        estates = self.estates(rng, community, code, root, west, south)
        staff = self.user(rng, f"syn{i:05d}.staff")
        secretary = self.user(rng, f"syn{i:05d}.secretary", is_party_member=True)
        self.role(staff, Role.STAFF, community=community)
        self.role(secretary, Role.LEADER, community=community)
        for t, street in enumerate(streets, start=1):
            chief = self.user(
                rng, f"syn{i:05d}.chief{t:02d}", is_party_member=rng.random() < 0.5
            )
            self.role(chief, Role.STREET_CHIEF, street=street)
        for k in range(1, 11):
            resident = self.user(
                rng, f"syn{i:05d}.resident{k:02d}", is_newcomer=rng.random() < 0.3
            )
            self.role(resident, Role.RESIDENT, community=community)
        for k in range(1, 4):
            volunteer = self.user(rng, f"syn{i:05d}.volunteer{k:02d}")
            self.role(volunteer, Role.VOLUNTEER, community=community)
        orgs = self.organisations(rng, community, root, coops, estates)
        self.party(rng, community, root, orgs, secretary)
        self.committee(rng, i, community, orgs, staff, secretary)

    def places(
        self,
        rng: random.Random,
        community: Community,
        code: str,
        west: float,
        south: float,
    ) -> tuple[list[EconomicCooperative], list[Street]]:
        n_coops = rng.randint(3, 6)
        width = COMMUNITY_SIZE / n_coops
        coop_south, coop_north = south + 0.012, south + COMMUNITY_SIZE
        coops = []
        for k, name in enumerate(rng.sample(_COOPS, n_coops)):
            w = west + k * width
            coop = EconomicCooperative(
                code=f"{code}-E{k + 1}", name=name, community=community
            )
            _with_bounds(coop, rect(w, coop_south, w + width, coop_north))
            coops.append(coop)
        self.rows["cooperatives"].extend(coops)
        n_streets = rng.randint(18, 22)
        per_coop = [
            n_streets // n_coops + (k < n_streets % n_coops) for k in range(n_coops)
        ]
        streets: list[Street] = []
        for k, (coop, count) in enumerate(zip(coops, per_coop, strict=True)):
            w = west + k * width
            for t in range(count):
                lat = coop_south + (t + 1) * (coop_north - coop_south) / (count + 1)
                name = (
                    f"{coop.name}大街" if t == 0 else f"{coop.name}{_NUMERALS[t - 1]}巷"
                )
                geometry = line((w + width * 0.1, lat), (w + width * 0.9, lat))
                street = Street(
                    code=f"{code}-S{len(streets) + 1:02d}",
                    name=name,
                    community=community,
                    cooperative=coop,
                    length_m=line_length_m(geometry),
                )
                streets.append(_with_bounds(street, geometry))
        self.rows["streets"].extend(streets)
        return coops, streets

    def estates(
        self,
        rng: random.Random,
        community: Community,
        code: str,
        root: str,
        west: float,
        south: float,
    ) -> list[Estate]:
        estates = []
        for e, word in enumerate(rng.sample(_ESTATES, rng.randint(2, 4))):
            w = west + 0.001 + e * 0.0074
            estate = Estate(
                code=f"{code}-H{e + 1}",
                name=f"{root}{word}",
                community=community,
                address=f"{root}{word}路{e + 1}号",
            )
            estates.append(
                _with_bounds(estate, rect(w, south + 0.002, w + 0.006, south + 0.010))
            )
        self.rows["estates"].extend(estates)
        return estates

    def organisations(
        self,
        rng: random.Random,
        community: Community,
        root: str,
        coops: list[EconomicCooperative],
        estates: list[Estate],
    ) -> list[Organisation]:
        """Return the new economic and social organisations (cooperatives aside)."""

        def org(name: str, kind: str, **fields: Any) -> Organisation:
            o = Organisation(
                name=name,
                kind=kind,
                community=community,
                subdistrict=community.subdistrict,
                phone="0757-8" + "".join(rng.choices("0123456789", k=7)),
                address=f"{community.name}{rng.randint(1, 300)}号",
                **fields,
            )
            self.rows["organisations"].append(o)
            return o

        orgs = []
        for estate in estates:
            pm = org(
                f"{estate.name}物业服务有限公司", OrganisationKind.PROPERTY_COMPANY
            )
            self.org_estate_pairs.append((pm, estate))
            orgs.append(pm)
        for coop in coops:
            org(f"{root}社区{coop.name}经济社", OrganisationKind.COOPERATIVE)
        total = rng.randint(26, 34) - len(estates) - len(coops)
        n_assoc, n_social = rng.randint(2, 4), rng.randint(1, 3)
        trades = rng.sample(_TRADES, total)
        for t, trade in enumerate(trades):
            if t < n_assoc:
                kind, suffix = (
                    OrganisationKind.ASSOCIATION,
                    rng.choice(_ASSOCIATION_SUFFIXES),
                )
            elif t < n_assoc + n_social:
                kind, suffix = OrganisationKind.SOCIAL, rng.choice(_SOCIAL_SUFFIXES)
            else:
                kind, suffix = OrganisationKind.COMPANY, rng.choice(_COMPANY_SUFFIXES)
            orgs.append(org(f"{root}{trade}{suffix}", kind))
        return orgs

    def party(
        self,
        rng: random.Random,
        community: Community,
        root: str,
        orgs: list[Organisation],
        instructor: User,
    ) -> None:
        """Cover about a quarter with own branches, a fifth with a joint branch,
        and reach a further sixth through an instructor."""
        draws = [rng.random() for _ in orgs]
        committee = PartyOrganisation(
            name=f"{root}社区党委",
            type=PartyOrganisationType.COMMITTEE,
            community=community,
            member_count=rng.randint(60, 200),
        )
        self.rows["party_committees"].append(committee)
        joint = [o for o, d in zip(orgs, draws, strict=True) if 0.25 <= d < 0.45]
        for o, draw in zip(orgs, draws, strict=True):
            if 0.45 <= draw < 0.6:
                o.party_instructor = instructor
            if draw < 0.25:
                self.rows["party_branches"].append(
                    PartyOrganisation(
                        name=f"{o.name}党支部",
                        type=PartyOrganisationType.BRANCH,
                        host=o,
                        parent=committee,
                        community=community,
                        member_count=rng.randint(3, 25),
                    )
                )
        if joint:
            branch = PartyOrganisation(
                name=f"{root}社区两新组织联合党支部",
                type=PartyOrganisationType.JOINT_BRANCH,
                parent=committee,
                community=community,
                member_count=rng.randint(5, 30),
            )
            self.rows["party_branches"].append(branch)
            self.covered_pairs.extend((branch, o) for o in joint)

    def committee(
        self,
        rng: random.Random,
        i: int,
        community: Community,
        orgs: list[Organisation],
        staff: User,
        secretary: User,
    ) -> None:
        committee = CommunityCommittee(
            community=community, name=f"{community.name}大党委"
        )
        self.rows["committees"].append(committee)
        term = {"term_start": TERM_START}
        for holder, title in ((secretary, "党委书记"), (staff, "专职委员")):
            self.rows["seats"].append(
                CommitteeSeat(
                    committee=committee,
                    holder=holder,
                    kind=SeatKind.FULL_TIME,
                    title=title,
                    **term,
                )
            )
        # One liaison for every property company and association; two of them
        # hold part-time seats.
        represented = [
            o
            for o in orgs
            if o.kind
            in (OrganisationKind.PROPERTY_COMPANY, OrganisationKind.ASSOCIATION)
        ]
        for k, o in enumerate(represented, start=1):
            liaison = self.user(rng, f"syn{i:05d}.liaison{k:02d}")
            self.role(liaison, Role.LIAISON, organisation=o)
            self.rows["liaisons"].append(
                Liaison(
                    organisation=o,
                    user=liaison,
                    title="联络员",
                    is_primary=True,
                )
            )
            if k <= 2:
                self.rows["seats"].append(
                    CommitteeSeat(
                        committee=committee,
                        holder=liaison,
                        kind=SeatKind.PART_TIME,
                        organisation=o,
                        title="兼职委员",
                        **term,
                    )
                )
