"""Validators shared by every form and API that takes personal data."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# A mobile or landline number: digits, optionally a leading + and spaces or
# dashes between (13812345678, 0757-8888 6666, +86 138 1234 5678).
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 -]{5,}[0-9]$",  # the length: the fields' max_length
    _("Enter a phone number in digits, for example 13812345678."),
)
