"""Encryption at rest of personal data, key rotation and the key checks."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from gongzhi.accounts.models import User
from gongzhi.accounts.tests.factories import UserFactory
from gongzhi.core import crypto
from gongzhi.core.checks import check_field_keys
from gongzhi.core.models import AuditEvent
from gongzhi.orgs.tests.factories import OrganisationFactory

PHONE = "13812345678"
ID_NUMBER = "440604199001011234"

pytestmark = pytest.mark.django_db


def _keys() -> tuple[str, str]:
    first, second = settings.FIELD_ENCRYPTION_KEYS
    return first, second


def _stored(user: User) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, id_number FROM accounts_user WHERE id = %s", [user.pk]
        )
        return cursor.fetchone()


def test_the_database_holds_no_plaintext_phone_or_id_number():
    user = UserFactory(phone=PHONE, id_number=ID_NUMBER)

    phone, id_number = _stored(user)

    assert PHONE not in phone
    assert ID_NUMBER not in id_number
    assert phone.startswith("enc1:")
    assert id_number.startswith("enc1:")
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.phone, fresh.id_number) == (PHONE, ID_NUMBER)


def test_values_read_back_through_values_are_plaintext():
    user = UserFactory(phone=PHONE)

    assert (
        User.objects.filter(pk=user.pk).values_list("phone", flat=True).get() == PHONE
    )


def test_the_same_phone_encrypts_differently_each_time():
    a, b = UserFactory(phone=PHONE), UserFactory(phone=PHONE)

    assert _stored(a)[0] != _stored(b)[0]


def test_empty_values_are_stored_empty():
    user = UserFactory(phone="")

    assert _stored(user) == ("", "")
    assert User.objects.get(pk=user.pk).phone == ""


def test_a_value_written_with_the_second_key_is_read_with_the_normal_list():
    first, second = _keys()
    with override_settings(FIELD_ENCRYPTION_KEYS=[second]):
        user = UserFactory(phone=PHONE)
    token = _stored(user)[0].removeprefix("enc1:")

    assert Fernet(second.encode()).decrypt(token.encode()).decode() == PHONE
    assert User.objects.get(pk=user.pk).phone == PHONE


def test_a_value_whose_key_is_missing_cannot_be_read():
    first, second = _keys()
    user = UserFactory(phone=PHONE)  # written with the first key

    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[second]),
        pytest.raises(ImproperlyConfigured, match="the key that wrote it is missing"),
    ):
        User.objects.get(pk=user.pk)


def test_rotate_field_keys_re_encrypts_everything_with_the_first_key(capsys):
    first, second = _keys()
    with override_settings(FIELD_ENCRYPTION_KEYS=[second]):
        old = UserFactory(phone=PHONE, id_number=ID_NUMBER)
        UserFactory(phone="13900000000")
    UserFactory(phone="")
    before = _stored(old)
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[first]),
        pytest.raises(ImproperlyConfigured),
    ):
        User.objects.get(pk=old.pk)

    call_command("rotate_field_keys")

    out = capsys.readouterr().out
    assert "accounts.User: re-encrypted 3 values in 2 rows (phone, id_number)" in out
    assert "Re-encrypted 3 values with the first key." in out
    after = _stored(old)
    assert after[0] != before[0]
    assert after[0].startswith("enc1:")
    with override_settings(FIELD_ENCRYPTION_KEYS=[first]):
        phones = set(User.objects.values_list("phone", flat=True))
        assert phones == {PHONE, "13900000000", ""}
        assert User.objects.get(pk=old.pk).id_number == ID_NUMBER
    event = AuditEvent.objects.get(action="crypto.rotate_field_keys")
    assert event.actor is None
    assert event.kind == AuditEvent.Kind.SYSTEM
    assert "accounts.User: 3" in event.note


def test_rotate_field_keys_covers_every_model_and_keeps_modification_times(capsys):
    organisation = OrganisationFactory(phone="0757-86220000")
    updated_at = organisation.updated_at
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone FROM orgs_organisation WHERE id = %s", [organisation.pk]
        )
        (before,) = cursor.fetchone()

    call_command("rotate_field_keys")

    assert "orgs.Organisation: re-encrypted 1 values in 1 rows (phone)" in (
        capsys.readouterr().out
    )
    organisation.refresh_from_db()
    assert organisation.phone == "0757-86220000"
    assert organisation.updated_at == updated_at
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone FROM orgs_organisation WHERE id = %s", [organisation.pk]
        )
        assert cursor.fetchone()[0] != before


def test_rotate_field_keys_dry_run_counts_and_writes_nothing(capsys):
    user = UserFactory(phone=PHONE, id_number=ID_NUMBER)
    before = _stored(user)

    call_command("rotate_field_keys", "--dry-run")

    out = capsys.readouterr().out
    assert "accounts.User: would re-encrypt 2 values in 1 rows" in out
    assert "Dry run: 2 values can be re-encrypted." in out
    assert _stored(user) == before
    assert not AuditEvent.objects.filter(action="crypto.rotate_field_keys").exists()


def test_rotate_field_keys_names_a_value_no_key_can_decrypt():
    user = UserFactory(phone=PHONE)
    stranger = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[stranger]):
        UserFactory(phone="13900000000")

    with pytest.raises(CommandError, match="the key that wrote it is missing") as info:
        call_command("rotate_field_keys")

    assert "accounts.User" in str(info.value)
    assert "field phone" in str(info.value)
    assert User.objects.get(pk=user.pk).phone == PHONE


def test_rotate_field_keys_works_through_several_batches(monkeypatch, capsys):
    from gongzhi.core.management.commands import rotate_field_keys

    monkeypatch.setattr(rotate_field_keys, "BATCH_SIZE", 2)
    users = [UserFactory(phone=f"1380000000{i}") for i in range(5)]
    before = [_stored(u)[0] for u in users]

    call_command("rotate_field_keys")

    assert "accounts.User: re-encrypted 5 values in 5 rows" in capsys.readouterr().out
    assert all(_stored(u)[0] != b for u, b in zip(users, before, strict=True))


def test_generate_field_key_prints_a_usable_fernet_key(capsys):
    call_command("generate_field_key")

    key = capsys.readouterr().out.strip()
    assert Fernet(key.encode()).decrypt(Fernet(key.encode()).encrypt(b"x")) == b"x"


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["not-a-key"], "GONGZHI_FIELD_KEYS must be Fernet keys"),
        ([], "GONGZHI_FIELD_KEYS is empty."),
    ],
)
def test_a_wrong_key_list_is_a_clear_configuration_error(keys, message):
    with override_settings(FIELD_ENCRYPTION_KEYS=keys):
        with pytest.raises(ImproperlyConfigured, match=message):
            crypto.encrypt(PHONE)
        with pytest.raises(ImproperlyConfigured, match=message):
            UserFactory(phone=PHONE)


def test_the_key_error_says_how_to_make_a_key():
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[_keys()[0], "short"]),
        pytest.raises(ImproperlyConfigured) as info,
    ):
        crypto.fernet()

    assert "gongzhi generate_field_key" in str(info.value)


def test_system_check_reports_bad_keys_as_core_e001():
    with override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]):
        errors = check_field_keys()

    assert [e.id for e in errors] == ["core.E001"]
    assert "must be Fernet keys" in errors[0].msg
    assert "GONGZHI_FIELD_KEYS" in errors[0].hint


def test_system_check_accepts_the_configured_keys():
    assert check_field_keys() == []


@pytest.mark.parametrize("lookup", ["icontains", "startswith", "contains", "gt", "in"])
def test_encrypted_fields_cannot_be_searched(lookup):
    with pytest.raises(FieldError, match=f"Unsupported lookup '{lookup}'"):
        User.objects.filter(**{f"phone__{lookup}": "138"}).count()


def test_isnull_and_exact_empty_lookups_are_allowed():
    UserFactory(phone="")
    UserFactory(phone=PHONE)

    assert User.objects.filter(phone__isnull=False).count() == 2
    assert User.objects.filter(phone="").count() == 1


def test_exact_lookup_on_a_value_is_refused_with_the_reason():
    with pytest.raises(FieldError, match="'phone' cannot be searched by value"):
        User.objects.filter(phone=PHONE).count()


def test_encrypted_fields_lists_the_encrypted_columns():
    assert crypto.encrypted_fields(User) == ["phone", "id_number"]


def test_decrypt_refuses_a_value_that_was_never_encrypted():
    with pytest.raises(ValueError, match="not an encrypted value"):
        crypto.decrypt(PHONE)
    with pytest.raises(ValueError, match="not an encrypted value"):
        crypto.rotate(PHONE)
