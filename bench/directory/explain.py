"""EXPLAIN ANALYZE of the directory search as a member official runs it (run with the bench environment).

    python bench/directory/explain.py [QUERY...]

For each query: the plan of the page query (first 50 rows, as /directory/ and the API fetch them)
and of the count, and whether the trigram index (directory_fp_search_trgm, migration 0003) is used.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bphub.accounts.models import User  # noqa: E402
from bphub.directory.selectors import DirectoryFilter, focal_point_search  # noqa: E402


def main() -> None:
    queries = sys.argv[1:] or ["somchai", "สมชาย", "小明", "nguyen hong", "王"]
    reader = User.objects.filter(role="member_official", member__isnull=False, is_active=True).order_by("pk").first()
    print(f"reader: {reader.email} (member_official of {reader.member.code})\n")
    for query in queries:
        qs = focal_point_search(reader, DirectoryFilter(q=query))
        page = qs[:50].explain(analyze=True, buffers=True)
        sql, params = qs.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:  # the count the paginator runs
            cursor.execute(f"EXPLAIN (ANALYZE) SELECT COUNT(*) FROM ({sql}) AS page", params)
            count = "\n".join(row[0] for row in cursor.fetchall())
        uses_index = "directory_fp_search_trgm" in page or "directory_fp_search_trgm" in count
        print(f"=== q={query!r}: {qs.count()} matches; trigram index used: {uses_index}")
        print("--- page (LIMIT 50)\n" + page)
        print("--- count\n" + count + "\n")


if __name__ == "__main__":
    main()
