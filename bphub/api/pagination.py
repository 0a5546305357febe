"""One page shape for every list: {"count", "next", "previous", "results"}."""

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 200
# Far past any real list, and small enough that the offset fits every database's integers.
MAX_PAGE = 1_000_000


class PageNumberPagination(PaginationBase):
    items_attribute = "results"

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1 (at most 1,000,000).")
        page_size: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 200)."
        )

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        # A route that had to count first (to choose how to read) leaves the figure on the queryset.
        count = getattr(queryset, "known_count", None)
        if count is None:
            count = self._items_count(queryset)
        page, size = pagination.page, pagination.page_size
        offset = (page - 1) * size
        results = queryset[offset : offset + size]
        return {
            "count": count,
            "next": _page_url(request, page + 1) if offset + size < count else None,
            "previous": _page_url(request, min(page - 1, max(1, -(-count // size)))) if page > 1 else None,
            "results": results,
        }


def _page_url(request, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
