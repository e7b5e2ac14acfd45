"""Masking of personal data for display (PIPL): 138****5678, ID last 4, 张*明."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    """Return ``phone`` with all but the first 3 and last 4 digits hidden."""
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(id_number: str | None) -> str:
    """Return an ID number showing only its last 4 characters."""
    if not id_number:
        return ""
    value = id_number.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_email(email: str | None) -> str:
    """Return an e-mail address as ``z***@example.org``."""
    local, _at, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


def mask_name(name: str | None) -> str:
    """Return a name for public display: 张*明, 张*, J*** S****."""
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(mask_name(part) for part in name.split())
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    if name.isascii():
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]
