from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from bphub.api import views as api_views
from bphub.api.api import api
from bphub.core import views as core_views

# The Django admin signs in through allauth (and so through MFA), never through its own form.
admin.site.login = login_required(admin.site.login)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("bphub.accounts.urls")),
    path("members/", include("bphub.members.urls")),
    path("exchange/", include("bphub.knowledge.urls")),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("meetings/", include("bphub.meetings.urls")),
    path("calendar/", include("bphub.meetings.urls.feeds")),
    path("news/", include("bphub.communications.urls")),
    path("directory/", include("bphub.directory.urls")),
    path("research/", core_views.area, {"key": "research"}, name="area_research"),
    path("secondments/", core_views.area, {"key": "secondments"}, name="area_secondments"),
    path("trends/", core_views.area, {"key": "trends"}, name="area_trends"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api-tokens/", api_views.api_tokens, name="api_tokens"),
    path("api/v1/", api.urls),
    path(settings.ADMIN_URL, admin.site.urls),
]
