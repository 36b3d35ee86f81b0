"""Nothing shown to a signed-in user is kept by a browser's or a proxy's cache (issue 13): every
answer to a request with a user (a session, or an API token, which the API sets on the request)
says ``Cache-Control: private, no-store`` unless its view chose its own caching. Pages, the API,
downloads and exports carry names, phone numbers and scores; a shared school computer's cache
or the bureau's proxy must not keep them after the user has gone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
