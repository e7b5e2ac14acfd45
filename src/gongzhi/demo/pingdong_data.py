"""The contents of the Pingdong demo data set: places, organisations, seats.

``pingdong.py`` loads these tables; its docstring explains the modelling choices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gongzhi.orgs.choices import OrganisationKind, PartyOrganisationType, SeatKind

from .geometry import rect

SUBDISTRICT_CODE = "GC"
COMMUNITY_CODE = "PD"

# --- Places ------------------------------------------------------------------
# Guicheng contains every community; Pingdong (near 23.03 N, 113.17 E) lies in
# its south-east, on the Guangzhou border. Sibling rectangles only touch.
# fmt: off
SUBDISTRICT = (SUBDISTRICT_CODE, "桂城街道", rect(113.110, 22.990, 113.200, 23.070))

COMMUNITIES = [
    (COMMUNITY_CODE, "平东社区", rect(113.160, 23.016, 113.192, 23.040)),
    ("YC", "怡翠社区", rect(113.120, 23.045, 113.140, 23.065)),
    ("ZH", "中汇社区", rect(113.140, 23.045, 113.160, 23.065)),
    ("TC", "同成社区", rect(113.160, 23.045, 113.180, 23.065)),
    ("TD", "同德社区", rect(113.120, 23.020, 113.140, 23.040)),
    ("JD", "尖东社区", rect(113.140, 23.020, 113.158, 23.040)),
    ("DW", "大圩社区", rect(113.120, 22.995, 113.140, 23.015)),
]

# Pingdong's cooperatives: two rows of 0.008-degree cells (about 800 m square)
# in the north of the community; the jade street runs along its south.
COOPERATIVES = [
    ("PD-DC", "东村", rect(113.160, 23.032, 113.168, 23.040)),
    ("PD-JB", "江表", rect(113.168, 23.032, 113.176, 23.040)),
    ("PD-JBS", "江表上街", rect(113.176, 23.032, 113.184, 23.040)),
    ("PD-PT", "泮塘", rect(113.184, 23.032, 113.192, 23.040)),
    ("PD-LF", "六坊", rect(113.160, 23.024, 113.168, 23.032)),
    ("PD-XS", "新石", rect(113.168, 23.024, 113.176, 23.032)),
    ("PD-ST", "石潭", rect(113.176, 23.024, 113.184, 23.032)),
]

# (code, name, community, cooperative, geometry, address)
ESTATES = [
    ("PD-CBY", "翠宝园", COMMUNITY_CODE, None,
     rect(113.185, 23.025, 113.191, 23.031), "桂城街道平东玉器新城翠宝路"),
    ("YC-YCHY", "怡翠花园", "YC", None,
     rect(113.125, 23.050, 113.133, 23.056), "桂城街道怡翠路"),
]

# The six pilot streets of 江表上街, about 130 m apart, west to east.
JBS_STREETS = [
    ("JBS-01", "江表上街大街", 23.0330, 113.1766, 113.1834),
    ("JBS-02", "江表上街一巷", 23.0342, 113.1772, 113.1812),
    ("JBS-03", "江表上街二巷", 23.0354, 113.1772, 113.1808),
    ("JBS-04", "江表上街三巷", 23.0366, 113.1774, 113.1814),
    ("JBS-05", "江表上街四巷", 23.0378, 113.1772, 113.1806),
    ("JBS-06", "江表上街五巷", 23.0390, 113.1776, 113.1810),
]
# (code, name, cooperative or None, latitude, west, east)
STREETS = [
    *((code, name, "PD-JBS", lat, w, e) for code, name, lat, w, e in JBS_STREETS),
    ("DC-01", "东村大街", "PD-DC", 23.0360, 113.1610, 113.1670),
    ("JB-01", "江表大街", "PD-JB", 23.0360, 113.1690, 113.1750),
    ("PT-01", "泮塘大街", "PD-PT", 23.0360, 113.1850, 113.1910),
    ("LF-01", "六坊大街", "PD-LF", 23.0280, 113.1610, 113.1670),
    ("XS-01", "新石大街", "PD-XS", 23.0280, 113.1690, 113.1750),
    ("ST-01", "石潭大街", "PD-ST", 23.0280, 113.1770, 113.1830),
    ("YQ-01", "平洲玉器街", None, 23.0200, 113.1620, 113.1900),
]
# fmt: on


# --- Organisations -------------------------------------------------------------
@dataclass(frozen=True)
class OrgSpec:
    """One organisation of the demo, under the code the account scopes use."""

    code: str
    name: str
    kind: str
    community: str | None
    short_name: str = ""
    address: str = ""
    phone: str = ""
    founded_on: dt.date | None = None
    estates: tuple[str, ...] = ()
    instructor: str | None = None  # username of the party-building instructor
    is_active: bool = True


# fmt: off
_K = OrganisationKind
ORGANISATIONS = [
    OrgSpec("PZ-JADE", "平洲珠宝玉器协会", _K.ASSOCIATION, COMMUNITY_CODE, "玉器协会",
            "桂城街道平洲玉器街玉器协会大楼", "0757-86791001", dt.date(2003, 5, 18)),
    OrgSpec("GC-JADE-EC", "桂城珠宝玉石电商协会", _K.ASSOCIATION, COMMUNITY_CODE,
            "电商协会", "桂城街道平东玉器新城电商中心三楼", "0757-86791002",
            dt.date(2020, 9, 1)),
    OrgSpec("CUIBAO-PM", "平东玉器新城（翠宝园）物业发展有限公司", _K.PROPERTY_COMPANY,
            COMMUNITY_CODE, "翠宝园物业", "桂城街道平东玉器新城翠宝路1号",
            "0757-86791003", dt.date(2005, 3, 8), estates=("PD-CBY",)),
    OrgSpec("YUDE-FARM", "玉德农场", _K.COMPANY, COMMUNITY_CODE, "",
            "桂城街道平东石潭经济社", "0757-86791004", dt.date(2012, 4, 1)),
    OrgSpec("JADE-CUIHUA", "平洲翠华珠宝行", _K.COMPANY, COMMUNITY_CODE, "",
            "桂城街道平洲玉器街18号", "0757-86791005", dt.date(2008, 10, 12)),
    OrgSpec("JADE-MINGYU", "平东明玉翡翠商行", _K.COMPANY, COMMUNITY_CODE, "",
            "桂城街道平洲玉器街26号", "0757-86791006", dt.date(2011, 6, 6)),
    OrgSpec("JADE-YUYUAN", "玉缘阁翡翠工作室", _K.COMPANY, COMMUNITY_CODE, "",
            "桂城街道平洲玉器街33号", "0757-86791007", dt.date(2016, 8, 8)),
    OrgSpec("JADE-BOURSE", "平洲翡翠原石交易中心", _K.COMPANY, COMMUNITY_CODE,
            "原石交易中心", "桂城街道平洲玉器街公盘大厦", "0757-86791008",
            dt.date(2009, 1, 15), instructor="pingdong.secretary"),
    OrgSpec("JADE-LIVE", "平东玉雕直播电商基地", _K.COMPANY, COMMUNITY_CODE,
            "直播基地", "桂城街道平东旧工业区改造园2号楼", "0757-86791009",
            dt.date(2021, 11, 11)),
    OrgSpec("JBS-MUTUAL", "平东江表上街街坊志愿互助会", _K.SOCIAL, COMMUNITY_CODE,
            "街坊志愿互助会", "桂城街道平东江表上街大街", "0757-86791010",
            dt.date(2025, 3, 5), instructor="chief.jb1"),
    OrgSpec("JBS-COOP", "平东社区江表上街经济社", _K.COOPERATIVE, COMMUNITY_CODE,
            "江表上街经济社", "桂城街道平东江表上街大街", "0757-86791011"),
    # Closed when the old industrial zone was renovated: kept, but not counted.
    OrgSpec("JADE-OLDWORKS", "平东玉石加工厂", _K.COMPANY, COMMUNITY_CODE, "",
            "桂城街道平东旧工业区", "0757-86791012", dt.date(1998, 2, 1),
            is_active=False),
    OrgSpec("YICUI-PM", "怡翠花园物业服务有限公司", _K.PROPERTY_COMPANY, "YC",
            "怡翠花园物业", "桂城街道怡翠路怡翠花园", "0757-86792001",
            dt.date(2001, 7, 1), estates=("YC-YCHY",)),
    OrgSpec("GC-URBAN", "桂城街道市政管理办公室", _K.GOVERNMENT, None, "市政管理办",
            "桂城街道南海大道", "0757-86333001"),
    OrgSpec("GC-WATER", "桂城街道水务管理所", _K.GOVERNMENT, None, "水务所",
            "桂城街道南海大道", "0757-86333002"),
    OrgSpec("GC-PARTY", "桂城街道党群服务中心", _K.GOVERNMENT, None, "党群服务中心",
            "桂城街道南海大道", "0757-86333003"),
]
# fmt: on


# The account scopes (demo/accounts.py) name organisations as org:CODE;
# Organisation has no code field, so the code maps to the unique name.
ORGANISATION_NAMES: dict[str, str] = {spec.code: spec.name for spec in ORGANISATIONS}


@dataclass(frozen=True)
class PartySpec:
    name: str
    type: str
    host: str | None
    founded_on: dt.date
    member_count: int
    covered: tuple[str, ...] = field(default_factory=tuple)
    parent: str | None = None


# fmt: off
PARTY_COMMITTEE = "平东社区党委"
PARTY_ORGANISATIONS = [
    PartySpec(PARTY_COMMITTEE, PartyOrganisationType.COMMITTEE, None,
              dt.date(2003, 7, 1), 126),
    PartySpec("平洲珠宝玉器协会党支部", PartyOrganisationType.BRANCH, "PZ-JADE",
              dt.date(2018, 6, 28), 15, parent=PARTY_COMMITTEE),
    PartySpec("桂城珠宝玉石电商协会党支部", PartyOrganisationType.BRANCH, "GC-JADE-EC",
              dt.date(2026, 11, 17), 7, parent=PARTY_COMMITTEE),
    PartySpec("平东玉器街商户联合党支部", PartyOrganisationType.JOINT_BRANCH, None,
              dt.date(2021, 6, 30), 9,
              covered=("JADE-CUIHUA", "JADE-MINGYU", "JADE-YUYUAN"),
              parent=PARTY_COMMITTEE),
]

COMMITTEE_NAME = "平东社区大党委"
# The seats of the current term (the committees were re-elected in early 2026).
TERM = (dt.date(2026, 3, 1), dt.date(2031, 2, 28))
# (holder, kind, organisation code, title)
SEATS = [
    ("pingdong.secretary", SeatKind.FULL_TIME, None, "党委书记"),
    ("pingdong.staff", SeatKind.FULL_TIME, None, "专职委员"),
    ("liaison.cuibao", SeatKind.PART_TIME, "CUIBAO-PM", "兼职委员（翠宝园物业总经理）"),
    ("liaison.jade", SeatKind.PART_TIME, "PZ-JADE", "兼职委员（玉器协会秘书长）"),
]
# (username, organisation code, title)
LIAISONS = [
    ("liaison.cuibao", "CUIBAO-PM", "总经理"),
    ("liaison.jade", "PZ-JADE", "秘书长"),
]
# fmt: on


_PHONE_PREFIXES = ("138", "139", "135", "137", "186", "159", "188", "150")


def demo_phone(index: int) -> str:
    """Return a plausible, fixed mobile number for the ``index``-th demo account."""
    prefix = _PHONE_PREFIXES[index % len(_PHONE_PREFIXES)]
    return f"{prefix}{(index * 7_340_033 + 20_261_117) % 100_000_000:08d}"
