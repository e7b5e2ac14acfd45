"""The resident's pages: report, track, rate, edit, withdraw, "me too", public list."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.choices import Channel, Status
from gongzhi.cases.models import Case, CasePhoto, Supporter
from gongzhi.places.tests.factories import (
    CommunityFactory,
    StreetFactory,
    line,
    square,
    with_geometry,
)

from .factories import CategoryFactory, make_world
from .factories_public import (
    COMMUNITY_LAT,
    COMMUNITY_LNG,
    INSIDE,
    OUTSIDE,
    add_questions,
    bomb_png,
    png_upload,
    report,
    to_feedback,
)

pytestmark = pytest.mark.django_db

REPORT = reverse("cases:report")


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def mapped(world):
    """The world with its community drawn on the map."""
    with_geometry(world.community, square(COMMUNITY_LNG, COMMUNITY_LAT))
    return world


def _key(client) -> str:
    response = client.get(REPORT)
    return response.context["form"]["submission"].value()


def _post(client, world, key: str | None = None, **fields: Any):
    data: dict[str, Any] = {
        "submission": key if key is not None else _key(client),
        "category": world.category.code,
        "description": "巷口垃圾三天没人清",
        "street": str(world.street.pk),
    }
    data.update({k: v for k, v in fields.items() if v is not None})
    for name in [k for k, v in fields.items() if v is None]:
        data.pop(name, None)
    return client.post(REPORT, data)


def _errors(response) -> str:
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.text
    return response.text


# --- The report form ------------------------------------------------------------------


def test_report_form_needs_no_account_and_groups_categories(client_en, world):
    world.category.group = "Environment"
    world.category.save()
    CategoryFactory(code="parking", group="Traffic", name_en="Illegal parking")
    CategoryFactory(code="old", is_active=False, name_en="Retired category")

    response = client_en.get(REPORT)

    assert response.status_code == 200
    text = response.text
    assert '<optgroup label="Environment">' in text
    assert '<optgroup label="Traffic">' in text
    assert "Illegal parking" in text
    assert "Retired category" not in text, "inactive categories are not offered"
    assert "Choose the community first" in text, "streets follow the community"
    assert world.street.name not in text
    assert 'name="submission"' in text
    key = response.context["form"]["submission"].value()
    assert key in client_en.session["cases.report.pending"]
    assert 'hx-get="/cases/report/questions/"' in text
    assert "leaflet/leaflet.js" in text
    assert 'data-tile-url=""' in text, "no tiles unless MAP_TILE_URL is set"


def test_report_map_uses_configured_tile_server(client, world, settings):
    settings.MAP_TILE_URL = "https://tiles.intranet.example/{z}/{x}/{y}.png"

    response = client.get(REPORT)

    assert 'data-tile-url="https://tiles.intranet.example/{z}/{x}/{y}.png"' in (
        response.text
    )


def test_questions_fragment_renders_every_datatype_with_required_marks(
    client_en, world
):
    add_questions(world.category)

    response = client_en.get(
        reverse("cases:report_questions"), {"category": world.category.code}
    )

    assert response.status_code == 200
    text = response.text
    assert "<html" not in text, "a fragment for htmx, not a page"
    assert 'name="q_plate" maxlength="200" required' in text
    assert 'type="number" name="q_count" step="any"' in text
    assert 'type="datetime-local" name="q_seen_at"' in text
    assert '<textarea name="q_details"' in text
    assert 'type="radio" name="q_size" value="small"' in text
    assert 'type="checkbox" name="q_kinds" value="large"' in text
    assert text.count('class="req"') == 2, "plate and size are required"


def test_questions_fragment_for_unknown_category_is_empty(client, world):
    response = client.get(reverse("cases:report_questions"), {"category": "nope"})

    assert response.status_code == 200
    assert response.text.strip() == ""


STREETS = reverse("cases:report_streets")


def test_street_picker_lists_the_streets_of_the_chosen_community(client_en, world):
    other = StreetFactory(name="别处的巷")

    response = client_en.get(STREETS, {"community": world.community.pk})

    assert response.status_code == 200
    text = response.text
    assert 'id="street-picker"' in text
    assert world.street.name in text
    assert other.name not in text


@pytest.mark.parametrize("community", ["", "abc", "-1", "99999999", "9" * 30])
def test_street_picker_without_a_known_community_asks_for_one(
    client_en, world, community
):
    response = client_en.get(STREETS, {"community": community})

    assert response.status_code == 200
    assert world.street.name not in response.text
    if not community.isdigit() or len(community) > 18:
        assert "Choose the community first" in response.text


def test_report_page_for_a_community_offers_its_streets(client_en, world):
    response = client_en.get(REPORT, {"community": world.community.pk})

    assert world.street.name in response.text
    assert 'hx-get="/cases/report/streets/"' in response.text


def test_a_street_of_another_community_than_the_one_chosen_is_refused(client_en, world):
    other = StreetFactory(name="别处的巷")

    response = _post(
        client_en, world, community=str(world.community.pk), street=str(other.pk)
    )

    assert "Select a valid choice." in _errors(response)
    assert not Case.objects.exists()


def test_report_by_street_creates_case_and_shows_number_and_link(client_en, world):
    # Given an anonymous resident with the form open
    key = _key(client_en)

    # When they report with a photo
    response = client_en.post(
        REPORT,
        {
            "submission": key,
            "category": world.category.code,
            "description": "巷口垃圾三天没人清",
            "street": str(world.street.pk),
            "photos": [png_upload()],
        },
    )

    # Then one case exists and they see its number and tracking link
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:report_done", args=[case.number])
    assert (case.status, case.channel, case.street, case.community) == (
        Status.REPORTED,
        Channel.WEB,
        world.street,
        world.community,
    )
    assert case.reporter is None
    assert case.photos.count() == 1
    done = client_en.get(response.url)
    token = client_en.session["cases.report.tokens"][case.number]
    assert services.case_check_token(case, token)
    assert f'data-testid="case-number">{case.number}<' in done.text
    assert f"/cases/track/{case.number}/?t={token}" in done.text
    assert "Keep the case number and this link" in done.text
    assert key not in client_en.session["cases.report.pending"]


def test_report_done_page_is_only_for_the_reporting_browser(client, world):
    reported = report(world)

    response = client.get(reverse("cases:report_done", args=[reported.case.number]))

    assert response.status_code == 404


def test_report_by_map_click_is_placed_in_the_community(client, mapped):
    lat, lng = INSIDE

    response = _post(client, mapped, street=None, lat=lat, lng=lng)

    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.lat, case.lng, case.community) == (lat, lng, mapped.community)


def test_report_by_community_and_address(client, world):
    response = _post(
        client,
        world,
        street=None,
        community=str(world.community.pk),
        address="翠宝园 3 座门口",
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.community, case.street, case.address) == (
        world.community,
        None,
        "翠宝园 3 座门口",
    )


def test_report_outside_every_community_is_refused(client_en, mapped):
    lat, lng = OUTSIDE

    response = _post(client_en, mapped, street=None, lat=lat, lng=lng)

    text = _errors(response)
    assert "This location is outside every community served here." in text
    assert 'data-testid="location-errors"' in text
    assert not Case.objects.exists()


def test_report_with_out_of_range_coordinates_is_refused(client_en, world):
    response = _post(client_en, world, street=None, lat="123", lng="500")

    text = _errors(response)
    assert "Ensure this value is less than or equal to 90." in text
    assert not Case.objects.exists()


def test_report_missing_fields_lists_every_problem(client_en, world):
    response = client_en.post(REPORT, {"submission": _key(client_en)})

    text = _errors(response)
    assert "Choose what the problem is about." in text
    assert "Describe the problem." in text
    assert "Say where the problem is" in text
    assert not Case.objects.exists()


def test_report_missing_fields_in_chinese(client, world):
    response = client.post(REPORT, {"submission": _key(client)})

    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.text
    assert not Case.objects.exists()


def test_report_unanswered_required_question_is_refused(client_en, world):
    add_questions(world.category)

    response = _post(client_en, world, q_size="small")

    text = _errors(response)
    assert "“Question plate” must be answered." in text
    assert not Case.objects.exists()


def test_report_stores_typed_answers(client, world):
    add_questions(world.category)

    response = _post(
        client,
        world,
        q_plate="粤E12345",
        q_count="3",
        q_seen_at="2026-11-27T09:30",
        q_size="large",
        q_kinds=["small", "large"],
    )

    assert response.status_code == 302
    assert Case.objects.get().attributes == {
        "plate": "粤E12345",
        "count": 3,
        "seen_at": "2026-11-27T09:30:00",
        "size": "large",
        "kinds": ["small", "large"],
    }


def test_report_refuses_oversized_photo(client_en, world):
    big = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 1), "image/jpeg"
    )

    response = _post(client_en, world, photos=[big])

    text = _errors(response)
    assert "photos may be at most 10 MB" in text
    assert 'data-testid="photos-lost"' in text
    assert not Case.objects.exists()


def test_report_refuses_a_file_that_is_not_an_image(client_en, world):
    fake = SimpleUploadedFile("virus.png", b"MZ\x90\x00 not a picture", "image/png")

    response = _post(client_en, world, photos=[fake])

    assert "Photo 1 is not a photo that can be read." in _errors(response)
    assert not Case.objects.exists()


def test_report_refuses_a_decompression_bomb(client_en, world):
    bomb = SimpleUploadedFile("bomb.png", bomb_png(), "image/png")

    response = _post(client_en, world, photos=[bomb])

    assert "Photo 1 has too many pixels" in _errors(response)
    assert not Case.objects.exists()
    assert not CasePhoto.objects.exists()


def test_report_refuses_more_than_three_photos(client_en, world):
    photos = [png_upload(f"p{i}.png") for i in range(4)]

    response = _post(client_en, world, photos=photos)

    assert "At most 3 photos." in _errors(response)
    assert not Case.objects.exists()


def test_report_refuses_ten_thousand_characters(client_en, world):
    response = _post(client_en, world, description="长" * 10_000)

    text = _errors(response)
    assert "The description is 10000 characters long; at most 4000 are allowed." in (
        text
    )
    assert not Case.objects.exists()


def test_report_stores_html_as_text_and_shows_it_escaped(client, world):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    response = _post(client, world, description=attack)

    case = Case.objects.get()
    assert case.description == attack, "stored as typed"
    client.get(response.url)
    token = client.session["cases.report.tokens"][case.number]
    page = client.get(reverse("cases:track", args=[case.number]), {"t": token})
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    public = client.get(reverse("cases:public_list"))
    assert "<img src=x" not in public.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in public.text


def test_double_submitted_form_creates_one_case(client, world):
    key = _key(client)

    first = _post(client, world, key=key)
    second = _post(client, world, key=key)

    assert Case.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url


def test_double_post_racing_with_a_stale_session_creates_one_case(client, rf, world):
    # Given two posts of one form, the second read its session before the first
    # had finished
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from gongzhi.cases import views_public

    key = _key(client)
    racing = rf.post(
        REPORT,
        {
            "submission": key,
            "category": world.category.code,
            "description": "巷口垃圾三天没人清",
            "street": str(world.street.pk),
        },
    )
    racing.user = AnonymousUser()
    racing.session = SessionStore(client.session.session_key)
    assert key in racing.session["cases.report.pending"], "loaded before the first"

    # When the first post creates the case, then the second arrives
    first = _post(client, world, key=key)
    second = views_public.report(racing)

    # Then the second finds the key used under the session lock: still one case
    assert Case.objects.count() == 1
    assert second.status_code == 302
    assert second.url == first.url


def test_form_with_unknown_key_is_not_sent_and_gets_a_fresh_key(client_en, world):
    response = _post(client_en, world, key="forged")

    text = _errors(response)
    assert "This form had expired." in text
    fresh = response.context["form"]["submission"].value()
    assert fresh != "forged"
    assert fresh in client_en.session["cases.report.pending"]
    assert not Case.objects.exists()


def test_report_contact_details_need_consent(client_en, world):
    response = _post(client_en, world, reporter_phone="13812345678")

    assert "Tick this box so that we may contact you" in _errors(response)
    assert not Case.objects.exists()


def test_report_refuses_a_phone_number_with_letters(client_en, world):
    response = _post(client_en, world, reporter_phone="call me", consent_contact="on")

    assert "Enter a phone number in digits" in _errors(response)


def test_report_keeps_contact_and_anonymity(client, world):
    response = _post(
        client,
        world,
        reporter_name="王小明",
        reporter_phone="13812345678",
        reporter_email="wang@example.org",
        consent_contact="on",
        is_anonymous="on",
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.reporter_name, case.reporter_phone, case.reporter_email) == (
        "王小明",
        "13812345678",
        "wang@example.org",
    )
    assert case.is_anonymous
    assert case.contact_consent_at is not None


def test_signed_in_resident_is_the_reporter_and_finds_it_in_my_reports(client, world):
    client.force_login(world.resident)

    _post(client, world)

    case = Case.objects.get()
    assert case.reporter == world.resident
    mine = client.get(reverse("cases:mine"))
    assert mine.status_code == 200
    assert f'data-number="{case.number}"' in mine.text
    track = client.get(reverse("cases:track", args=[case.number]))
    assert track.status_code == 200, "the reporter needs no token"


# --- Nearby cases and "me too" --------------------------------------------------------


def _nearby(client, **params):
    return client.get(reverse("cases:report_nearby"), params)


def test_nearby_lists_open_cases_of_the_category_on_the_street_or_close(client, mapped):
    # Given cases around the point 23.035, 113.155
    lat, lng = INSIDE
    on_street = report(mapped, description="同一条巷").case
    close = report(
        mapped, street=None, lat=lat + 0.0009, lng=lng, description="约 100 米"
    ).case
    report(mapped, street=None, lat=lat + 0.004, lng=lng, description="约 450 米")
    other = CategoryFactory(code="parking")
    report(mapped, category=other, description="另一类")
    withdrawn = report(mapped, description="已撤回")
    services.case_withdraw(case=withdrawn.case, actor=None, token=withdrawn.token)

    # When the resident has chosen the category, the street and a point
    response = _nearby(
        client,
        category=mapped.category.code,
        street=mapped.street.pk,
        lat=lat,
        lng=lng,
    )

    # Then only open cases of that category on the street or within 150 m show
    rows = response.context["rows"]
    assert [row.number for row in rows] == [on_street.number, close.number]
    assert rows[1].distance_m == pytest.approx(100, abs=2)
    assert response.text.count('data-testid="support-button"') == 2


def test_nearby_skips_finished_cases(client, world):
    reported = report(world)
    services.case_reject(case=reported.case, actor=world.staff, reason="重复")

    response = _nearby(client, category=world.category.code, street=world.street.pk)

    assert response.context["rows"] == []
    assert 'data-testid="nearby-none"' in response.text


def test_nearby_needs_a_category_and_a_place(client, world):
    response = _nearby(client, category=world.category.code)

    assert response.context["rows"] is None
    assert 'data-testid="nearby-hint"' in response.text


def test_nearby_ignores_malformed_input(client, world):
    response = _nearby(client, category=world.category.code, lat="north", street="x")

    assert response.status_code == 200
    assert response.context["rows"] is None


def _support(client, number: str, **headers: Any):
    return client.post(reverse("cases:support", args=[number]), **headers)


def test_me_too_counts_an_anonymous_resident_once(client, world):
    case = report(world).case

    first = _support(client, case.number, HTTP_HX_REQUEST="true")
    again = _support(client, case.number, HTTP_HX_REQUEST="true")

    case.refresh_from_db()
    assert case.supporter_count == 1
    assert first.status_code == again.status_code == 200
    assert 'data-testid="support-done"' in first.text
    assert 'data-count="1"' in first.text
    assert 'data-count="1"' in again.text
    supporter = Supporter.objects.get()
    assert supporter.user is None
    assert len(supporter.fingerprint) == 64
    assert client.session.session_key not in supporter.fingerprint


def test_me_too_from_two_browsers_counts_two(client, world, django_user_model):
    from django.test import Client

    case = report(world).case

    _support(client, case.number)
    _support(Client(), case.number)

    case.refresh_from_db()
    assert case.supporter_count == 2


def test_me_too_of_a_signed_in_resident(client, world):
    case = report(world).case
    client.force_login(world.chief)

    response = _support(client, case.number)

    assert response.status_code == 302
    assert response.url == reverse("cases:public_case", args=[case.number])
    assert Supporter.objects.get().user == world.chief


def test_me_too_returns_to_a_safe_page_only(client, world):
    case = report(world).case

    response = client.post(
        reverse("cases:support", args=[case.number]),
        {"next": "https://evil.example/"},
    )

    assert response.url == reverse("cases:public_case", args=[case.number])


def test_me_too_on_own_report_is_refused(client_en, world):
    _post(client_en, world)
    case = Case.objects.get()

    response = _support(client_en, case.number, HTTP_HX_REQUEST="true")

    assert "You reported this case yourself." in response.text
    assert not Supporter.objects.exists()


def test_me_too_on_a_closed_case_is_refused(client_en, world):
    reported = to_feedback(world, report(world))
    services.case_rate(
        case=reported.case,
        actor=None,
        token=reported.token,
        solved="yes",
        satisfaction="satisfied",
    )

    response = _support(client_en, reported.case.number, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'data-testid="support-refused"' in response.text
    assert "This case is finished" in response.text


def test_me_too_on_a_hidden_case_is_not_found(client, world):
    reported = report(world)
    services.case_reject(case=reported.case, actor=world.staff, reason="不属实")

    assert _support(client, reported.case.number).status_code == 404


def test_me_too_needs_post(client, world):
    case = report(world).case

    assert client.get(reverse("cases:support", args=[case.number])).status_code == 405


# --- Tracking -------------------------------------------------------------------------


def _track(client, reported, token: str | None = None):
    return client.get(
        reverse("cases:track", args=[reported.case.number]),
        {"t": reported.token if token is None else token},
    )


def test_track_shows_status_deadline_timeline_and_masked_contact(client_en, world):
    reported = report(
        world,
        reporter_name="王小明",
        reporter_phone="13812345678",
        reporter_email="wang@example.org",
        photos=[],
    )
    services.case_accept(case=reported.case, actor=world.staff)
    services.case_dispatch(case=reported.case, actor=world.staff, lead=world.unit)
    reported.case.refresh_from_db()

    response = _track(client_en, reported)

    assert response.status_code == 200
    text = response.text
    assert 'data-status="dispatched"' in text
    assert "The case has been passed to the unit responsible" in text
    due = reported.case.resolve_due_at
    assert due is not None
    assert 'data-testid="deadline"' in text
    for masked in ("王*明", "138****5678", "w***@example.org"):
        assert masked in text
    for secret in ("13812345678", "wang@example.org"):
        assert secret not in text
    assert text.count('data-testid="event"') == 3, "report, accept, dispatch"
    assert world.unit.name in text


def test_track_flags_an_overdue_case(client_en, world):
    import datetime as dt

    from django.utils import timezone

    reported = report(world)
    Case.objects.filter(pk=reported.case.pk).update(
        status=Status.IN_PROGRESS,
        resolve_due_at=timezone.now() - dt.timedelta(days=1),
    )

    response = _track(client_en, reported)

    assert 'data-testid="overdue"' in response.text


def test_track_with_a_wrong_token_is_forbidden(client_en, world):
    reported = report(world)

    response = _track(client_en, reported, token="wrong")

    assert response.status_code == 403
    assert reported.case.description not in response.text


def test_track_without_a_token_is_forbidden_to_others(client, world):
    reported = report(world, reporter=world.resident)
    client.force_login(world.other_handler)

    assert _track(client, reported, token="").status_code == 403


def test_track_of_an_unknown_number_is_not_found(client):
    response = client.get(reverse("cases:track", args=["000000-000000"]))

    assert response.status_code == 404


def test_track_lookup_form_leads_to_the_case(client, world):
    reported = report(world)

    response = client.get(
        reverse("cases:track_lookup"),
        {"number": reported.case.number, "t": reported.token},
    )

    assert response.status_code == 302
    assert response.url == (f"/cases/track/{reported.case.number}/?t={reported.token}")


def test_track_lookup_refuses_a_wrong_code(client_en, world):
    reported = report(world)

    response = client_en.get(
        reverse("cases:track_lookup"), {"number": reported.case.number, "t": "x"}
    )

    assert response.status_code == 200
    assert "No case has this number and tracking code." in response.text


def test_track_lookup_form_is_shown_empty(client):
    response = client.get(reverse("cases:track_lookup"))

    assert response.status_code == 200
    assert 'name="number"' in response.text
    assert "errorlist" not in response.text


# --- Rating ---------------------------------------------------------------------------


def _rate(client, reported, token: str | None = None, **fields: Any):
    data = {"t": reported.token if token is None else token}
    data.update(fields)
    return client.post(reverse("cases:track_rate", args=[reported.case.number]), data)


def test_rating_form_is_shown_only_in_feedback(client, world):
    reported = report(world)
    assert 'data-testid="rating"' not in _track(client, reported).text

    to_feedback(world, reported)

    assert 'data-testid="rating"' in _track(client, reported).text


def test_rating_closes_the_case(client_en, world):
    reported = to_feedback(world, report(world))

    response = _rate(
        client_en, reported, solved="yes", satisfaction="satisfied", comment="很快"
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.CLOSED
    assert not case.reopen_requested
    assert case.ratings.get().comment == "很快"
    page = client_en.get(response.url)
    assert "Thank you for rating the result." in page.text
    assert 'data-testid="your-rating"' in page.text


def test_dissatisfied_rating_asks_to_reopen(client_en, world):
    reported = to_feedback(world, report(world))

    response = _rate(client_en, reported, solved="no", satisfaction="unsatisfied")

    case = Case.objects.get()
    assert (case.status, case.reopen_requested) == (Status.CLOSED, True)
    assert 'data-testid="reopen-requested"' in client_en.get(response.url).text


def test_rating_twice_is_refused(client_en, world):
    reported = to_feedback(world, report(world))
    _rate(client_en, reported, solved="yes", satisfaction="satisfied")

    response = _rate(client_en, reported, solved="no", satisfaction="unsatisfied")

    assert response.status_code == 200
    assert "This case is not waiting for a rating." in response.text
    case = Case.objects.get()
    assert case.ratings.count() == 1
    assert not case.reopen_requested


def test_rating_without_answers_shows_errors(client_en, world):
    reported = to_feedback(world, report(world))

    response = _rate(client_en, reported, solved="maybe")

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert "This field is required." in response.text
    assert Case.objects.get().status == Status.FEEDBACK


def test_rating_with_a_wrong_token_is_forbidden(client, world):
    reported = to_feedback(world, report(world))

    response = _rate(
        client, reported, token="nope", solved="yes", satisfaction="satisfied"
    )

    assert response.status_code == 403
    assert Case.objects.get().status == Status.FEEDBACK


def test_staff_who_may_view_cannot_rate_for_the_reporter(client, world):
    reported = to_feedback(world, report(world))
    client.force_login(world.staff)

    response = _rate(client, reported, token="", solved="yes", satisfaction="satisfied")

    assert response.status_code == 403
    assert Case.objects.get().status == Status.FEEDBACK


# --- Edit and withdraw before acceptance ----------------------------------------------


def _edit(client, reported, **fields: Any):
    data = {"t": reported.token, "version": reported.case.version}
    data.update(fields)
    return client.post(reverse("cases:track_edit", args=[reported.case.number]), data)


def _withdraw(client, reported, **fields: Any):
    data = {"t": reported.token, "version": reported.case.version}
    data.update(fields)
    return client.post(
        reverse("cases:track_withdraw", args=[reported.case.number]), data
    )


def test_reporter_edits_the_description_before_acceptance(client, world):
    reported = report(world)
    assert 'data-testid="edit"' in _track(client, reported).text

    response = _edit(client, reported, description="巷口垃圾，还有一张旧沙发")

    assert response.status_code == 302
    assert Case.objects.get().description == "巷口垃圾，还有一张旧沙发"


def test_edit_after_acceptance_is_refused(client_en, world):
    reported = report(world)
    services.case_accept(case=reported.case, actor=world.staff)
    reported.case.refresh_from_db()
    assert 'data-testid="edit"' not in _track(client_en, reported).text

    response = _edit(client_en, reported, description="改")

    assert "can no longer be edited" in response.text
    assert Case.objects.get().description == "垃圾堆在巷口"


def test_edit_from_a_stale_page_is_refused(client_en, world):
    reported = report(world)

    response = _edit(client_en, reported, description="改", version=0)

    assert "Someone else changed this case" in response.text
    assert Case.objects.get().description == "垃圾堆在巷口"


def test_edit_to_an_empty_description_is_refused(client_en, world):
    reported = report(world)

    response = _edit(client_en, reported, description="  ")

    assert response.status_code == 200
    assert "Describe the problem" in response.text


def test_edit_with_a_wrong_token_is_forbidden(client, world):
    reported = report(world)

    response = client.post(
        reverse("cases:track_edit", args=[reported.case.number]),
        {"t": "bad", "version": 1, "description": "x"},
    )

    assert response.status_code == 403


def test_reporter_withdraws_before_acceptance(client_en, world):
    reported = report(world)

    response = _withdraw(client_en, reported, reason="已经自己处理了")

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.CANCELLED
    page = client_en.get(response.url)
    assert "Your report has been withdrawn." in page.text
    assert "已经自己处理了" in page.text


def test_withdraw_after_acceptance_is_refused(client_en, world):
    reported = report(world)
    services.case_accept(case=reported.case, actor=world.staff)

    response = _withdraw(client_en, reported, version=2)

    assert response.status_code == 200
    assert 'data-testid="track-error"' in response.text
    assert Case.objects.get().status == Status.ACCEPTED


# --- My reports -----------------------------------------------------------------------


def test_my_reports_needs_sign_in(client):
    response = client.get(reverse("cases:mine"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_my_reports_lists_only_my_cases(client, world):
    mine = report(world, reporter=world.resident).case
    theirs = report(world, reporter=world.chief).case
    client.force_login(world.resident)

    response = client.get(reverse("cases:mine"))

    assert f'data-number="{mine.number}"' in response.text
    assert theirs.number not in response.text


# --- Public list, case page and map ---------------------------------------------------


def test_public_list_shows_no_personal_data(client, world):
    report(
        world,
        description=(
            "请打 13912345678 或写信 li.si@example.org，身份证 440602199001011234"
        ),
        reporter_name="李四",
        reporter_phone="13812345678",
        reporter_email="li@example.org",
    )

    response = client.get(reverse("cases:public_list"))

    text = response.text
    assert response.status_code == 200
    for secret in (
        "李四",
        "13812345678",
        "li@example.org",
        "13912345678",
        "li.si@example.org",
        "440602199001011234",
    ):
        assert secret not in text
    assert "139****5678" in text
    assert "***@example.org" in text
    assert "**************1234" in text


def test_public_list_hides_rejected_withdrawn_and_merged_cases(client, world):
    shown = report(world).case
    rejected = report(world).case
    services.case_reject(case=rejected, actor=world.staff, reason="不属实")
    withdrawn = report(world)
    services.case_withdraw(case=withdrawn.case, actor=None, token=withdrawn.token)
    merged = report(world).case
    services.case_merge(case=merged, into=shown, actor=world.staff)

    response = client.get(reverse("cases:public_list"))

    assert [row.number for row in response.context["rows"]] == [shown.number]


def test_public_list_filters_by_category_state_and_community(client, world):
    parking = CategoryFactory(code="parking")
    elsewhere = CommunityFactory()
    open_case = report(world).case
    other_category = report(world, category=parking).case
    other_place = report(world, street=StreetFactory(community=elsewhere)).case
    closed = to_feedback(world, report(world))
    services.case_rate(
        case=closed.case,
        actor=None,
        token=closed.token,
        solved="yes",
        satisfaction="satisfied",
    )
    url = reverse("cases:public_list")

    def numbers(**params):
        return {row.number for row in client.get(url, params).context["rows"]}

    assert numbers(category="parking") == {other_category.number}
    assert numbers(state="closed") == {closed.case.number}
    assert numbers(community=elsewhere.pk) == {other_place.number}
    assert numbers(state="open", community=world.community.pk) == {
        open_case.number,
        other_category.number,
    }
    assert numbers(category="no-such", state="weird") == {
        open_case.number,
        other_category.number,
        other_place.number,
        closed.case.number,
    }, "invalid filters are ignored"


def test_public_list_paginates_with_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    other = StreetFactory(community=world.community)
    for index in range(25):
        report(world, street=other if index % 2 else world.street)

    with django_assert_max_num_queries(6):
        first = client.get(reverse("cases:public_list"))
    with django_assert_max_num_queries(6):
        second = client.get(reverse("cases:public_list"), {"page": 2})

    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 5
    assert 'rel="next"' in first.text


def test_public_case_page_shows_the_case_without_personal_data(client_en, world):
    reported = report(world, reporter_name="李四", reporter_phone="13812345678")

    response = client_en.get(reverse("cases:public_case", args=[reported.case.number]))

    assert response.status_code == 200
    assert "垃圾堆在巷口" in response.text
    assert "李四" not in response.text
    assert "13812345678" not in response.text
    assert 'data-testid="support-button"' in response.text


def test_public_case_page_of_a_hidden_case_is_not_found(client, world):
    reported = report(world)
    services.case_reject(case=reported.case, actor=world.staff, reason="不属实")

    response = client.get(reverse("cases:public_case", args=[reported.case.number]))

    assert response.status_code == 404


def test_public_map_page_needs_no_outside_tiles(client, world):
    response = client.get(reverse("cases:public_map"), {"category": "sanitation"})

    assert response.status_code == 200
    assert 'data-points-url="/cases/public/points/?category=sanitation"' in (
        response.text
    )
    assert "openstreetmap" not in response.text.lower()


def test_public_points_are_open_cases_as_geojson(
    client, mapped, django_assert_max_num_queries
):
    with_geometry(mapped.street, line((113.151, 23.031), (113.159, 23.031)))
    lat, lng = INSIDE
    by_point = report(mapped, street=None, lat=lat, lng=lng).case
    by_street = report(mapped).case
    closed = to_feedback(mapped, report(mapped))
    services.case_rate(
        case=closed.case,
        actor=None,
        token=closed.token,
        solved="yes",
        satisfaction="satisfied",
    )

    with django_assert_max_num_queries(3):
        response = client.get(reverse("cases:public_points"))

    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    points = {f["properties"]["number"]: f for f in data["features"]}
    assert set(points) == {by_point.number, by_street.number}
    assert points[by_point.number]["geometry"]["coordinates"] == [lng, lat]
    assert points[by_street.number]["geometry"]["coordinates"] == pytest.approx(
        [113.155, 23.031]
    )
    assert "reporter" not in response.content.decode()


def test_map_places_gives_communities_and_streets(client, mapped):
    with_geometry(mapped.street, line((113.151, 23.031), (113.159, 23.031)))
    CommunityFactory()  # no geometry: not drawn

    response = client.get(reverse("cases:map_places"))

    data = json.loads(response.content)
    kinds = sorted(f["properties"]["kind"] for f in data["features"])
    assert kinds == ["community", "street"]


# --- Photos ---------------------------------------------------------------------------


def test_public_photo_is_served_and_hidden_case_photo_needs_the_token(client, world):
    from gongzhi.cases.photos import process_photos

    reported = report(world, photos=process_photos([png_upload()]))
    photo = CasePhoto.objects.get()
    thumb = reverse("cases:photo", args=[photo.pk, "thumb"])

    response = client.get(thumb)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert client.get(reverse("cases:photo", args=[photo.pk, "full"])).status_code == (
        200
    )
    assert client.get(reverse("cases:photo", args=[photo.pk, "huge"])).status_code == (
        404
    )

    services.case_withdraw(case=reported.case, actor=None, token=reported.token)
    assert client.get(thumb).status_code == 404
    assert client.get(thumb, {"t": reported.token}).status_code == 200
    page = _track(client, reported)
    assert f"{thumb}?t={reported.token}" in page.text


# --- Navigation -----------------------------------------------------------------------


def test_landing_page_and_navigation_offer_reporting(client_en):
    response = client_en.get(reverse("home"))

    assert f'href="{REPORT}"' in response.text
    assert "Report a problem" in [item.label for item in response.context["nav_items"]]


def test_map_places_are_cached_until_a_place_changes(
    client, mapped, django_assert_max_num_queries
):
    with_geometry(mapped.street, line((113.151, 23.031), (113.159, 23.031)))
    url = reverse("cases:map_places")
    client.get(url)

    with django_assert_max_num_queries(2):  # the version check, nothing more
        cached = json.loads(client.get(url).content)
    mapped.street.name = "江表上街新一巷"
    mapped.street.save()
    fresh = json.loads(client.get(url).content)

    def street_names(data):
        return [
            f["properties"]["name"]
            for f in data["features"]
            if f["properties"]["kind"] == "street"
        ]

    assert len(street_names(cached)) == 1
    assert street_names(cached) != ["江表上街新一巷"]
    assert street_names(fresh) == ["江表上街新一巷"]
