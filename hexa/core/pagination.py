import math

from graphql import GraphQLError

MAX_PER_PAGE = 100


def result_page(queryset, page=None, per_page=None, max_per_page=MAX_PER_PAGE) -> dict:
    """The `{pageNumber, totalPages, totalItems, items}` shape of OpenHEXA's *Page types, of a
    queryset or of a list."""
    page = 1 if page is None else page
    per_page = 10 if per_page is None else per_page
    if page < 1:
        raise GraphQLError("page must be 1 or more", extensions={"code": "BAD_REQUEST"})
    if not 1 <= per_page <= max_per_page:
        raise GraphQLError(f"perPage must be between 1 and {max_per_page}", extensions={"code": "BAD_REQUEST"})
    total_items = len(queryset) if isinstance(queryset, list) else queryset.count()
    offset = (page - 1) * per_page
    return {
        "page_number": page,
        "total_pages": max(1, math.ceil(total_items / per_page)),
        "total_items": total_items,
        "items": list(queryset[offset : offset + per_page]),
    }
