"""Intake: the report service every channel uses, its bad input, and "me too"."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation
from PIL import Image

from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.cases import services
from gongzhi.cases.choices import Channel, Status
from gongzhi.cases.models import Case, CaseEvent, CasePhoto, Supporter
from gongzhi.cases.photos import process_photo
from gongzhi.cases.workflow import TransitionError
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.places.tests.factories import (
    CommunityFactory,
    EstateFactory,
    StreetFactory,
    line,
    square,
    with_geometry,
)

from .factories import CategoryAttributeFactory, CategoryFactory, make_world
from .journeys import fresh, reach, report

# The community covers the square from (113.10, 23.02) to (113.11, 23.03).
INSIDE = {"lat": 23.025, "lng": 113.105}
OUTSIDE = {"lat": 23.5, "lng": 113.5}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    world = make_world()
    with_geometry(world.community, square(113.10, 23.02))
    with_geometry(world.street, line((113.100, 23.025), (113.110, 23.025)))
    return world


def counts():
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.filter(action__startswith="case.").count(),
        CasePhoto.objects.count(),
    )


def _jpeg() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, "JPEG")
    out.seek(0)
    return out


def _refused(world, **kwargs):
    """Report with ``kwargs``; return the error, having checked nothing was written."""
    before = counts()
    kwargs.setdefault("category", world.category)
    kwargs.setdefault("description", "井盖缺失")
    if not {"lat", "lng", "street", "community"} & set(kwargs):
        kwargs["street"] = world.street
    with pytest.raises(ValidationError) as exc:
        services.case_report(**kwargs)
    assert counts() == before
    return exc.value.message_dict


# --- Bad input: a clear message per field, and no partial write -------------------


@pytest.mark.parametrize("phone", ["call me", "138-", "+", "13800 13800 ext 2"])
def test_a_phone_number_that_is_not_one_is_refused_for_every_channel(world, phone):
    assert _refused(world, reporter_phone=phone) == {
        "reporter_phone": ["Enter a phone number in digits, for example 13812345678."]
    }


def test_phone_numbers_with_spaces_dashes_and_a_country_code_are_accepted(world):
    for phone in ("13812345678", "0757-8888 6666", "+86 138 1234 5678"):
        reported = services.case_report(
            category=world.category,
            description="井盖缺失",
            street=world.street,
            reporter_phone=phone,
        )
        assert fresh(reported.case).reporter_phone == phone


@pytest.mark.parametrize("description", ["", "   \n\t "])
def test_missing_description(world, description):
    assert _refused(world, description=description) == {
        "description": ["Describe the problem."]
    }


def test_inactive_category(world):
    world.category.is_active = False
    world.category.save()
    assert _refused(world) == {
        "category": ["This category is no longer in use; choose another."]
    }


def test_ten_thousand_character_description(world):
    errors = _refused(world, description="长" * 10_000)
    assert errors == {
        "description": [
            "The description is 10000 characters long; at most 4000 are allowed."
        ]
    }


def test_description_of_exactly_the_limit_is_accepted(world):
    case = report(world, description="长" * 4000)
    assert len(case.description) == 4000


def test_location_outside_every_community(world):
    assert _refused(world, **OUTSIDE) == {
        "location": [
            "This location is outside every community served here. "
            "Pick a point inside the community, or choose a street."
        ]
    }


@pytest.mark.parametrize(
    ("lat", "lng"), [(91, 113.1), (-90.5, 113.1), (23.0, 181), (float("nan"), 113.1)]
)
def test_coordinates_out_of_range(world, lat, lng):
    assert _refused(world, lat=lat, lng=lng) == {
        "location": ["Latitude must be within ±90 and longitude within ±180."]
    }


def test_no_location_at_all(world):
    assert _refused(world, street=None, community=None) == {
        "location": [
            "Say where the problem is: click the map, pick a street, "
            "or choose the community and give the address."
        ]
    }


def test_half_a_coordinate(world):
    assert _refused(world, lat=23.025, street=world.street) == {
        "location": ["Give both the latitude and the longitude."]
    }


def test_street_of_another_community_than_the_point(world):
    elsewhere = StreetFactory(community=CommunityFactory())
    assert _refused(world, street=elsewhere, **INSIDE) == {
        "street": ["This street is not in the community at the point on the map."]
    }


def test_street_of_another_community_than_the_one_chosen(world):
    assert _refused(world, street=world.street, community=CommunityFactory()) == {
        "street": ["This street is not in the community you chose."]
    }


def test_unknown_urgency(world):
    assert _refused(world, urgency="yesterday") == {"urgency": ["Unknown urgency."]}


def test_too_many_photos(world):
    photos = [process_photo(_jpeg()) for _ in range(4)]
    assert _refused(world, photos=photos) == {"photos": ["At most 3 photos."]}


def test_invalid_email_and_overlong_phone(world):
    errors = _refused(world, reporter_email="not-an-email", reporter_phone="1" * 21)
    assert errors["reporter_email"] == ["Enter a valid email address."]
    assert errors["reporter_phone"] == [
        "Ensure this value has at most 20 characters (it has 21)."
    ]


def test_unknown_channel(world):
    assert set(_refused(world, channel="fax")) == {"channel"}


@pytest.mark.parametrize(
    "field", ["description", "address", "reporter_name", "reporter_phone"]
)
def test_null_character_is_refused_on_every_database(world, field):
    # PostgreSQL cannot store NUL in text: without this check, a 500.
    assert _refused(world, **{field: "巷口\x00垃圾"}) == {
        field: ["Null characters are not allowed."]
    }


def test_null_character_in_an_answer_is_refused(questions):
    assert _refused(questions, attributes={"depth": "3", "kind": "a\x00"}) == {
        "attributes": [
            "“What kind of rubbish?” contains a null character, which is not allowed."
        ]
    }


def test_every_problem_is_reported_at_once(world):
    world.category.is_active = False
    world.category.save()
    errors = _refused(
        world, description="", street=None, urgency="never", attributes={"x": 1}
    )
    assert set(errors) == {
        "category",
        "description",
        "location",
        "urgency",
        "attributes",
    }


@pytest.fixture
def questions(world):
    CategoryAttributeFactory(
        category=world.category,
        code="depth",
        datatype="number",
        question_en="How deep is the water (cm)?",
        required=True,
    )
    CategoryAttributeFactory(
        category=world.category,
        code="kind",
        datatype="singlevaluelist",
        question_en="What kind of rubbish?",
        values=[{"key": "household"}, {"key": "building"}],
    )
    CategoryAttributeFactory(
        category=world.category,
        code="since",
        datatype="datetime",
        question_en="Since when?",
    )
    return world


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "“How deep is the water (cm)?” must be answered."),
        (
            {"depth": "10", "kind": "chemical"},
            "“chemical” is not one of the choices for “What kind of rubbish?”.",
        ),
        ({"depth": "deep"}, "“How deep is the water (cm)?” must be a number."),
        (
            {"depth": "3", "since": "last Tuesday"},
            "“Since when?” must be a date and time like 2026-11-27T09:30.",
        ),
        (
            {"depth": "3", "colour": "red"},
            "“colour” is not a question of this category.",
        ),
    ],
)
def test_extra_questions_are_checked(questions, answers, message):
    assert _refused(questions, attributes=answers) == {"attributes": [message]}


def test_extra_answers_are_stored_typed(questions):
    case = report(
        questions,
        attributes={"depth": "12.5", "kind": "building", "since": "2026-11-27T09:30"},
    )
    assert fresh(case).attributes == {
        "depth": 12.5,
        "kind": "building",
        "since": "2026-11-27T09:30:00",
    }


# --- What a report stores -----------------------------------------------------------


def test_report_by_map_point_places_the_case(world):
    estate = with_geometry(
        EstateFactory(community=world.community), square(113.10, 23.02, 0.006)
    )
    case = report(world, **INSIDE)
    case = fresh(case)
    assert case.community == world.community
    assert case.street == world.street  # the point is on the street's line
    assert case.estate == estate
    assert (case.lat, case.lng) == (INSIDE["lat"], INSIDE["lng"])


def test_report_by_street_takes_its_community(world):
    case = fresh(report(world, street=world.street))
    assert (case.community, case.street, case.lat) == (
        world.community,
        world.street,
        None,
    )


def test_report_by_community_and_address(world):
    case = fresh(report(world, community=world.community, address=" 平东大道18号 "))
    assert (case.community, case.street, case.address) == (
        world.community,
        None,
        "平东大道18号",
    )


def test_report_writes_case_event_audit_and_defaults(world):
    reported = services.case_report(
        category=world.category,
        description="  路灯不亮  ",
        street=world.street,
        reporter=world.resident,
    )
    case = fresh(reported.case)
    assert re.fullmatch(r"\d{6}-\d{6}", case.number)
    assert case.description == "路灯不亮"
    assert (case.status, case.channel, case.urgency) == (
        Status.REPORTED,
        Channel.WEB,
        "general",
    )
    assert case.version == 1
    event = case.events.get()
    assert (event.action, event.to_status, event.actor) == (
        "report",
        Status.REPORTED,
        world.resident,
    )
    assert event.data == {"channel": "web", "contact_consent": False}
    audit = AuditEvent.objects.get(action="case.report", object_id=str(case.pk))
    assert audit.actor_id == world.resident.pk


def test_category_default_urgency_applies(world):
    world.category.default_urgency = "urgent"
    world.category.save()
    assert report(world).urgency == "urgent"
    assert report(world, urgency="complex").urgency == "complex"


def test_hotline_entry_records_who_entered_it(world):
    reported = services.case_report(
        category=world.category,
        description="电话反映噪音扰民",
        street=world.street,
        channel=Channel.HOTLINE,
        reporter_name="陈女士",
        reporter_phone="13812345678",
        entered_by=world.staff,
    )
    case = fresh(reported.case)
    assert (case.entered_by, case.reporter, case.channel) == (
        world.staff,
        None,
        Channel.HOTLINE,
    )
    assert case.events.get().actor == world.staff
    audit = AuditEvent.objects.get(action="case.report", object_id=str(case.pk))
    assert audit.actor_id == world.staff.pk


def test_anonymous_visitor_is_no_reporter(world):
    case = report(world, reporter=AnonymousUser())
    assert fresh(case).reporter is None
    assert case.events.get().actor is None


def test_html_and_script_are_stored_verbatim(world):
    text = '<script>alert("x")</script><b onmouseover="steal()">井盖</b> & 1 < 2'
    case = report(world, description=text, reporter_name="<i>王</i>")
    case = fresh(case)
    assert case.description == text
    assert case.reporter_name == "<i>王</i>"


def test_reporter_phone_is_encrypted_at_rest(world):
    case = report(world, reporter=None, reporter_phone="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case WHERE id = %s", [case.pk])
        (stored,) = cursor.fetchone()
    assert "13812345678" not in stored
    assert "5678" not in stored
    assert stored
    assert fresh(case).reporter_phone == "13812345678"


def test_only_the_tokens_hash_is_stored(world):
    reported = services.case_report(
        category=world.category, description="树枝压线", street=world.street
    )
    case = fresh(reported.case)
    assert len(reported.token) >= 16
    assert case.token_hash == hashlib.sha256(reported.token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_case WHERE id = %s", [case.pk])
        row = cursor.fetchone()
    assert not any(reported.token in str(value) for value in row)
    assert services.case_check_token(case, reported.token) is True
    for wrong in (
        "",
        reported.token[:-1],
        reported.token + "x",
        case.token_hash,
        "令牌",
    ):
        assert services.case_check_token(case, wrong) is False


def test_each_report_has_its_own_token(world):
    one = services.case_report(
        category=world.category, description="a", street=world.street
    )
    two = services.case_report(
        category=world.category, description="b", street=world.street
    )
    assert one.token != two.token
    assert not services.case_check_token(two.case, one.token)


def test_photos_are_stored_with_the_report_event(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photos = [process_photo(_jpeg()), process_photo(_jpeg())]
    case = report(world, photos=photos)
    stored = list(CasePhoto.objects.filter(case=case))
    assert len(stored) == 2
    assert {p.event.action for p in stored} == {"report"}
    assert all((tmp_path / p.image.name).is_file() for p in stored)


# --- The reporter edits or withdraws before acceptance --------------------------------


def test_reporter_edits_before_acceptance(world):
    case = report(world)
    services.case_edit_by_reporter(case=case, actor=world.resident, description="更正")
    case = fresh(case)
    assert (case.description, case.version) == ("更正", 2)
    assert case.events.filter(action="edit").count() == 1
    audit = AuditEvent.objects.get(action="case.edit", object_id=str(case.pk))
    assert audit.changes["description"][1] == "更正"


def test_edit_with_the_token_and_refusals(world):
    reported = services.case_report(
        category=world.category, description="原文", street=world.street
    )
    case = reported.case
    with pytest.raises(PermissionDenied):
        services.case_edit_by_reporter(case=case, actor=None, description="改")
    with pytest.raises(PermissionDenied):
        services.case_edit_by_reporter(case=case, actor=UserFactory(), description="改")
    with pytest.raises(ValidationError) as exc:
        services.case_edit_by_reporter(
            case=case, actor=None, token=reported.token, description="x" * 4001
        )
    assert exc.value.message_dict == {
        "description": ["Describe the problem in at most 4000 characters."]
    }
    services.case_edit_by_reporter(
        case=case, actor=None, token=reported.token, description="改好了"
    )
    assert fresh(case).description == "改好了"


def test_edit_with_a_null_character_is_refused(world):
    case = report(world)
    with pytest.raises(ValidationError) as exc:
        services.case_edit_by_reporter(
            case=case, actor=world.resident, description="改\x00"
        )
    assert exc.value.message_dict == {
        "description": ["Null characters are not allowed."]
    }
    assert fresh(case).version == 1


def test_no_edit_after_acceptance(world):
    case = reach(world, Status.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        services.case_edit_by_reporter(case=case, actor=world.resident, description="x")
    assert exc.value.messages == [
        "The case has been accepted and can no longer be edited."
    ]


def test_reporter_withdraws(world):
    case = report(world)
    services.case_withdraw(case=case, actor=world.resident, reason=" 已自行解决 ")
    case = fresh(case)
    assert case.status == Status.CANCELLED
    assert case.events.get(action="withdraw").note == "已自行解决"


def test_withdraw_by_token_without_reason(world):
    reported = services.case_report(
        category=world.category, description="x", street=world.street
    )
    services.case_withdraw(case=reported.case, actor=None, token=reported.token)
    event = fresh(reported.case).events.get(action="withdraw")
    assert event.note == "Withdrawn by the reporter."


def test_only_the_reporter_withdraws(world):
    case = report(world)
    for person in (UserFactory(), world.staff, None):
        with pytest.raises(PermissionDenied) as exc:
            services.case_withdraw(case=case, actor=person, token="nope")
        assert exc.value.args[0] == "Only the reporter can withdraw a case."
    assert fresh(case).status == Status.REPORTED


def test_no_withdrawal_after_acceptance(world):
    case = reach(world, Status.ACCEPTED)
    with pytest.raises(TransitionError) as exc:
        services.case_withdraw(case=case, actor=world.resident)
    assert str(exc.value) == (
        "A case that is “accepted” cannot be given the action “withdraw”."
    )


# --- "Me too" ----------------------------------------------------------------------


def test_me_too_once_per_user(world):
    case = report(world)
    neighbour = UserFactory()
    assert services.case_support(case=case, user=neighbour) is True
    assert services.case_support(case=case, user=neighbour) is False
    assert fresh(case).supporter_count == 1
    assert Supporter.objects.filter(case=case).count() == 1
    assert fresh(case).events.filter(action="support").count() == 1


def test_me_too_once_per_fingerprint(world):
    case = report(world)
    assert services.case_support(case=case, fingerprint="f" * 64) is True
    assert services.case_support(case=case, fingerprint="f" * 64) is False
    assert services.case_support(case=case, user=AnonymousUser(), fingerprint="g")
    assert fresh(case).supporter_count == 2


def test_me_too_needs_a_way_to_count_once(world):
    case = report(world)
    with pytest.raises(ValidationError) as exc:
        services.case_support(case=case, user=AnonymousUser())
    assert exc.value.messages == [
        "Cannot tell who you are; enable cookies and try again."
    ]


def test_me_too_not_by_the_reporter(world):
    case = report(world)
    with pytest.raises(ValidationError) as exc:
        services.case_support(case=case, user=world.resident)
    assert exc.value.messages == ["You reported this case yourself."]
    assert fresh(case).supporter_count == 0


@pytest.mark.parametrize(
    "state", [Status.CLOSED, Status.REJECTED, Status.MERGED, Status.CANCELLED]
)
def test_me_too_not_on_a_finished_case(world, state):
    case = reach(world, state)
    with pytest.raises(ValidationError) as exc:
        services.case_support(case=case, user=UserFactory())
    assert exc.value.messages == [
        "This case is finished; report the problem anew if it is back."
    ]
    assert Supporter.objects.filter(case=case).count() == 0


def test_me_too_on_a_case_being_handled(world):
    case = reach(world, Status.IN_PROGRESS)
    services.case_support(case=case, user=UserFactory())
    assert fresh(case).supporter_count == 1


def test_new_category_attribute_free_report(world):
    plain = CategoryFactory(code="enquiry")
    case = report(world, category=plain, attributes={})
    assert fresh(case).attributes == {}


@pytest.mark.parametrize(
    ("contact", "consent", "recorded"),
    [
        ({"reporter_phone": "13812345678"}, True, True),
        ({"reporter_email": "wang@example.org"}, True, True),
        ({"reporter_phone": "13812345678"}, False, False),
        ({}, True, False),  # nothing to contact by: no consent to record
    ],
)
def test_consent_to_contact_is_recorded_with_the_contact_it_covers(
    world, contact, consent, recorded
):
    at = timezone.now()
    reported = services.case_report(
        category=world.category,
        description="路灯不亮",
        street=world.street,
        contact_consent=consent,
        now=at,
        **contact,
    )

    case = fresh(reported.case)
    assert case.contact_consent_at == (at if recorded else None)
    assert case.events.get().data["contact_consent"] is recorded
