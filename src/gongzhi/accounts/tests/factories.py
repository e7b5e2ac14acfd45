from __future__ import annotations

from typing import Any

import factory

from gongzhi.accounts.models import RoleAssignment, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"居民{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "resident"


def user_with_role(role: str, scope: Any = None, **user_fields: Any) -> User:
    """Return a new user holding ``role`` over ``scope``, given through the service.

    The service refuses a scope the role cannot have, so tests cannot build a
    combination the platform would never allow.
    """
    from gongzhi.accounts.services import role_assign

    user = UserFactory(**user_fields)
    role_assign(actor=None, user=user, role=role, scope=scope)
    return user
