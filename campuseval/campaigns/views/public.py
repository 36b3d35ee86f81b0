"""The public results of published campaigns (no log-in): names and tiers, nothing else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campuseval.campaigns.presenters.city import published_results
from campuseval.campaigns.selectors import published_campaign, published_campaigns


@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    campaigns = published_campaigns()
    return render(request, "campaigns/public/results_index.html", {"campaigns": campaigns})


@require_GET
def results_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = published_campaign(campaign_id)
    q = request.GET.get("q", "").strip()[:50]
    tiers, total = published_results(campaign, q)
    return render(
        request,
        "campaigns/public/results.html",
        {"campaign": campaign, "tiers": tiers, "total": total, "q": q, "shown": sum(t.count for t in tiers)},
    )
