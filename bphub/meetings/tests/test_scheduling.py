"""The slot finder's pure computation: local times across half- and quarter-hour zones and DST,
working hours, nights, weekends, and the ranking that makes the burden rotate. No database."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from bphub.meetings.services.scheduling import (
    Invitee,
    assess,
    automatic_starts,
    evaluate,
    local_instant,
    meeting_spans,
    parse_host_wall_time,
    parse_weekend,
)


def member(code, zone, weekend="6,7", burden=0, member_id=None):
    return Invitee(
        member_id=member_id or abs(hash(code)) % 10_000,
        code=code,
        name=code,
        time_zone=zone,
        weekend=parse_weekend(weekend),
        burden=burden,
    )


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def one_day(start, hours=8):
    return [(start, start + timedelta(hours=hours))]


def test_quarter_hour_zone_kathmandu_is_inside_hours_from_0315_utc():
    nepal = member("NP", "Asia/Kathmandu", weekend="6")
    local = assess(one_day(utc(2026, 12, 1, 3, 15)), nepal)  # Tuesday
    assert local.local_start.strftime("%H:%M") == "09:00" and local.local_end.strftime("%H:%M") == "17:00"
    assert local.fit == "working" and not local.is_inconvenient
    early = assess(one_day(utc(2026, 12, 1, 3, 0)), nepal)
    assert early.local_start.strftime("%H:%M") == "08:45" and early.fit == "outside"
    assert early.describe() == "Outside working hours (09:00–17:30)"


def test_half_hour_zone_kolkata():
    india = member("IN", "Asia/Kolkata")
    local = assess(one_day(utc(2026, 12, 1, 3, 30)), india)
    assert local.label == "Tue 09:00" and local.fit == "working"


def test_adelaide_half_hour_offset_changes_with_daylight_saving():
    adelaide = member("AU-SA", "Australia/Adelaide")
    summer = assess(one_day(utc(2026, 12, 1, 22, 30)), adelaide)  # +10:30 in December
    winter = assess(one_day(utc(2026, 6, 1, 23, 30)), adelaide)  # +09:30 in June
    assert summer.label == "Wed 09:00" and summer.local_start.utcoffset() == timedelta(hours=10, minutes=30)
    assert winter.label == "Tue 09:00" and winter.local_start.utcoffset() == timedelta(hours=9, minutes=30)
    # The same UTC hour in the other season is an hour off.
    assert assess(one_day(utc(2026, 6, 1, 22, 30)), adelaide).label == "Tue 08:00"


def test_chatham_quarter_hour_offsets_in_both_seasons():
    chatham = member("NZ-CI", "Pacific/Chatham")
    summer = assess(one_day(utc(2026, 12, 1, 19, 15)), chatham)  # +13:45
    winter = assess(one_day(utc(2026, 6, 1, 20, 15)), chatham)  # +12:45
    assert summer.label == "Wed 09:00" and summer.local_start.utcoffset() == timedelta(hours=13, minutes=45)
    assert winter.label == "Tue 09:00" and winter.local_start.utcoffset() == timedelta(hours=12, minutes=45)


def test_kiritimati_is_already_the_next_day():
    line_islands = member("KI-L", "Pacific/Kiritimati")
    local = assess(one_day(utc(2026, 12, 7, 19, 0)), line_islands)  # Monday 19:00 UTC
    assert local.label == "Tue 09:00" and local.day_shift == 1
    assert local.local_start.utcoffset() == timedelta(hours=14)


def test_new_york_and_geneva_disagree_while_only_one_has_changed_its_clocks():
    # Geneva is in the tz database's Europe/Zurich zone ("Europe/Geneva" does not exist).
    new_york = member("US", "America/New_York")
    host = ZoneInfo("Europe/Zurich")
    before = local_instant(datetime(2026, 3, 2, 14, 30), host)  # both on standard time
    between = local_instant(datetime(2026, 3, 16, 14, 30), host)  # US on daylight time, Europe not yet
    assert assess(one_day(before, 2), new_york).label == "Mon 08:30"
    assert assess(one_day(before, 2), new_york).fit == "outside"
    assert assess(one_day(between, 2), new_york).label == "Mon 09:30"
    assert assess(one_day(between, 2), new_york).fit == "working"


def test_a_multi_day_meeting_keeps_the_host_clock_across_a_dst_change():
    host = ZoneInfo("Australia/Adelaide")  # daylight saving ends on Sunday 5 April 2026
    start = local_instant(datetime(2026, 4, 4, 9, 0), host)
    spans = meeting_spans(start, start + timedelta(days=2, hours=8), host)
    assert [s.astimezone(host).strftime("%a %H:%M") for s, _e in spans] == ["Sat 09:00", "Sun 09:00", "Mon 09:00"]
    assert [s.strftime("%H:%M") for s, _e in spans] == ["22:30", "23:30", "23:30"]
    assert all(end - begin == timedelta(hours=8) for begin, end in spans)


def test_night_is_before_seven_or_after_nine_and_said_in_words():
    thailand = member("TH", "Asia/Bangkok")
    small_hours = assess(one_day(utc(2026, 12, 1, 19, 30), 2), thailand)  # Wed 02:30 Bangkok
    assert small_hours.label == "Wed 02:30" and small_hours.fit == "night" and small_hours.is_inconvenient
    assert small_hours.describe() == "At night (before 07:00 or after 21:00)"
    ends_at_nine = assess(one_day(utc(2026, 12, 1, 11, 0), 3), thailand)  # 18:00–21:00
    assert ends_at_nine.fit == "outside" and not ends_at_nine.is_night
    runs_late = assess(one_day(utc(2026, 12, 1, 11, 0), 3.5), thailand)  # 18:00–21:30
    assert runs_late.is_night


def test_working_hours_end_at_half_past_five():
    thailand = member("TH", "Asia/Bangkok")
    assert assess(one_day(utc(2026, 12, 1, 2, 0), 8.5), thailand).fit == "working"  # 09:00–17:30
    assert assess(one_day(utc(2026, 12, 1, 2, 0), 8.75), thailand).fit == "outside"  # to 17:45


def test_weekends_follow_each_members_own_week():
    friday_morning = one_day(utc(2026, 12, 4, 4, 0), 4)  # Friday: 10:00 Dhaka, 11:00 Jakarta
    bangladesh = assess(friday_morning, member("BD", "Asia/Dhaka", weekend="5,6"))
    indonesia = assess(friday_morning, member("ID", "Asia/Jakarta"))
    assert bangladesh.fit == "weekend" and bangladesh.is_inconvenient
    assert bangladesh.describe() == "On the weekend (Friday)"
    assert indonesia.fit == "working"
    sunday = one_day(utc(2026, 12, 6, 4, 15), 4)  # Sunday 10:00 Kathmandu, 12:15 Brunei
    assert assess(sunday, member("NP", "Asia/Kathmandu", weekend="6")).fit == "working"
    assert assess(sunday, member("BN", "Asia/Brunei", weekend="5,7")).is_weekend


def test_a_meeting_running_past_midnight_counts_the_next_days_weekend():
    # Friday 22:00 to Saturday 01:00 in Bangkok: night, and it touches Saturday.
    local = assess(one_day(utc(2026, 12, 4, 15, 0), 3), member("TH", "Asia/Bangkok"))
    assert local.is_night and local.is_weekend and local.weekend_days == (6,)
    assert local.describe() == "At night (before 07:00 or after 21:00), on the weekend (Saturday)"


def test_unknown_zone_is_said_and_not_counted():
    local = assess(one_day(utc(2026, 12, 1, 3, 0)), member("XX", ""))
    assert local.fit == "unknown" and not local.is_inconvenient and local.describe() == "Time zone unknown"


def test_weekend_text_is_read_leniently():
    assert parse_weekend("5,6") == {5, 6}
    assert parse_weekend(" 6 ") == {6}
    assert parse_weekend("") == {6, 7}
    assert parse_weekend("x,9") == {6, 7}


def test_ranking_puts_fewest_outside_hours_first_then_spares_those_who_carried_the_burden():
    bangkok = ZoneInfo("Asia/Bangkok")
    # Auckland and Geneva share no working hour: every start inconveniences one of them.
    auckland = member("NZ", "Pacific/Auckland", burden=2, member_id=1)
    geneva = member("IOM", "Europe/Zurich", burden=0, member_id=2)
    suits_auckland = local_instant(datetime(2026, 12, 2, 5, 0), bangkok)  # 11:00 Auckland, 23:00 Geneva
    suits_geneva = local_instant(datetime(2026, 12, 2, 16, 0), bangkok)  # 22:00 Auckland, 10:00 Geneva
    suits_neither = local_instant(datetime(2026, 12, 2, 23, 0), bangkok)  # 05:00 Auckland, 17:00 Geneva
    ranked = evaluate(
        [suits_geneva, suits_auckland, suits_neither],
        duration=timedelta(hours=2),
        host_zone=bangkok,
        invitees=[auckland, geneva],
    )
    assert [c.outside_count for c in ranked] == [1, 1, 2]
    # Auckland carried two inconvenient meetings before: this time Geneva takes the late hours.
    assert ranked[0].starts_at == suits_auckland and ranked[0].burden_sum == 0
    assert [local.invitee.code for local in ranked[0].inconvenienced] == ["IOM"]
    assert ranked[1].starts_at == suits_geneva and ranked[1].burden_sum == 2
    assert [c.rank for c in ranked] == [1, 2, 3]


def test_when_burdens_are_equal_fewer_nights_win():
    bangkok = ZoneInfo("Asia/Bangkok")
    tokyo = member("JP", "Asia/Tokyo", member_id=1)
    evening = local_instant(datetime(2026, 12, 2, 16, 0), bangkok)  # 18:00 Tokyo: outside hours
    night = local_instant(datetime(2026, 12, 2, 21, 0), bangkok)  # 23:00 Tokyo: night
    ranked = evaluate([night, evening], duration=timedelta(hours=1), host_zone=bangkok, invitees=[tokyo])
    assert ranked[0].starts_at == evening


def test_automatic_starts_are_every_full_hour_of_the_host_clock_over_three_days():
    bangkok = ZoneInfo("Asia/Bangkok")
    starts = automatic_starts(utc(2026, 12, 2, 2, 0), bangkok)
    local = [s.astimezone(bangkok) for s in starts]
    assert len(starts) == 72
    assert local[0] == datetime(2026, 12, 1, 0, 0, tzinfo=bangkok)
    assert local[-1] == datetime(2026, 12, 3, 23, 0, tzinfo=bangkok)


def test_automatic_starts_in_a_quarter_hour_zone_are_on_its_own_full_hours():
    kathmandu = ZoneInfo("Asia/Kathmandu")
    starts = automatic_starts(utc(2026, 12, 2, 4, 0), kathmandu)
    assert {s.astimezone(kathmandu).minute for s in starts} == {0}
    assert {s.minute for s in starts} == {15}


def test_automatic_starts_skip_the_hour_that_dst_skips_and_offer_the_repeated_hour_once():
    new_york = ZoneInfo("America/New_York")
    spring = automatic_starts(utc(2026, 3, 8, 15, 0), new_york)  # clocks go 02:00 -> 03:00 on 8 March
    assert len(spring) == 71
    assert datetime(2026, 3, 8, 2, 0) not in [s.astimezone(new_york).replace(tzinfo=None) for s in spring]
    autumn = automatic_starts(utc(2026, 11, 1, 15, 0), new_york)  # 01:00 happens twice on 1 November
    assert len(autumn) == 72
    assert len(set(autumn)) == 72


def test_a_candidate_in_the_dst_gap_is_refused_with_a_reason():
    adelaide = ZoneInfo("Australia/Adelaide")  # 02:00 -> 03:00 on 4 October 2026
    assert local_instant(datetime(2026, 10, 4, 2, 30), adelaide) is None
    with pytest.raises(ValidationError, match="does not exist in Australia/Adelaide"):
        parse_host_wall_time(datetime(2026, 10, 4, 2, 30), adelaide)
    assert parse_host_wall_time(datetime(2026, 10, 4, 9, 0), adelaide) == utc(2026, 10, 3, 22, 30)


def test_the_current_start_is_marked_among_the_candidates():
    bangkok = ZoneInfo("Asia/Bangkok")
    current = utc(2026, 12, 2, 2, 0)
    ranked = evaluate(
        [current, current + timedelta(hours=1)],
        duration=timedelta(hours=1),
        host_zone=bangkok,
        invitees=[member("TH", "Asia/Bangkok")],
        current_start=current,
    )
    assert [c.is_current for c in ranked].count(True) == 1
