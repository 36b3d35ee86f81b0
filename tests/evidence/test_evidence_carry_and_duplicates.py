"""Carrying last year's evidence (沿用), and files two schools both submitted (to reviewers)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from campuseval.audit.models import AuditRecord
from campuseval.campaigns import services as s
from campuseval.evidence.models import EvidenceLink
from campuseval.evidence.selectors import duplicate_flags

from .conftest import PDF, make_campaign, upload


def last_year(cast, rubrics, clock, client):
    """A 2021 campaign in which school A linked a file to 1.1.1 and a link to 1.2.1."""
    old = make_campaign(
        cast,
        rubrics["taizhou-2022"],
        year=2021,
        name="2021年滁州市智慧校园创建",
        opens_at=dt.datetime(2021, 6, 1, tzinfo=dt.UTC),
        application_deadline=dt.datetime(2021, 8, 1, tzinfo=dt.UTC),
        county_review_deadline=dt.datetime(2021, 8, 31, tzinfo=dt.UTC),
        city_review_deadline=dt.datetime(2021, 9, 30, tzinfo=dt.UTC),
        publication_deadline=dt.datetime(2021, 10, 15, tzinfo=dt.UTC),
    )
    now = clock.now
    clock.at(dt.datetime(2021, 7, 1, tzinfo=dt.UTC))
    app = s.application_create(by=cast.school_user_a, campaign=old, school=cast.school_a)
    client.force_login(cast.school_user_a)
    upload(client, app, "1.1.1", "2021网络拓扑图.pdf", PDF)
    client.post(f"/evidence/applications/{app.pk}/1.2.1/link/", {"url": "https://example.com/2021"})
    clock.at(now)
    client.force_login(cast.school_user_a)  # a session from "2021" has long expired
    return app


def test_carrying_last_years_evidence_links_it_marked_as_carried(client, cast, rubrics, clock, campaign):
    before = last_year(cast, rubrics, clock, client)
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)

    page = client.get(f"/campaigns/applications/{app.pk}/").content.decode()
    assert "沿用往年佐证材料" in page and "有 2 项佐证材料可沿用" in page

    response = client.post(f"/evidence/applications/{app.pk}/carry/", follow=True)
    html = response.content.decode()

    links = EvidenceLink.objects.filter(application=app)
    assert sorted(links.values_list("code", "carried")) == [("1.1.1", True), ("1.2.1", True)]
    assert "已沿用往年佐证材料 2 项" in html
    item_111 = html[html.index('id="evidence-1-1-1"') : html.index('id="evidence-1-1-2"')]
    assert "2021网络拓扑图.pdf" in item_111 and "沿用</span>" in item_111
    assert "沿用往年材料</button>" not in html  # nothing left to carry
    record = AuditRecord.objects.filter(object_type="evidence.evidencelink").order_by("-seq").first()
    assert record.after["carried"] is True and record.after["from_application_id"] == before.pk


def test_there_is_nothing_to_carry_without_an_earlier_application(client, cast, campaign):
    app = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    client.force_login(cast.school_user_a)

    response = client.post(f"/evidence/applications/{app.pk}/carry/", follow=True)

    assert "没有可沿用的往年佐证材料" in response.content.decode()


def test_the_same_file_from_two_schools_is_flagged_to_reviewers(client, cast, campaign):
    app_a = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    app_b = s.application_create(by=cast.school_user_b, campaign=campaign, school=cast.school_b)
    client.force_login(cast.school_user_a)
    upload(client, app_a, "1.1.1", "拓扑图.pdf", PDF)
    upload(client, app_a, "1.2.1", "独有.pdf", PDF + b"only-a")
    client.force_login(cast.school_user_b)
    upload(client, app_b, "1.3.1", "抄来的.pdf", PDF)

    flags = duplicate_flags(app_a, cast.city_admin)
    assert [(f.item.original_name, f.codes, f.other_schools, f.shown) for f in flags] == [
        ("拓扑图.pdf", ["1.1.1"], 1, ["南谯区示例第一小学"])
    ]
    # The county of school A sees the flag but not the name of a school outside its county.
    assert duplicate_flags(app_a, cast.county_admin_a)[0].shown == []
    html = render_to_string("evidence/_duplicate_flags.html", {"flags": flags})
    assert "与其他学校内容相同的文件 1 个" in html and "另有 1 所学校（南谯区示例第一小学）" in html

    # The schools themselves are not shown the flag.
    client.force_login(cast.school_user_a)
    assert "与其他学校内容相同" not in client.get(f"/campaigns/applications/{app_a.pk}/").content.decode()


def test_one_schools_own_repeated_file_is_not_flagged(client, cast, campaign):
    app_a = s.application_create(by=cast.school_user_a, campaign=campaign, school=cast.school_a)
    client.force_login(cast.school_user_a)
    upload(client, app_a, "1.1.1", "拓扑图.pdf", PDF)
    upload(client, app_a, "1.2.1", "拓扑图2.pdf", PDF)

    assert duplicate_flags(app_a, cast.city_admin) == []
