"""The main path of a case, end to end through the services."""

from __future__ import annotations

import pytest

from gongzhi.cases import services
from gongzhi.cases.choices import Status
from gongzhi.cases.models import CaseStat

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    from .factories import make_world

    return make_world()


def test_report_to_close_walks_every_state(world):
    reported = services.case_report(
        category=world.category,
        description="垃圾堆放在巷口",
        street=world.street,
        reporter=world.resident,
    )
    case = reported.case
    assert case.status == Status.REPORTED
    assert services.case_check_token(case, reported.token)

    services.case_accept(case=case, actor=world.staff)
    services.case_dispatch(case=case, actor=world.staff, lead=world.unit)
    services.case_acknowledge(case=case, actor=world.handler)
    services.case_record_contact(case=case, actor=world.handler, note="电话联系")
    services.case_start(case=case, actor=world.handler)
    services.case_reply(case=case, actor=world.handler, note="已清理")
    case.refresh_from_db()
    assert case.status == Status.VERIFYING
    services.case_verify(case=case, actor=world.staff, ok=True)
    services.case_rate(
        case=case, actor=world.resident, solved="yes", satisfaction="satisfied"
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert list(case.events.values_list("action", flat=True)) == [
        "report",
        "accept",
        "dispatch",
        "acknowledge",
        "contact",
        "responded",
        "start",
        "reply",
        "submit_for_verification",
        "confirm",
        "close",
    ]
    stat = CaseStat.objects.get(scope="all")
    assert (
        stat.dispatched,
        stat.signed_on_time,
        stat.responded_on_time,
        stat.rated,
        stat.solved,
        stat.satisfied,
        stat.closed,
        stat.closed_on_time,
    ) == (1, 1, 1, 1, 1, 1, 1, 1)
