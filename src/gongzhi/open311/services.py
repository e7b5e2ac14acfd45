"""Services of Open311: API keys, and reporting a case through GeoReport v2."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.choices import Channel
from gongzhi.cases.photos import ProcessedPhoto, process_photos
from gongzhi.cases.services import case_report
from gongzhi.core.audit import audit_record
from gongzhi.places.models import Community, Street

from .models import ApiKey, Open311Request
from .parsers import PostedRequest
from .selectors import place_from_address, service_get, street_by_code

KEY_PREFIX_LENGTH = 8


class UnknownService(LookupError):
    """The service_code names no category open to reports."""


class ApiKeyRefused(PermissionDenied):
    """The api_key is missing, unknown or revoked."""


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, name: str, actor: Any = None) -> tuple[ApiKey, str]:
    """Issue a key to the client ``name``; return it and the key, shown only once."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the client the key is for.")})
    if ApiKey.objects.filter(name=name).exists():
        raise ValidationError(
            {"name": _("A key named “%(name)s” exists already.") % {"name": name}}
        )
    raw_key = secrets.token_urlsafe(32)
    api_key = ApiKey(
        name=name[:80],
        prefix=raw_key[:KEY_PREFIX_LENGTH],
        key_hash=key_hash(raw_key),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            api_key.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"name": _("A key named “%(name)s” exists already.") % {"name": name}}
        ) from exc
    audit_record(
        actor=actor,
        action="open311.key_create",
        obj=api_key,
        note=f"prefix {api_key.prefix}",
    )
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: Any = None) -> ApiKey:
    """Revoke ``api_key``: from now on it is refused. Revoking twice is harmless."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="open311.key_revoke", obj=api_key)
    return api_key


def api_key_authenticate(*, raw_key: str) -> ApiKey:
    """Return the active key ``raw_key`` and note its use; else ApiKeyRefused."""
    if not raw_key:
        raise ApiKeyRefused(_("api_key is missing; every POST needs one."))
    api_key = ApiKey.objects.filter(key_hash=key_hash(raw_key)).first()
    if api_key is None or api_key.revoked_at is not None:
        audit_record(
            actor=None,
            action="open311.key_refused",
            obj=api_key,
            note="revoked" if api_key is not None else f"prefix {raw_key[:8]!r}",
        )
        if api_key is not None:
            raise ApiKeyRefused(_("This api_key has been revoked."))
        raise ApiKeyRefused(_("This api_key is not valid."))
    now = timezone.now()
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
    return api_key


def _reporter_name(first: str, last: str) -> str:
    if first.isascii() and last.isascii():
        return f"{first} {last}".strip()
    # Chinese names put the family name first, with no space.
    return f"{last}{first}"


def _where(
    posted: PostedRequest, errors: dict[str, list[str]]
) -> tuple[Street | None, Community | None]:
    if posted.lat is not None or posted.long is not None:
        return None, None
    if posted.address_id:
        street = street_by_code(code=posted.address_id)
        if street is None:
            errors.setdefault("address_id", []).append(
                _("address_id “%(id)s” is not a street code of this platform.")
                % {"id": posted.address_id}
            )
            return None, None
        return street, street.community
    if posted.address_string:
        street, community = place_from_address(address=posted.address_string)
        if community is None:
            errors.setdefault("address_string", []).append(
                _(
                    "The address names no street or community served here; "
                    "send lat and long as well."
                )
            )
        return street, community
    return None, None


def _photos(
    media: Sequence[IO[bytes]], errors: dict[str, list[str]]
) -> list[ProcessedPhoto]:
    if not media:
        return []
    try:
        return process_photos(media)
    except ValidationError as exc:
        errors.setdefault("media", []).extend(exc.messages)
        return []


def _check_media_url(url: str, errors: dict[str, list[str]]) -> None:
    if not url:
        return
    try:
        URLValidator(schemes=["http", "https"])(url)
        if len(url) > 500:
            raise ValidationError("too long")
    except ValidationError:
        errors.setdefault("media_url", []).append(
            _("media_url must be an http or https address of at most 500 characters.")
        )


class _Undo(Exception):
    """Roll the savepoint back: the adapter found problems of its own."""


def open311_request_create(
    *,
    api_key: ApiKey,
    posted: PostedRequest,
    media: Sequence[IO[bytes]] = (),
) -> Open311Request:
    """Report a case from an Open311 POST through the cases intake service.

    Raise UnknownService (the spec's 404) or ValidationError whose keys are the
    spec's field names (400), with every problem of the request at once; a
    refused request is audited too.
    """
    category = service_get(code=posted.service_code)
    if category is None:
        raise UnknownService(posted.service_code)
    errors: dict[str, list[str]] = {}
    street, community = _where(posted, errors)
    photos = _photos(media, errors)
    _check_media_url(posted.media_url, errors)
    try:
        # The case is written, then undone if this adapter found problems of its
        # own, so that the client hears of every problem at once.
        with transaction.atomic():
            reported = case_report(
                category=category,
                # GeoReport makes the description optional; a case needs one, in
                # the language the community works in.
                description=posted.description or category.name_zh,
                channel=Channel.OPEN311,
                attributes=posted.attributes,
                lat=posted.lat,
                lng=posted.long,
                street=street,
                community=community,
                address=posted.address_string,
                photos=photos,
                reporter_name=_reporter_name(posted.first_name, posted.last_name),
                reporter_phone=posted.phone,
                reporter_email=posted.email,
                external_id=posted.account_id or posted.device_id,
            )
            if errors:
                raise _Undo
            posted_request = Open311Request.objects.create(
                case=reported.case,
                api_key=api_key,
                token=secrets.token_hex(16),
                device_id=posted.device_id[:100],
                account_id=posted.account_id[:100],
                media_url=posted.media_url,
            )
            audit_record(
                actor=None,
                action="open311.post",
                obj=reported.case,
                note=f"key {api_key.name}",
            )
    except (ValidationError, _Undo) as exc:
        if isinstance(exc, ValidationError):
            if hasattr(exc, "error_dict"):
                for key, messages in exc.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
            else:
                errors.setdefault("request", []).extend(exc.messages)
        audit_record(
            actor=None,
            action="open311.post_refused",
            note=f"key {api_key.name}: {', '.join(sorted(errors))}",
        )
        raise ValidationError(errors) from exc
    return posted_request
