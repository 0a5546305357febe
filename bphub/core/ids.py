"""Record ids that come from outside (paths, query strings, form fields, API parameters).

Every id is checked against the database's range before it reaches a query: a 21-digit id would
otherwise raise OverflowError on SQLite (a server error) and a DataError on PostgreSQL. Ids are
bigint-sized (Django's BigAutoField); SQLite's INTEGER is the same signed 64-bit range.

- `parse_id(value)` for query strings and form values: the id, or None for anything that is not one;
- the `id` path converter (`<id:pk>`, registered in `bphub.core.apps`) for URL paths: a path with an
  out-of-range id does not match, so it answers 404 like a missing record;
- `bphub.api.types.RecordId` for API path and query parameters (422 when out of range).
"""

DB_ID_MAX = 2**63 - 1


def parse_id(value) -> int | None:
    """`value` as a record id (1 … DB_ID_MAX), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= DB_ID_MAX else None


class IdConverter:
    """`<id:pk>`: a positive id within the database's range; anything else does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))
