"""The county hears of submissions without polling its queue (issue 8, 6), and only
administrators see the API documentation in their menu (issue 8, 9)."""

from __future__ import annotations

from campuseval.campaigns import services as s
from campuseval.notifications.models import Notification

from .test_county_support import make_school, submitted


def test_the_county_gets_one_notice_a_day_however_many_schools_submit(cast, campaign):
    submitted(campaign, cast.school_a, cast.school_user_a)
    other = make_school(cast.county_a, 11, "琅琊区示例第二小学")
    submitted(campaign, other, cast.school_user_a)
    notices = Notification.objects.filter(user=cast.county_admin_a, kind="submitted")
    assert notices.count() == 1
    assert notices.get().url == f"/campaigns/county/{campaign.pk}/"
    # Another county's administrators hear nothing of it.
    assert not Notification.objects.filter(kind="submitted").exclude(user=cast.county_admin_a).exists()


def test_the_county_hears_of_each_resubmission_after_a_return(cast, campaign, clock):
    app = submitted(campaign, cast.school_a, cast.school_user_a)
    clock.stage(campaign, "county_review")
    s.application_return(by=cast.county_admin_a, application=app, comments={"1.1.1": "请补充"})
    s.application_submit(by=cast.school_user_a, application=app)
    notice = Notification.objects.get(user=cast.county_admin_a, kind="resubmitted")
    assert cast.school_a.name in notice.message and "重新提交" in notice.message
    assert notice.url == f"/campaigns/county/review/{app.pk}/"


def test_only_administrators_find_the_api_documentation_in_their_menu(client, cast, db):
    client.force_login(cast.school_user_a)
    assert 'href="/api/docs/"' not in client.get("/rubrics/").content.decode()
    client.force_login(cast.county_admin_a)
    assert 'href="/api/docs/"' in client.get("/rubrics/").content.decode()
