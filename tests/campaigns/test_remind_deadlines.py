"""`campuseval remind_deadlines`: remind who still has work before the next deadline, once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from campuseval.campaigns import services as s
from campuseval.notifications.models import Notification
from tests.campaigns.test_city_helpers import expert_scores, make_expert, recommended, submitted


def run(days=3):
    out = StringIO()
    call_command("remind_deadlines", days=days, stdout=out)
    return out.getvalue()


def near(clock, deadline, days=2):
    clock.at(deadline - dt.timedelta(days=days))


def test_it_reminds_schools_with_drafts_before_the_application_deadline_once(cast, campaign, clock):
    draft = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    submitted(cast, campaign, cast.school_b)
    near(clock, campaign.application_deadline)
    out = run()
    assert "schoola（学校用户）" in out
    assert "共发送 1 条截止提醒" in out
    note = Notification.objects.get()
    assert (note.user, note.kind, note.url) == (cast.school_user_a, "deadline", f"/campaigns/applications/{draft.pk}/")
    assert "还未提交" in note.message and "2022-08-02 07:59" in note.message
    assert "共发送 0 条截止提醒" in run()  # idempotent
    assert Notification.objects.count() == 1


def test_it_waits_until_the_deadline_is_within_the_days(cast, campaign, clock):
    s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    near(clock, campaign.application_deadline, days=5)
    assert "共发送 0 条" in run(days=3)
    assert "共发送 1 条" in run(days=7)


def test_it_reminds_returned_schools_and_the_county_before_the_county_deadline(cast, campaign, clock):
    returned = submitted(cast, campaign, cast.school_a)
    s.application_return(by=cast.county_admin_a, application=returned, comments={"1.1.1": "补充材料"})
    submitted(cast, campaign, cast.teaching_point_a)
    near(clock, campaign.county_review_deadline)
    run()
    users = set(Notification.objects.filter(kind="deadline").values_list("user__username", "url"))
    assert ("schoola", f"/campaigns/applications/{returned.pk}/") in users
    assert ("countya", f"/campaigns/county/{campaign.pk}/") in users
    county_note = Notification.objects.get(kind="deadline", user=cast.county_admin_a)
    assert "1 份已提交的申报未作推荐决定" in county_note.message


def test_it_reminds_experts_with_unsubmitted_assignments_before_the_city_deadline(cast, campaign, clock):
    app = recommended(cast, campaign, cast.school_a)
    done = make_expert(cast, "done", cast.county_b)
    clock.stage(campaign, "city_review")
    s.expert_assign(by=cast.city_admin, application=app, expert=cast.expert)
    finished = s.expert_assign(by=cast.city_admin, application=app, expert=done)
    expert_scores(finished)
    s.expert_submit(by=done, assignment=finished)
    near(clock, campaign.city_review_deadline)
    run()
    reminded = list(Notification.objects.filter(kind="deadline").values_list("user__username", flat=True))
    assert reminded == ["expert"]


def test_it_reminds_city_admins_of_undecided_applications_before_publication(cast, campaign, clock):
    app = recommended(cast, campaign, cast.school_a)
    clock.stage(campaign, "city_review")
    s.expert_assign(by=cast.city_admin, application=app, expert=cast.expert)
    near(clock, campaign.publication_deadline)
    out = run()
    note = Notification.objects.get(kind="deadline")
    assert note.user == cast.city_admin
    assert note.url == f"/campaigns/{campaign.pk}/decisions/"
    assert "还有 1 份申报未认定" in note.message
    assert "cityadmin（市级管理员）" in out


def test_nobody_without_work_is_reminded(cast, campaign, clock):
    submitted(cast, campaign, cast.school_a)
    near(clock, campaign.application_deadline)
    assert "共发送 0 条" in run()
