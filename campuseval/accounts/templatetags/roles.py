"""Role tests for templates (navigation), from the one scoping module."""

from __future__ import annotations

from django import template

from campuseval.accounts import scope
from campuseval.audit import selectors as audit_selectors

register = template.Library()


@register.filter
def is_platform_admin(user: scope.AnyUser) -> bool:
    return scope.is_platform_admin(user)


@register.filter
def may_browse_audit(user: scope.AnyUser) -> bool:
    return audit_selectors.may_browse(user)


@register.filter
def has_role(user: scope.AnyUser, roles: str) -> bool:
    """``user|has_role:"city_admin,county_admin"``: holds any of these roles somewhere."""
    return scope.has_role(user, *[r.strip() for r in roles.split(",")])
