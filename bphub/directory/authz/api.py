"""Authorization-matrix registrations: the directory's API routes (/api/v1/agencies, /api/v1/focal-points).

Like the resource routes, they answer anonymous callers too (public records only, no contact details);
the policy decides every record, and a record one may not see answers 404.
"""

from django.urls import reverse

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, register
from bphub.directory.authz.records import make_agency, make_focal_point

register(
    ClassifiedListRoute(name="api:agency_list", make_record=make_agency, api=True,
                        path=lambda: reverse("api:agency_list") + "?page_size=200"),
    ClassifiedRoute(name="api:agency_detail", make_record=make_agency, api=True,
                    path=lambda record: reverse("api:agency_detail", kwargs={"agency_id": record.pk})),
    ClassifiedListRoute(name="api:focal_point_list", make_record=make_focal_point, api=True,
                        path=lambda: reverse("api:focal_point_list") + "?page_size=200"),
    ClassifiedRoute(name="api:focal_point_detail", make_record=make_focal_point, api=True,
                    path=lambda record: reverse("api:focal_point_detail", kwargs={"focal_point_id": record.pk})),
)
