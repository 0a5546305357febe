"""What needs the caller now: the home page's "What needs you" list, from the same code
(`bphub.core.home.needs_for`), so the page, this route and the weekly digest never disagree."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Router, Schema

from bphub.api.auth import AUTH_REQUIRED
from bphub.api.schemas import ErrorOut
from bphub.core.home import needs_for

router = Router(tags=["account"], auth=AUTH_REQUIRED)


class NeedOut(Schema):
    key: str = Field(description='What kind of thing waits, stable: e.g. "meetings.delegation_to_nominate".')
    title: str = Field(description="What to do, in the interface language.")
    count: int = Field(description="How many records of this kind wait; only records you may read are counted.")
    due_on: date | None = Field(description="The day it is due, for things due on a day (action items, reviews).")
    due_at: datetime | None = Field(
        description="The moment it is due, for things due at a time (a nomination deadline, a meeting's start)."
    )
    due_label: str = Field(description='What the due date is, e.g. "Nominations close"; empty: due.')
    severity: Literal["overdue"] | None = Field(description='"overdue" when it is late.')
    note: str = Field(description="One line of context, e.g. the state of your member's delegation.")
    url: str = Field(description="The page on the hub where you act on it.")

    @staticmethod
    def resolve_due_on(obj):
        return obj.due if isinstance(obj.due, date) and not isinstance(obj.due, datetime) else None

    @staticmethod
    def resolve_due_at(obj):
        return obj.due if isinstance(obj.due, datetime) else None

    @staticmethod
    def resolve_severity(obj):
        return obj.severity or None

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.url)


@router.get("/me/needs", response={200: list[NeedOut], 401: ErrorOut}, url_name="my_needs")
def my_needs(request):
    """What needs you now, overdue first, then by due date: the list on your home page."""
    return needs_for(request.auth)
