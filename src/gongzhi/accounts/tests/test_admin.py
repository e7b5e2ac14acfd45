"""The user register in the admin: masked lists, audited reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEvent

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.admin = admin
    return client


def test_user_changelist_shows_masked_phone(admin_client):
    # Given a resident with a phone number
    UserFactory(username="huang", phone="13812345678")

    # When an admin lists users
    response = admin_client.get(reverse("admin:accounts_user_changelist"))

    # Then the phone is masked and no read is audited (nothing was revealed)
    assert response.status_code == 200
    assert "138****5678" in response.text
    assert "13812345678" not in response.text
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.READ).exists()


def test_user_change_page_audits_read_of_personal_data(admin_client):
    # Given a resident with a phone and ID number
    resident = UserFactory(
        username="huang", phone="13812345678", id_number="44060419800101123X"
    )

    # When an admin opens their change page
    response = admin_client.get(
        reverse("admin:accounts_user_change", args=[resident.pk])
    )

    # Then the page shows the numbers and exactly one read event names them
    assert response.status_code == 200
    assert "13812345678" in response.text
    reads = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.READ))
    assert len(reads) == 1, f"one read per page view, got {len(reads)}"
    read = reads[0]
    assert read.action == "read"
    assert read.actor == admin_client.admin
    assert read.object_type == "accounts.user"
    assert read.object_id == str(resident.pk)
    assert read.note == "phone, id_number"


def test_user_admin_refused_to_non_staff(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
