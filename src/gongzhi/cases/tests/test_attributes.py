"""Answers to a category's extra questions (Open311 attributes)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gongzhi.cases.attributes import category_questions, clean_attributes

from .factories import CategoryAttributeFactory, CategoryFactory

pytestmark = pytest.mark.django_db

CHOICES = [
    {"key": "household", "name_zh": "生活垃圾", "name_en": "household"},
    {"key": "building", "name_zh": "建筑垃圾", "name_en": "building"},
    {"key": "bulky", "name_zh": "大件垃圾", "name_en": "bulky"},
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def category_with(datatype, *, required=False, values=None, question="The question"):
    category = CategoryFactory()
    CategoryAttributeFactory(
        category=category,
        code="q",
        datatype=datatype,
        required=required,
        values=values or [],
        question_en=question,
        question_zh="问题",
    )
    return category


def errors(category, answers):
    with pytest.raises(ValidationError) as exc:
        clean_attributes(category, answers)
    return exc.value.messages


# --- Every datatype ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("  短句  ", "短句"), ("x" * 200, "x" * 200), (42, "42")],
)
def test_string(raw, stored):
    assert clean_attributes(category_with("string"), {"q": raw}) == {"q": stored}


def test_string_over_200_characters():
    assert errors(category_with("string"), {"q": "x" * 201}) == [
        "“The question” allows at most 200 characters."
    ]


def test_text_allows_2000_characters_not_more():
    category = category_with("text")
    assert clean_attributes(category, {"q": "字" * 2000}) == {"q": "字" * 2000}
    assert errors(category, {"q": "字" * 2001}) == [
        "“The question” allows at most 2000 characters."
    ]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("12", 12),
        ("12.0", 12),
        ("-3", -3),
        ("0", 0),
        (0, 0),
        ("2.5", 2.5),
        (" 7 ", 7),
        ("1e3", 1000),
        (3.25, 3.25),
    ],
)
def test_number(raw, stored):
    cleaned = clean_attributes(category_with("number"), {"q": raw})
    assert cleaned == {"q": stored}
    assert type(cleaned["q"]) is type(stored)


@pytest.mark.parametrize("raw", ["deep", "12cm", "NaN", "Infinity", "-inf", "1,5"])
def test_number_refuses_what_is_not_a_finite_number(raw):
    assert errors(category_with("number"), {"q": raw}) == [
        "“The question” must be a number."
    ]


@pytest.mark.parametrize("raw", ["1e999999", "-1e16", "1000000000000000"])
def test_number_refuses_absurd_magnitudes(raw):
    assert errors(category_with("number"), {"q": raw}) == [
        "“The question” is too large a number."
    ]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("2026-11-27T09:30", "2026-11-27T09:30:00"),
        ("2026-11-27 09:30:15", "2026-11-27T09:30:15"),
        ("2026-11-27T09:30:00+08:00", "2026-11-27T09:30:00+08:00"),
        ("2026-11-27T01:30:00Z", "2026-11-27T01:30:00+00:00"),
        ("2026-11-27", "2026-11-27T00:00:00"),
    ],
)
def test_datetime(raw, stored):
    assert clean_attributes(category_with("datetime"), {"q": raw}) == {"q": stored}


@pytest.mark.parametrize(
    "raw", ["last Tuesday", "2026-13-01T00:00", "2026-02-30", "27/11/2026", "2026-11"]
)
def test_datetime_refuses_malformed_values(raw):
    assert errors(category_with("datetime"), {"q": raw}) == [
        "“The question” must be a date and time like 2026-11-27T09:30."
    ]


def test_single_choice():
    category = category_with("singlevaluelist", values=CHOICES)
    assert clean_attributes(category, {"q": "building"}) == {"q": "building"}
    assert clean_attributes(category, {"q": ["bulky"]}) == {"q": "bulky"}
    assert errors(category, {"q": "chemical"}) == [
        "“chemical” is not one of the choices for “The question”."
    ]


def test_single_choice_takes_one_answer():
    category = category_with("singlevaluelist", values=CHOICES)
    assert errors(category, {"q": ["building", "bulky"]}) == [
        "“The question” takes one answer."
    ]


@pytest.mark.parametrize("datatype", ["string", "number", "datetime", "text"])
def test_other_types_take_one_answer(datatype):
    assert errors(category_with(datatype), {"q": ["1", "2"]}) == [
        "“The question” takes one answer."
    ]


def test_multi_choice_keeps_every_value():
    category = category_with("multivaluelist", values=CHOICES)
    assert clean_attributes(category, {"q": ["household", "bulky"]}) == {
        "q": ["household", "bulky"]
    }
    assert clean_attributes(category, {"q": "building"}) == {"q": ["building"]}
    assert clean_attributes(category, {"q": ("bulky",)}) == {"q": ["bulky"]}


def test_multi_choice_refuses_one_wrong_value():
    category = category_with("multivaluelist", values=CHOICES)
    assert errors(category, {"q": ["household", "chemical", "toxic"]}) == [
        "“chemical” is not one of the choices for “The question”."
    ]


# --- Required, unknown codes, several problems ------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   ", [], [""], ["  ", ""]])
@pytest.mark.parametrize(
    "datatype", ["string", "text", "number", "datetime", "singlevaluelist"]
)
def test_required_question_must_be_answered(datatype, blank):
    category = category_with(datatype, required=True, values=CHOICES)
    answers = {} if blank is None else {"q": blank}
    assert errors(category, answers) == ["“The question” must be answered."]


def test_required_multi_choice_needs_one_value():
    category = category_with("multivaluelist", required=True, values=CHOICES)
    assert errors(category, {"q": []}) == ["“The question” must be answered."]
    assert clean_attributes(category, {"q": ["bulky"]}) == {"q": ["bulky"]}


def test_optional_question_may_be_left_out():
    category = category_with("number")
    assert clean_attributes(category, {}) == {}
    assert clean_attributes(category, {"q": ""}) == {}


@pytest.mark.parametrize("datatype", ["string", "text", "multivaluelist"])
def test_null_character_is_refused(datatype):
    category = category_with(datatype, values=CHOICES)
    assert errors(category, {"q": ["a\x00"]}) == [
        "“The question” contains a null character, which is not allowed."
    ]


def test_unknown_code_is_refused():
    category = category_with("string")
    assert errors(category, {"q": "ok", "colour": "red"}) == [
        "“colour” is not a question of this category."
    ]


def test_category_without_questions_refuses_any_answer():
    assert errors(CategoryFactory(), {"anything": "x"}) == [
        "“anything” is not a question of this category."
    ]
    assert clean_attributes(CategoryFactory(), {}) == {}


def test_every_problem_is_listed():
    category = CategoryFactory()
    CategoryAttributeFactory(
        category=category, code="a", datatype="number", question_en="A", order=1
    )
    CategoryAttributeFactory(
        category=category,
        code="b",
        datatype="string",
        question_en="B",
        required=True,
        order=2,
    )
    assert errors(category, {"a": "x", "zzz": 1}) == [
        "“zzz” is not a question of this category.",
        "“A” must be a number.",
        "“B” must be answered.",
    ]


def test_question_is_named_in_the_active_language():
    category = category_with("number", question="Depth")
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            clean_attributes(category, {"q": "深"})
    assert "问题" in exc.value.messages[0]


def test_questions_are_read_once_per_category_revision(django_assert_num_queries):
    category = category_with("string", question="Which shop?")
    category.refresh_from_db()

    with django_assert_num_queries(1):
        category_questions(category)
        category_questions(category)
    assert [q.question for q in category_questions(category)] == ["Which shop?"]


def test_an_edited_question_is_seen_by_the_next_read_of_the_category():
    category = category_with("string", required=True, question="Old")
    category.refresh_from_db()
    assert errors(category, {}) == ["“Old” must be answered."]

    question = category.attributes.get()
    question.question_en = "New"
    question.save()
    category.refresh_from_db()
    assert errors(category, {}) == ["“New” must be answered."]

    question.delete()
    category.refresh_from_db()
    assert category_questions(category) == ()
    assert clean_attributes(category, {}) == {}
