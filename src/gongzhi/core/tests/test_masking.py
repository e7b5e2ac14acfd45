"""Masking of personal data for display."""

from __future__ import annotations

import pytest

from gongzhi.core.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("12345", "*****"),
    ],
)
def test_mask_phone_shows_the_first_three_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("id_number", "masked"),
    [
        ("440604199001011234", "**************1234"),
        ("44060419900101123X", "**************123X"),
        (" 440604199001011234 ", "**************1234"),
        ("1234", "****"),
    ],
)
def test_mask_id_number_shows_only_the_last_four(id_number, masked):
    assert mask_id_number(id_number) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三明", "张*明"),
        ("欧阳小明", "欧**明"),
        ("张三", "张*"),
        ("张", "*"),
        ("John Smith", "J*** S****"),
        ("  张三明 ", "张*明"),
    ],
)
def test_mask_name_for_public_views(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_inputs_mask_to_nothing(empty):
    assert mask_phone(empty) == ""
    assert mask_id_number(empty) == ""
    assert mask_name(empty) == ""
