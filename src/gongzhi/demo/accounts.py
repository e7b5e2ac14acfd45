"""The demo accounts, one or more per role; every one has the password DEMO_PASSWORD.

``gongzhi demo`` prints this table; the browser tests sign in with these names.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "gongzhi-demo"  # noqa: S105  (published demo credential)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    # What the scope is: a place or organisation code understood by the loader.
    scope: str
    is_party_member: bool = False


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("admin", "平台管理员", "admin", ""),
    DemoAccount("pingdong.staff", "陈丽华", "staff", "community:PD"),
    DemoAccount("pingdong.secretary", "梁国强", "leader", "community:PD", True),
    DemoAccount("guicheng.leader", "何志明", "leader", "subdistrict:GC", True),
    DemoAccount("chief.jb1", "黄伟明", "street_chief", "street:JBS-01", True),
    DemoAccount("chief.jb2", "李秀英", "street_chief", "street:JBS-02", True),
    DemoAccount("chief.jb3", "张建国", "street_chief", "street:JBS-03", True),
    DemoAccount("chief.jb4", "陈美玲", "street_chief", "street:JBS-04"),
    DemoAccount("chief.jb5", "罗志强", "street_chief", "street:JBS-05"),
    DemoAccount("chief.jb6", "梁淑芬", "street_chief", "street:JBS-06"),
    DemoAccount("resident", "吴晓东", "resident", "community:PD"),
    DemoAccount("volunteer", "周婉仪", "volunteer", "community:PD"),
    DemoAccount("liaison.cuibao", "林志伟", "liaison", "org:CUIBAO-PM"),
    DemoAccount("liaison.jade", "冯嘉欣", "liaison", "org:PZ-JADE"),
    DemoAccount("handler.sanitation", "谢国华", "handler", "org:GC-URBAN"),
    DemoAccount("drainage.operator", "郭永康", "drainage_operator", "org:GC-WATER"),
    DemoAccount("handler.water", "邓永健", "handler", "org:GC-WATER"),
    DemoAccount("handler.party", "麦慧敏", "handler", "org:GC-PARTY"),
]
