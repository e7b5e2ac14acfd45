"""Rules added on review: who verifies, how long an extension lives, links at rest."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from gongzhi.cases import services
from gongzhi.cases.choices import ExtensionStatus, Status
from gongzhi.core.models import Notification

from .factories import make_world
from .journeys import fresh, reach, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return make_world()


def test_whoever_resolved_on_the_spot_cannot_verify_their_own_fix(world):
    case = report(world)
    services.case_self_resolve(case=case, actor=world.staff, note="当场清理")

    with pytest.raises(PermissionDenied, match="someone else must verify"):
        services.case_verify(case=case, actor=world.staff, ok=True)

    services.case_verify(case=case, actor=world.admin, ok=True)
    assert fresh(case).status == Status.FEEDBACK


def test_a_granted_extension_does_not_follow_the_case_to_the_next_unit(world):
    case = reach(world, Status.ACKNOWLEDGED)
    request = services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="等待配件"
    )
    services.case_extension_decide(request=request, actor=world.staff, approve=True)
    assert fresh(case).extension_days == 2

    services.case_escalate(case=case, actor=world.staff, note="需要上级协调")
    services.case_dispatch(case=fresh(case), actor=world.staff, lead=world.other_unit)

    assert fresh(case).extension_days == 0


def test_a_waiting_extension_request_lapses_when_the_case_moves_on(world):
    case = reach(world, Status.ACKNOWLEDGED)
    request = services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="等待配件"
    )
    services.case_escalate(case=case, actor=world.staff, note="需要上级协调")
    services.case_dispatch(case=fresh(case), actor=world.staff, lead=world.other_unit)

    request.refresh_from_db()
    assert request.status == ExtensionStatus.REFUSED
    assert "dispatched again" in request.decision_note


def test_an_extension_cannot_be_granted_once_the_unit_has_replied(world):
    case = reach(world, Status.ACKNOWLEDGED)
    request = services.case_extension_request(
        case=case, actor=world.handler, days=2, reason="等待配件"
    )
    services.case_reply(case=fresh(case), actor=world.handler, note="已处理")

    with pytest.raises(ValidationError, match="no longer being handled"):
        services.case_extension_decide(request=request, actor=world.staff, approve=True)


def test_a_reporters_tracking_link_is_encrypted_in_the_outbox(world):
    reported = services.case_report(
        category=world.category,
        description="路灯坏了",
        street=world.street,
        reporter_phone="13812345678",
    )
    note = Notification.objects.get(channel=Notification.Channel.SMS)
    assert reported.token in note.url

    with connection.cursor() as cursor:
        cursor.execute("SELECT url FROM core_notification WHERE id = %s", [note.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc1:")
    assert reported.token not in stored


def test_an_escalated_case_is_out_of_the_old_units_hands(world):
    case = reach(world, Status.ACKNOWLEDGED)
    services.case_escalate(case=case, actor=world.staff, note="需要上级协调")

    with pytest.raises(ValidationError, match="while the unit handles the case"):
        services.case_record_contact(case=fresh(case), actor=world.handler, note="电话")
    with pytest.raises(ValidationError, match="Only a case being handled"):
        services.case_extension_request(
            case=fresh(case), actor=world.handler, days=2, reason="等待配件"
        )
