"""What the workflow's services share: a status change with its event, audit record and the
people to tell."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from campuseval.accounts import scope
from campuseval.accounts.models import Role, User
from campuseval.audit.services import audit_log, snapshot
from campuseval.campaigns import hooks
from campuseval.campaigns.models import Application, ApplicationEvent
from campuseval.notifications.services import notify
from campuseval.regions.models import School


def region_code(application: Application) -> str:
    return application.school.county.code


def event(application: Application, by: User | None, old: str, new: str, note: str = "") -> None:
    ApplicationEvent.objects.create(application=application, actor=by, from_status=old, to_status=new, note=note)


def transition(application: Application, by: User | None, new: str, note: str = "", **fields: Any) -> Application:
    """Move the application to ``new`` (the caller has asked the rulebook), with its history
    event and audit record."""
    old = application.status
    before = snapshot(application, ["status", *fields])
    application.status = new
    for name, value in fields.items():
        setattr(application, name, value)
    application.version += 1
    application.save()
    event(application, by, old, new, note)
    # A submission starts counting the school's own scores; any other move changes the status.
    hooks.changed([application.pk], scores=new == "submitted")
    audit_log(
        "update",
        application,
        before=before,
        after={**snapshot(application, ["status", *fields]), **({"note": note} if note else {})},
        region_code=region_code(application),
        by=by,
    )
    return application


def school_users(school: School) -> Iterable[User]:
    return scope.holders(Role.SCHOOL_USER, school=school)


def application_url(application: Application) -> str:
    return reverse("campaigns:school_application", args=[application.pk])


def tell_school(application: Application, *, kind: str, message: str) -> None:
    """A notice to the school's users, linking to the application."""
    notify(school_users(application.school), kind=kind, message=message, url=application_url(application))


def tell_county(application: Application, *, resubmitted: bool) -> None:
    """The county's administrators hear of a submission: each resubmission after a return, and
    one notice a day per campaign for new submissions (a digest where many arrive)."""
    campaign, school = application.campaign, application.school
    admins = scope.holders(Role.COUNTY_ADMIN, region=school.county)
    if resubmitted:
        notify(
            admins, kind="resubmitted",
            message=f"{campaign.name}：{school}按退回意见修改后重新提交了申报",
            url=reverse("campaigns:county_review", args=[application.pk]),
        )
        return
    day = timezone.localdate()
    notify(
        admins, kind="submitted",
        message=f"{campaign.name}：{day:%m月%d日}有学校提交了申报，请到县级初评查看",
        url=reverse("campaigns:county_queue", args=[campaign.pk]),
        dedupe_key=f"submitted:{campaign.pk}:{school.county_id}:{day.isoformat()}",
    )
