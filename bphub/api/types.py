"""Parameter types shared by every API route, so that one rule holds for each kind of input.

- `RecordId`: a record id in a path or query string. Out of the database's range (0, negative,
  21 digits) it answers 422 `validation_error`, in the path as in the query string; a well-formed
  id of a record that is missing, or that you may not read, answers 404.
- `Day`: a calendar day in a query string, kept to years where a day's start, end and the day after
  exist in every time zone (date.max + 1 day would be a server error).
"""

from datetime import date
from typing import Annotated

from pydantic import Field

from bphub.core.ids import DB_ID_MAX

RecordId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]

DAY_MIN = date(1900, 1, 1)
DAY_MAX = date(9998, 12, 31)
Day = Annotated[date, Field(ge=DAY_MIN, le=DAY_MAX)]
