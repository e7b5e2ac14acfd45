"""The cases part of the Pingdong demo: categories, routing, deadlines, 30 cases.

``pingdong_cases.py`` loads these tables through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongzhi.cases.choices import AttributeType, Urgency

_T = AttributeType


def _choices(*pairs: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"key": k, "name_zh": zh, "name_en": en} for k, zh, en in pairs]


@dataclass(frozen=True)
class Question:
    code: str
    datatype: str
    question_zh: str
    question_en: str
    required: bool = False
    values: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name_zh: str
    name_en: str
    group: str
    keywords: str
    description: str = ""
    default_urgency: str = Urgency.GENERAL
    questions: tuple[Question, ...] = ()


# fmt: off
CATEGORIES = [
    CategorySpec(
        "sanitation", "环境卫生", "Sanitation", "市容环境",
        "垃圾,卫生,清扫,脏乱,异味,公厕,rubbish,litter,dirty",
        "垃圾堆放、路面不洁、公厕卫生等。",
    ),
    CategorySpec(
        "illegal-parking", "违章停车", "Illegal parking", "交通出行",
        "停车,占道,堵塞,消防通道,违停,parking,blocked",
        "机动车、非机动车违停，占用消防通道。",
        questions=(
            Question("plate", _T.STRING, "车牌号（如看得清）",
                     "Number plate (if legible)"),
            Question("vehicle", _T.SINGLE, "车辆类型", "Kind of vehicle", True,
                     _choices(("car", "小汽车", "car"), ("truck", "货车", "lorry"),
                              ("ebike", "电动车", "e-bike"))),
        ),
    ),
    CategorySpec(
        "ebike-charging", "电动车违规充电", "E-bike charging", "安全隐患",
        "电动车,充电,飞线,楼道,电瓶,e-bike,charging",
        "楼道、室内或私拉电线给电动自行车充电（火灾隐患）。",
        default_urgency=Urgency.URGENT,
        questions=(
            Question("location_type", _T.SINGLE, "充电位置", "Where it is charged",
                     True,
                     _choices(("corridor", "楼道", "stairwell or corridor"),
                              ("indoors", "室内", "indoors"),
                              ("flying_wire", "飞线充电", "cable from a window"),
                              ("other", "其他", "elsewhere"))),
            Question("bikes", _T.NUMBER, "电动车数量", "Number of e-bikes"),
        ),
    ),
    CategorySpec(
        "garbage-sorting", "垃圾分类", "Garbage sorting", "市容环境",
        "垃圾分类,混投,厨余,可回收,sorting,recycling",
        "分类投放点、混投、清运不及时。",
        questions=(
            Question("bin", _T.SINGLE, "涉及哪类垃圾", "Which kind of waste",
                     values=_choices(("kitchen", "厨余垃圾", "kitchen waste"),
                                     ("recyclable", "可回收物", "recyclables"),
                                     ("hazardous", "有害垃圾", "hazardous waste"),
                                     ("other", "其他垃圾", "other waste"))),
        ),
    ),
    CategorySpec(
        "green-trees", "绿化树木", "Green space and trees", "市容环境",
        "树,绿化,倒伏,修剪,杂草,tree,green,grass",
        "树木倾斜倒伏、枝条过低、绿化带缺管养。",
        questions=(
            Question("species", _T.STRING, "树种（如知道）",
                     "Tree species (if known)"),
            Question("danger", _T.SINGLE, "是否有倒伏或砸伤危险",
                     "Could it fall or hurt someone?", True,
                     _choices(("yes", "有", "yes"), ("no", "没有", "no"))),
        ),
    ),
    CategorySpec(
        "drainage-flooding", "排水内涝", "Drainage and flooding", "排水防涝",
        "积水,内涝,下水道,井盖,排水,堵塞,flood,drain,manhole",
        "路面积水、下水道堵塞、井盖缺损、污水外溢。",
        default_urgency=Urgency.URGENT,
        questions=(
            Question("depth_cm", _T.NUMBER, "积水深度（厘米）",
                     "Water depth (cm)", True),
            Question("since", _T.DATETIME, "积水开始时间", "Flooded since"),
        ),
    ),
    CategorySpec(
        "elder-care", "长者关爱", "Elder care", "民生服务",
        "长者,老人,独居,探访,助餐,elderly,visit",
        "独居、困难长者需要探访、助餐、助医。",
        questions=(
            Question("needs", _T.MULTI, "需要哪些帮助", "What help is needed",
                     values=_choices(("visit", "上门探访", "a visit"),
                                     ("meals", "助餐", "meals"),
                                     ("medical", "助医", "medical help"),
                                     ("errands", "代购", "errands"))),
            Question("lives_alone", _T.SINGLE, "是否独居", "Lives alone?",
                     values=_choices(("yes", "是", "yes"), ("no", "否", "no"))),
        ),
    ),
    CategorySpec(
        "neighbour-dispute", "邻里纠纷", "Neighbour dispute", "矛盾调解",
        "噪音,纠纷,邻居,装修,占用,noise,dispute,neighbour",
        "噪音、漏水、占用公共空间等邻里矛盾。",
        default_urgency=Urgency.COMPLEX,
    ),
    CategorySpec(
        "jade-market", "玉器街营商环境", "Jade-market business environment",
        "营商环境", "玉器街,商户,占道经营,摆卖,游客,jade,market,shop",
        "平洲玉器街一带的占道经营、秩序、配套设施。",
        questions=(
            Question("shop", _T.STRING, "涉及商铺（如知道）", "Shop (if known)"),
            Question("issues", _T.MULTI, "问题类型", "Kind of problem",
                     values=_choices(("stalls", "占道摆卖", "stalls on the street"),
                                     ("noise", "噪音", "noise"),
                                     ("parking", "停车", "parking"),
                                     ("facilities", "配套设施", "facilities"))),
        ),
    ),
    CategorySpec(
        "enquiry-suggestion", "咨询建议", "Enquiries and suggestions", "咨询建议",
        "咨询,建议,政策,办理,怎么,enquiry,suggestion,question",
        "政策咨询、办事指引和对社区工作的建议。",
        questions=(
            Question("details", _T.TEXT, "补充说明", "Anything else we should know"),
        ),
    ),
]
# fmt: on


@dataclass(frozen=True)
class RuleSpec:
    """A routing rule; place is ``kind:CODE`` (community, cooperative, estate,
    street) or empty for anywhere; org codes as in pingdong_data."""

    category: str | None
    place: str
    lead: str
    assisting: tuple[str, ...] = ()


# fmt: off
ROUTING_RULES = [
    RuleSpec(None, "", "GC-URBAN"),  # the default
    RuleSpec("sanitation", "", "GC-URBAN"),
    RuleSpec("illegal-parking", "", "GC-URBAN"),
    RuleSpec("ebike-charging", "", "GC-URBAN"),
    RuleSpec("garbage-sorting", "", "GC-URBAN"),
    RuleSpec("green-trees", "", "GC-URBAN"),
    RuleSpec("drainage-flooding", "", "GC-WATER"),
    RuleSpec("elder-care", "", "GC-PARTY"),
    RuleSpec("elder-care", "cooperative:PD-JBS", "GC-PARTY", ("JBS-MUTUAL",)),
    RuleSpec("neighbour-dispute", "", "GC-PARTY"),
    RuleSpec("enquiry-suggestion", "", "GC-PARTY"),
    RuleSpec("jade-market", "community:PD", "PZ-JADE", ("GC-URBAN",)),
    # The 翠宝园 property company looks after everything inside its estate …
    RuleSpec(None, "estate:PD-CBY", "CUIBAO-PM"),
    # … with the water authority helping on flooding there.
    RuleSpec("drainage-flooding", "estate:PD-CBY", "CUIBAO-PM", ("GC-WATER",)),
]
# fmt: on

# (urgency, sign-off days, contact hours, resolution days, cap) — DESIGN §3.
DEFAULT_POLICIES: list[tuple[str, int, int, int, int]] = [
    (Urgency.URGENT, 1, 24, 1, 15),
    (Urgency.GENERAL, 1, 24, 3, 15),
    (Urgency.COMPLEX, 1, 24, 7, 15),
]
# Category overrides: flooding must be answered within two hours.
CATEGORY_POLICIES: list[tuple[str, str, int, int, int, int]] = [
    ("drainage-flooding", Urgency.URGENT, 1, 2, 1, 5),
]

# Who acts for each organisation of the demo (a handler or liaison account).
UNIT_ACCOUNTS = {
    "GC-URBAN": "handler.sanitation",
    "GC-WATER": "handler.water",
    "GC-PARTY": "handler.party",
    "CUIBAO-PM": "liaison.cuibao",
    "PZ-JADE": "liaison.jade",
}


@dataclass(frozen=True)
class DemoCase:
    """One demo case and its story.

    ``where`` is ``street:CODE`` (a point on the street), ``estate:CODE`` (a
    point in the estate) or ``community:CODE``. ``reporter`` is ``resident``
    (the demo account), ``phone`` (a name and phone number, no account),
    ``anonymous`` or ``hotline`` (entered by staff from a call). Each step is
    (action, working days before the last working day, "HH:MM", argument).
    """

    key: str
    category: str
    where: str
    description: str
    steps: tuple[tuple[str, int, str, str], ...]
    attributes: dict[str, Any] = field(default_factory=dict)
    reporter: str = "resident"
    urgency: str | None = None


def _closed(
    days: int, solved: str = "yes", satisfaction: str = "satisfied"
) -> tuple[tuple[str, int, str, str], ...]:
    """The usual story to a rating ``days`` working days ago."""
    d = days
    return (
        ("accept", d + 3, "09:00", ""),
        ("dispatch", d + 3, "09:30", ""),
        ("ack", d + 3, "10:00", ""),
        ("contact", d + 3, "10:30", "电话联系报告人，约定处理时间"),
        ("start", d + 3, "11:00", ""),
        ("reply", d + 2, "15:00", "已安排人员现场处理完毕，见回单照片。"),
        ("verify", d + 2, "16:30", "现场核查，已处理。"),
        ("rate", d, "09:00", f"{solved}/{satisfaction}"),
    )


# fmt: off
DEMO_CASES = [
    # --- closed -----------------------------------------------------------------------
    DemoCase("PD-01", "sanitation", "street:JBS-01",
             "江表上街大街8号旁垃圾桶满溢，异味很大，已经两天没人清运。",
             (("report", 8, "08:10", ""), *_closed(5))),
    DemoCase("PD-02", "illegal-parking", "street:YQ-01",
             "玉器街口有货车长期占道停放，早晚高峰行人和电动车都过不去。",
             (("report", 9, "07:40", ""), *_closed(6, "partly", "basically")),
             attributes={"plate": "粤E·3J8**", "vehicle": "truck"},
             reporter="phone"),
    DemoCase("PD-03", "ebike-charging", "estate:PD-CBY",
             "翠宝园5座三楼有住户从窗口拉电线给楼下电动车充电，晚上一直插着。",
             (("report", 8, "21:15", ""), *_closed(4)),
             attributes={"location_type": "flying_wire", "bikes": 1}),
    DemoCase("PD-04", "garbage-sorting", "street:JBS-03",
             "江表上街二巷分类桶厨余垃圾和其他垃圾混投严重，桶边常有散落。",
             (("report", 14, "08:20", ""), ("accept", 14, "09:00", ""),
              ("dispatch", 14, "09:20", ""), ("ack", 14, "10:00", ""),
              ("contact", 14, "10:10", "已电话回访"),
              ("reply", 13, "16:00", "已加派督导员，早晚定时值守。"),
              ("verify", 12, "10:00", "核查属实。"),
              ("autoclose", 0, "10:05", ""))),
    DemoCase("PD-06", "drainage-flooding", "street:DC-01",
             "东村大街下水道井盖周边积水，昨晚暴雨后水深及膝，车辆绕行。",
             (("report", 10, "06:50", ""), *_closed(7)),
             attributes={"depth_cm": 45}, reporter="hotline"),
    DemoCase("PD-26", "garbage-sorting", "street:JBS-01",
             "大街路口可回收物投放点纸箱堆到路面。",
             (("report", 6, "08:00", ""),
              ("self_resolve", 6, "08:30", "巡查时现场整理纸箱并联系回收员清运。"),
              ("verify", 6, "11:00", ""), ("rate", 5, "10:00", "yes/satisfied")),
             attributes={"bin": "recyclable"}),
    DemoCase("PD-30", "sanitation", "street:LF-01",
             "六坊大街菜市场后巷污水横流，蚊虫多。",
             (("report", 12, "09:00", ""), ("accept", 12, "09:30", ""),
              ("dispatch", 12, "10:00", ""), ("ack", 11, "14:00", ""),
              ("contact", 11, "15:00", "已联系报告人"),
              ("reply", 6, "11:00", "已疏通后巷排污沟并冲洗路面。"),
              ("verify", 6, "15:00", ""), ("rate", 5, "09:30", "yes/basically"))),
    # --- reopened: rated unsolved, then reopened for rework ---------------------------
    DemoCase("PD-05", "green-trees", "street:JB-01",
             "江表大街的榕树枝条垂得很低，刮到行人和车顶。",
             (("report", 9, "10:00", ""), *_closed(3, "no", "unsatisfied"),
              ("reopen", 1, "09:00", "居民反映只修剪了一侧，另一侧仍然过低。")),
             attributes={"species": "细叶榕", "danger": "no"}),
    # --- awaiting a rating, verification ----------------------------------------------
    DemoCase("PD-10", "enquiry-suggestion", "community:PD",
             "请问社区长者饭堂的开放时间和报名方式？",
             (("report", 4, "10:00", ""), ("accept", 4, "10:30", ""),
              ("dispatch", 4, "11:00", ""), ("ack", 4, "14:00", ""),
              ("contact", 4, "14:10", "电话告知开放时间"),
              ("reply", 3, "10:00",
               "长者饭堂每天11:00–13:00开放，可到党群服务中心登记。"),
              ("verify", 3, "11:00", ""))),
    DemoCase("PD-28", "elder-care", "street:JBS-04",
             "三巷一位独居长者腿脚不便，希望有志愿者每周帮忙买菜。",
             (("report", 5, "09:00", ""), ("accept", 5, "09:20", ""),
              ("dispatch", 5, "09:40", ""), ("ack", 5, "10:00", ""),
              ("contact", 5, "10:30", "已上门了解情况"),
              ("reply", 2, "16:00", "互助会已安排两名志愿者每周二、五上门代购。"),
              ("verify", 1, "10:00", "")),
             attributes={"needs": ["errands", "visit"], "lives_alone": "yes"}),
    DemoCase("PD-25", "sanitation", "street:JBS-02",
             "二巷路面有碎玻璃，小孩经过容易受伤。",
             (("report", 0, "08:00", ""),
              ("self_resolve", 0, "08:20", "巡查时已清扫碎玻璃并装袋。"))),
    DemoCase("PD-27", "jade-market", "street:YQ-01",
             "玉器街公厕指引标识不清，外地游客很难找到。",
             (("report", 3, "15:00", ""), ("accept", 3, "15:30", ""),
              ("dispatch", 3, "16:00", ""), ("ack", 2, "09:00", ""),
              ("contact", 2, "09:10", "已回电"),
              ("reply", 0, "15:00", "协会已在街口和中段增设四块指引牌。")),
             attributes={"issues": ["facilities"]}),
    # --- being handled ----------------------------------------------------------------
    DemoCase("PD-07", "elder-care", "street:JBS-02",
             "二巷独居老人陈伯近日身体不适，家人不在身边，希望有人上门看看。",
             (("report", 2, "09:00", ""), ("accept", 2, "09:10", ""),
              ("dispatch", 2, "09:30", ""), ("ack", 2, "10:00", ""),
              ("contact", 2, "10:20", "已联系其女儿"), ("start", 1, "09:00", "")),
             attributes={"needs": ["visit", "medical"], "lives_alone": "yes"}),
    DemoCase("PD-08", "neighbour-dispute", "street:LF-01",
             "楼上邻居装修噪音从早到晚，周末也不停，多次协商无果。",
             (("report", 1, "19:30", ""), ("accept", 0, "09:00", ""),
              ("dispatch", 0, "09:30", ""), ("ack", 0, "11:00", ""))),
    DemoCase("PD-09", "jade-market", "street:YQ-01",
             "玉器街部分商户占道摆卖，周末游客多时行人几乎无法通过。",
             (("report", 3, "11:00", ""), ("accept", 3, "11:20", ""),
              ("dispatch", 3, "11:40", ""), ("ack", 3, "14:00", ""),
              ("contact", 3, "14:30", "已联系报告人"), ("start", 2, "09:00", ""),
              ("extend", 0, "", "需与商户逐户约谈并划定经营范围，申请延期5个工作日。")),
             attributes={"issues": ["stalls", "parking"]}),
    DemoCase("PD-22", "sanitation", "street:JB-01",
             "江表大街早市散场后垃圾遍地，一直到中午都没人扫。",
             (("report", 1, "12:00", ""), ("accept", 1, "12:30", ""),
              ("dispatch", 1, "13:00", ""), ("ack", 1, "14:00", ""),
              ("contact", 1, "14:20", "已联系报告人"),
              ("supervise", 0, "09:00", "早市保洁问题反复出现，列入督办。"))),
    DemoCase("PD-23", "green-trees", "street:ST-01",
             "石潭大街台风过后有棵大树明显倾斜，树根处地面开裂，怕会倒。",
             (("report", 5, "07:30", ""), ("accept", 5, "08:00", ""),
              ("dispatch", 5, "08:15", ""), ("ack", 5, "09:00", ""),
              ("contact", 5, "09:10", "已联系报告人"), ("start", 5, "10:00", "")),
             attributes={"species": "木棉", "danger": "yes"}, urgency="urgent"),
    DemoCase("PD-24", "neighbour-dispute", "street:JBS-02",
             "邻居在巷道长期堆放杂物和旧家具，占用公共通道，消防车进不来。",
             (("report", 4, "10:00", ""), ("accept", 4, "10:30", ""),
              ("dispatch", 4, "11:00", ""), ("ack", 4, "15:00", ""),
              ("contact", 4, "15:30", "已约谈双方"),
              ("escalate", 2, "10:00", "涉及消防通道，需街道综合执法介入。"))),
    DemoCase("PD-21", "drainage-flooding", "estate:PD-CBY",
             "翠宝园地下车库入口一下雨就积水，车辆进出困难。",
             (("report", 1, "08:00", ""), ("accept", 1, "08:30", ""),
              ("dispatch", 1, "09:00", ""),
              ("return", 0, "10:00", "车库入口外积水来自市政管网，请转水务所处理。")),
             attributes={"depth_cm": 20}, reporter="phone", urgency="general"),
    DemoCase("PD-18", "sanitation", "street:JBS-05",
             "四巷巷尾垃圾堆积多日，天热发臭。",
             (("report", 0, "08:40", ""), ("accept", 0, "09:10", ""),
              ("dispatch", 0, "09:30", ""))),
    DemoCase("PD-19", "illegal-parking", "street:YQ-01",
             "玉器街每天晚上大量车辆违停在人行道上，投诉多次没有改善。",
             (("report", 6, "21:00", ""), ("accept", 5, "09:00", ""),
              ("dispatch", 5, "09:30", ""), ("support", 4, "", "")),
             attributes={"vehicle": "car"}),
    DemoCase("PD-20", "ebike-charging", "street:JBS-06",
             "五巷一楼民宅有人私拉电线给电动车充电，电线横过巷道。",
             (("report", 2, "16:00", ""), ("accept", 2, "16:20", ""),
              ("dispatch", 2, "16:40", "")),
             attributes={"location_type": "flying_wire", "bikes": 2},
             reporter="hotline", urgency="general"),
    # --- new and accepted -------------------------------------------------------------
    DemoCase("PD-11", "sanitation", "street:JBS-04",
             "三巷公厕卫生很差，地面湿滑，好像没人打扫。",
             (("report", 0, "10:30", ""),), reporter="phone"),
    DemoCase("PD-12", "illegal-parking", "street:XS-01",
             "新石大街消防通道被私家车堵住了。",
             (("report", 0, "11:00", ""), ("support", 0, "", "")),
             attributes={"vehicle": "car"}),
    DemoCase("PD-13", "drainage-flooding", "street:ST-01",
             "石潭大街雨水篦子被落叶堵塞，路面开始积水。",
             (("report", 0, "13:00", ""),),
             attributes={"depth_cm": 5}, reporter="hotline"),
    DemoCase("PD-14", "garbage-sorting", "street:PT-01",
             "泮塘大街可回收物投放点没有标识，大家不知道怎么投。",
             (("report", 1, "10:00", ""), ("accept", 1, "11:00", "")),
             attributes={"bin": "recyclable"}),
    DemoCase("PD-15", "green-trees", "street:DC-01",
             "东村大街绿化带杂草比人还高，晚上有蚊子。",
             (("report", 0, "09:00", ""), ("accept", 0, "10:00", "")),
             attributes={"danger": "no"}, reporter="anonymous"),
    # --- finished without a result: rejected, merged, cancelled -----------------------
    DemoCase("PD-16", "enquiry-suggestion", "community:PD",
             "想咨询新市民积分入学的政策和材料。",
             (("report", 2, "10:00", ""),
              ("reject", 2, "11:00",
               "积分入学由区教育局受理，请拨打12345或到区政务服务中心咨询。"))),
    DemoCase("PD-17", "sanitation", "street:JBS-05",
             "四巷尾巴那里又堆了好多垃圾。",
             (("report", 0, "09:00", ""), ("merge", 0, "09:40", "PD-18")),
             reporter="anonymous"),
    DemoCase("PD-29", "illegal-parking", "street:JBS-01",
             "大街路口电动车乱停。",
             (("report", 3, "09:00", ""), ("accept", 3, "09:30", ""),
              ("cancel", 3, "10:00", "热线重复录入，同一诉求已由另一工单处理。")),
             attributes={"vehicle": "ebike"}, reporter="hotline"),
]
# fmt: on
