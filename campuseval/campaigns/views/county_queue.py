"""County review (县级初评) lists: the campaigns to review, the queue, every county's quotas, the
recommendation list and its 推荐名单表 exports.

County administrators see their own county; city administrators open the same pages read-only
for any county of their city. Objects come through ``campaigns.access``; rows from presenters.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from campuseval.accounts.gates import gate_required, passes
from campuseval.accounts.models import Role, User
from campuseval.accounts.scope import has_role
from campuseval.campaigns import access, exports, rules, services
from campuseval.campaigns.forms import QUEUE_SORTS, QueueFilter
from campuseval.campaigns.models import Campaign, Status
from campuseval.campaigns.presenters.county import (
    CountyRow,
    QueueRow,
    list_rows,
    queue_rows,
    quota_lines,
)
from campuseval.campaigns.presenters.deadlines import campaign_deadlines, county_lock, lock_note
from campuseval.campaigns.selectors import county as reads
from campuseval.exporting import DOCX, XLSX, attachment
from campuseval.regions.models import Region
from campuseval.rubrics.selectors import form_words

PAGE_SIZE = 30


def county_query(county: Region, counties: list[Region]) -> str:
    """``?county=`` for links between the pages, only where the user has a choice."""
    return f"?{urlencode({'county': county.code})}" if len(counties) > 1 else ""


def _where(request: HttpRequest, campaign_id: int) -> tuple[Campaign, Region, list[Region]]:
    campaign = access.campaign_for_viewer(request.user, campaign_id)
    county, counties = access.county_for_viewer(request.user, campaign, request.GET.get("county", ""))
    return campaign, county, counties


@gate_required("county_reader")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The campaigns to review: one link per campaign of the user's city."""
    campaigns = list(access.campaigns_for(request.user).order_by("-year", "-opens_at"))
    now = timezone.now()
    return render(
        request,
        "campaigns/county/home.html",
        {"rows": [(c, c.stage_at(now)) for c in campaigns], "is_city": has_role(request.user, Role.CITY_ADMIN)},
    )


def _queue_page(request: HttpRequest, base: Any, data: dict[str, Any], tiers: list[str]) -> tuple[Page[Any], list[QueueRow]]:
    apps = reads.with_self_scores(reads.queue_filtered(base, data))
    sort = data.get("sort") or "submitted"
    if sort in ("score", "-score"):
        # The engine's total caps sub-areas, so it is sorted here, not by a sum in SQL; a
        # county has at most a few hundred applications per campaign.
        every = queue_rows(list(apps.order_by("school__code")))
        every.sort(key=lambda r: r.result.total, reverse=sort == "-score")
        page: Page[Any] = Paginator(every, PAGE_SIZE).get_page(request.GET.get("page"))
        return page, list(page.object_list)
    page = Paginator(reads.by_tier(apps, tiers, QUEUE_SORTS[sort][1]), PAGE_SIZE).get_page(request.GET.get("page"))
    return page, queue_rows(list(page.object_list))


