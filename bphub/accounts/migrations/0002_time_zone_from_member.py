"""People still on the old UTC default start in their member's time zone (the RSO's for people of no
member): nobody in Bangkok or Jakarta chose UTC, it was only the default (issue 11)."""

from django.conf import settings
from django.db import migrations


def move_off_utc(apps, schema_editor):
    from zoneinfo import available_timezones

    User = apps.get_model("accounts", "User")
    known = available_timezones()
    rso_zone = settings.RSO_TIME_ZONE
    for user in User.objects.filter(time_zone="UTC").select_related("member"):
        member_zone = user.member.time_zone if user.member_id else ""
        zone = member_zone if member_zone in known else rso_zone
        User.objects.filter(pk=user.pk).update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("members", "0002_member_time_zone_member_weekend"),
    ]

    operations = [migrations.RunPython(move_off_utc, migrations.RunPython.noop)]
