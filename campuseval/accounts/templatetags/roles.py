"""Role tests for templates (navigation), from the one scoping module."""

from __future__ import annotations

from django import template

from campuseval.accounts import scope

register = template.Library()


@register.filter
def is_platform_admin(user: scope.AnyUser) -> bool:
    return scope.is_platform_admin(user)


@register.filter
def may_browse_audit(user: scope.AnyUser) -> bool:
    return scope.audit_region_filter(user) is not None


@register.filter
def has_role(user: scope.AnyUser, roles: str) -> bool:
    """``user|has_role:"city_admin,county_admin"``: holds any of these roles somewhere."""
    return scope.has_role(user, *[r.strip() for r in roles.split(",")])