@gate_required("county_reader")
@require_GET
def queue(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, county, counties = _where(request, campaign_id)
    tiers = campaign.tier_names
    form = QueueFilter(request.GET or None, tiers=tiers)
    base = reads.county_applications(request.user, campaign, county)
    counts = reads.status_counts(base)
    page, rows = _queue_page(request, base, form.filters(), tiers)
    context = {
        "campaign": campaign,
        "county": county,
        "counties": counties,
        "county_query": county_query(county, counties),
        "form": form,
        "page": page,
        "rows": rows,
        "counts": [(s.label, s.value, counts.get(s.value, 0)) for s in Status if counts.get(s.value)],
        "drafts": counts.get(Status.DRAFT, 0),
        "total": sum(counts.values()),
        "quota": quota_lines(campaign, county),
        "deadlines": campaign_deadlines(campaign),
        "stage": campaign.stage_at(timezone.now()),
        "is_city": passes(request.user, "quota_overview"),
        **county_lock(campaign),
    }
    return render(request, "campaigns/county/queue.html", context)


@gate_required("quota_overview")
@require_GET
def quotas(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Every county's recommendations against its quota, and its applications per status."""
    campaign = access.campaign_for_viewer(request.user, campaign_id)
    counties = access.counties_for(request.user, campaign)
    counts = reads.status_counts_by_county(request.user, campaign)
    statuses = list(Status)
    rows = [
        CountyRow(
            county=c,
            quota=quota_lines(campaign, c),
            statuses=[counts[c.pk][s.value] if c.pk in counts else 0 for s in statuses],
        )
        for c in counties
    ]
    totals = [sum(r.statuses[n] for r in rows) for n in range(len(statuses))]
    context = {
        "campaign": campaign,
        "rows": rows,
        "statuses": statuses,
        "totals": totals,
        # The city's sum of what each county has used; caps are per county, so no city cap.
        "quota_totals": [sum(line.used for line in lines) for lines in zip(*(r.quota for r in rows), strict=True)],
        "grand_total": sum(totals),
        "tiers": campaign.tier_names,
        "deadlines": campaign_deadlines(campaign),
        **county_lock(campaign),
    }
    return render(request, "campaigns/county/quotas.html", context)


@gate_required("county_reader")
@require_GET
def recommendation_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, county, counties = _where(request, campaign_id)
    rows = list_rows(reads.recommended(request.user, campaign, county), campaign.tier_names)
    acting = reads.acting_ids(request.user, campaign, county)
    context = {
        "campaign": campaign,
        "county": county,
        "counties": counties,
        "county_query": county_query(county, counties),
        "rows": rows,
        "acting": acting,
        # Taken off the list: the county's "not recommended", as the rulebook allows it now.
        "removable": {
            r.application.pk for r in rows
            if r.application.pk in acting and rules.allowed(rules.NOT_RECOMMEND, r.application)
        },
        "may_change": bool(acting) and rules.any_open(campaign, rules.COUNTY_STAGES),
        "quota": quota_lines(campaign, county),
        "deadlines": campaign_deadlines(campaign),
        **county_lock(campaign),
    }
    return render(request, "campaigns/county/list.html", context)


def _list_export(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    campaign, county, _counties = _where(request, campaign_id)
    rows = list_rows(reads.recommended(request.user, campaign, county), campaign.tier_names)
    user = request.user
    assert isinstance(user, User)  # the gate lets only signed-in users through
    # The county's contact is the county administrator who prints it; the city leaves it blank.
    acting_here = has_role(user, Role.COUNTY_ADMIN) and bool(reads.acting_ids(user, campaign, county))
    head = exports.ListHead(
        title=f"{campaign.name} 推荐名单",
        county=county.name,
        contact=user.full_name if acting_here else "",
        phone=user.phone if acting_here else "",
        locked_note=lock_note(campaign),
        words=form_words(campaign.rubric),
    )
    list_rows_ = [
        exports.ListRow(
            school=r.application.school.name,
            contact=r.application.contact_name,
            phone=r.application.contact_phone,
            tier=r.application.applied_tier,
            score=r.result.total,
            highlights=r.application.highlights,
        )
        for r in rows
    ]
    body = services.recommendation_list_file(by=user, campaign=campaign, county=county, head=head, rows=list_rows_, fmt=fmt)
    return attachment(
        body,
        content_type=XLSX if fmt == "xlsx" else DOCX,
        filename=f"{campaign.name}推荐名单（{county.name}）.{fmt}",
        ascii_filename=f"recommended-{campaign.pk}-{county.code}.{fmt}",
    )


@gate_required("county_reader")
@require_GET
def recommendation_list_xlsx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _list_export(request, campaign_id, "xlsx")


@gate_required("county_reader")
@require_GET
def recommendation_list_docx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _list_export(request, campaign_id, "docx")
