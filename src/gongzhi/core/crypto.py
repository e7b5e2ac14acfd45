"""Encryption at rest for personal data (phone and ID numbers).

Keys come from ``GONGZHI_FIELD_KEYS``: a comma-separated list of Fernet keys. The
first key encrypts; every key decrypts, so a new key can be put in front and the
data re-encrypted with ``gongzhi rotate_field_keys`` before the old key is
dropped (docs/operations.md).
"""

from __future__ import annotations

import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

PREFIX = "enc1:"


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("GONGZHI_FIELD_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "GONGZHI_FIELD_KEYS must be Fernet keys (32 url-safe base64-encoded "
            "bytes); generate one with `gongzhi generate_field_key`."
        ) from exc


def fernet() -> MultiFernet:
    """Return the MultiFernet for the configured keys."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field cannot be decrypted with any key in "
            "GONGZHI_FIELD_KEYS: the key that wrote it is missing."
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the first key."""
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    try:
        return PREFIX + fernet().rotate(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field cannot be decrypted with any key in "
            "GONGZHI_FIELD_KEYS: the key that wrote it is missing."
        ) from exc


class EmptyOnlyExact(Exact):
    """``field=""`` works; ``field="13812345678"`` could never match ciphertext."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"The encrypted field {self.lhs.target.name!r} cannot be searched by "
                "value: every encryption differs."
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.TextField):
    """A text field stored encrypted; it can be read and written, not searched."""

    description = _("Encrypted text")

    def __init__(
        self, *args: Any, max_length: int | None = None, **kwargs: Any
    ) -> None:
        # max_length limits the plaintext, checked by forms and full_clean.
        self.plain_max_length = max_length
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        if max_length:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        kwargs.setdefault("max_length", self.plain_max_length)
        kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """Return the names of ``model``'s encrypted fields."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedCharField)
    ]
