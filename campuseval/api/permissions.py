"""Who may call what: scope.py decides the objects, these helpers add the roles.

An object outside the user's scope is 404 (through ``scope.get_in_scope``, as on the pages);
a role that may never do the action at all is 403 with a Chinese message.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated

from campuseval.accounts.models import Role, User
from campuseval.accounts.scope import (
    applications_for,
    assignments_for,
    campaigns_for,
    get_in_scope,
    has_role,
)
from campuseval.campaigns.models import Application, Campaign, ExpertAssignment

ACTORS = {
    "school": (Role.SCHOOL_USER, "学校用户"),
    "county": (Role.COUNTY_ADMIN, "县级管理员"),
    "city": (Role.CITY_ADMIN, "市级管理员"),
    "expert": (Role.EXPERT, "评估专家"),
}


class PasswordChanged(BasePermission):
    """A token outlives a password reset: refuse it until the user has changed the password."""

    message = "您须先修改密码：请在网页上登录并修改密码后再使用接口"

    def has_permission(self, request: Any, view: Any) -> bool:
        return not getattr(request.user, "must_change_password", False)


# Every endpoint but the token's and the documentation's.
PERMISSIONS = [IsAuthenticated, PasswordChanged]


def require_role(user: User, actor: str, doing: str) -> None:
    role, label = ACTORS[actor]
    if not has_role(user, role):
        raise PermissionDenied(f"只有{label}可以{doing}")


def application_to_act_on(user: User, pk: int, *, actor: str, doing: str) -> Application:
    """The application the user acts on as school, county or city; 403 for other roles."""
    require_role(user, actor, doing)
    application: Application = get_in_scope(applications_for(user, action=actor), pk=pk)
    return application


def campaign_to_run(user: User, pk: int, *, doing: str) -> Campaign:
    """A campaign the user runs as city administrator."""
    require_role(user, "city", doing)
    campaign: Campaign = get_in_scope(campaigns_for(user, write=True), pk=pk)
    return campaign


def assignment_to_score(user: User, pk: int, *, doing: str) -> ExpertAssignment:
    """The expert's own assignment, only while the city review runs (else 404)."""
    require_role(user, "expert", doing)
    assignment: ExpertAssignment = get_in_scope(assignments_for(user), pk=pk)
    return assignment
