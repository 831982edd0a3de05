#!/usr/bin/perl
# Business time: calendars made through the API, then the database's
# business clock (migration 0030) asked what lies n business minutes after
# an instant (pd_sla_after) and how much business time lies between two
# (pd_sla_between), across nights, lunch breaks, weekends, holidays, a
# night shift over midnight, the ends of working intervals, daylight saving
# time in Europe/Berlin, Asia/Jakarta, the year boundary and far from the
# calendar's window. Then the calendars API itself: its answers, its
# refusals, the audit log.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $WEEKDAYS = [{ from => '08:00', to => '12:00' }, { from => '13:00', to => '17:00' }];

sub calendar {
    my (%body) = @_;
    my $r = api('admin', POST => '/api/sla-calendars', json => { name => tag('Kalender'), %body });
    is $r->status, 201, "calendar $body{time_zone}: created" or diag $r->body;
    return $r->json->{id};
}

# Office hours in Jakarta: Monday to Friday 08-12 and 13-17, Saturday
# mornings; Christmas and New Year's Day off.
my $office = calendar(time_zone => 'Asia/Jakarta',
    hours => { (map { $_ => $WEEKDAYS } qw(mon tue wed thu fri)), sat => [{ from => '08:00', to => '12:00' }] },
    holidays => [{ date => '2026-12-25', name => 'Hari Raya Natal' }, { date => '2027-01-01', name => 'Tahun Baru' }]);
# The same hours in Berlin, without Saturdays.
my $berlin = calendar(time_zone => 'Europe/Berlin', hours => { map { $_ => $WEEKDAYS } qw(mon tue wed thu fri) });
# Around the clock in Berlin, and a night shift over midnight in Jakarta.
my $berlin247 = calendar(time_zone => 'Europe/Berlin',
    hours => { map { $_ => [{ from => '00:00', to => '24:00' }] } qw(mon tue wed thu fri sat sun) });
my $night = calendar(time_zone => 'Asia/Jakarta',
    hours => { map { $_ => [{ from => '00:00', to => '06:00' }, { from => '22:00', to => '24:00' }] } qw(mon tue wed thu fri sat sun) });
my $berlin_night = calendar(time_zone => 'Europe/Berlin',
    hours => { map { $_ => [{ from => '00:00', to => '06:00' }] } qw(mon tue wed thu fri sat sun) });

# The instant n business minutes after $at, in UTC.
sub after {
    my ($cal, $at, $minutes) = @_;
    return db_value(q{SELECT to_char((pd_sla_after(?, ?::timestamptz, ARRAY[?::bigint * 60000000]))[1] AT TIME ZONE 'UTC',
                              'YYYY-MM-DD HH24:MI:SS')}, $cal, $at, $minutes);
}
# Business minutes from $a to $b.
sub between {
    my ($cal, $a, $b) = @_;
    return db_value('SELECT pd_sla_between(?, ?::timestamptz, ?::timestamptz) / 60000000.0', $cal, $a, $b) + 0;
}
sub due_is {
    my ($cal, $at, $minutes, $want, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is after($cal, $at, $minutes), $want, $name;
    # and back: the business time between them is what was added
    is between($cal, $at, "$want+00"), $minutes, "... and $minutes business minutes lie between them";
}

# ---- Jakarta (UTC+7, no daylight saving time) ---------------------------------------

due_is($office, '2026-12-07 09:00+07', 60, '2026-12-07 03:00:00', 'within a morning: Mon 09:00 + 60 = 10:00 WIB');
due_is($office, '2026-12-07 11:30+07', 60, '2026-12-07 06:30:00', 'over lunch: Mon 11:30 + 60 = 13:30');
due_is($office, '2026-12-08 16:30+07', 60, '2026-12-09 01:30:00', 'over a night: Tue 16:30 + 60 = Wed 08:30');
due_is($office, '2026-12-11 16:00+07', 120, '2026-12-12 02:00:00', 'into Saturday morning: Fri 16:00 + 120 = Sat 09:00');
due_is($office, '2026-12-12 11:00+07', 120, '2026-12-14 02:00:00', 'over a Sunday: Sat 11:00 + 120 = Mon 09:00');
due_is($office, '2026-12-24 16:30+07', 90, '2026-12-26 02:00:00',
    'over a holiday: Thu 24 Dec 16:30 + 90 = Sat 26 Dec 09:00 (25 Dec off)');
due_is($office, '2026-12-31 16:00+07', 120, '2027-01-02 02:00:00',
    'over the year boundary and New Year\'s Day: Thu 31 Dec 16:00 + 120 = Sat 2 Jan 09:00');
due_is($office, '2026-12-07 08:00+07', 480, '2026-12-07 10:00:00', 'a whole working day: Mon 08:00 + 480 = 17:00');
due_is($office, '2026-12-07 06:00+07', 30, '2026-12-07 01:30:00', 'before work starts: Mon 06:00 + 30 = 08:30');
due_is($office, '2026-12-13 10:00+07', 30, '2026-12-14 01:30:00', 'on a Sunday: + 30 = Mon 08:30');
due_is($office, '2026-12-07 08:00+07', 2 * (5 * 480 + 240), '2026-12-19 05:00:00',
    'two weeks of work, Saturday mornings counted: Mon 7 Dec 08:00 + 5280 = Sat 19 Dec 12:00');

# a due time on the end of a working interval is that end, not the next start
is after($office, '2026-12-07 08:00+07', 240), '2026-12-07 05:00:00', 'ending exactly at 12:00: due 12:00, not 13:00';
is after($office, '2026-12-07 12:30+07', 60), '2026-12-07 07:00:00', 'starting in the lunch break: 12:30 + 60 = 14:00';
is after($office, '2026-12-07 17:00+07', 1), '2026-12-08 01:01:00', 'starting at the end of the day: 17:00 + 1 = Tue 08:01';
is after($office, '2026-12-07 12:00+07', 0), '2026-12-07 05:00:00', 'nothing added at an interval\'s end: that end';
is between($office, '2026-12-07 08:00+07', '2026-12-07 12:00+07'), 240, 'Mon 08:00 to 12:00: 240';
is between($office, '2026-12-07 12:00+07', '2026-12-07 13:00+07'), 0, 'the lunch break: 0';
is between($office, '2026-12-07 12:15+07', '2026-12-07 13:15+07'), 15, '12:15 to 13:15: 15';
is between($office, '2026-12-24 08:00+07', '2026-12-28 08:00+07'), 480 + 240, 'Thu to Mon over Christmas: a day and a Saturday morning';
is between($office, '2026-12-09 10:00+07', '2026-12-07 10:00+07'), -960, 'backwards: negative';
is between($office, '2026-12-07 10:00:30+07', '2026-12-07 10:01:00+07'), 0.5, 'seconds count';
is after($office, '2026-12-07 10:00:30.25+07', 1), '2026-12-07 03:01:30', '... and are kept';

# several intervals a day across midnight: 22:00-24:00 and 00:00-06:00 are one night shift
due_is($night, '2026-12-07 23:00+07', 120, '2026-12-07 18:00:00', 'a night shift: Mon 23:00 + 120 = Tue 01:00');
due_is($night, '2026-12-08 05:00+07', 120, '2026-12-08 16:00:00', 'over the day: Tue 05:00 + 120 = 23:00');
is db_value(q{SELECT count(*) FROM sla_calendar_spans WHERE calendar_id = ? AND starts_at <= '2026-12-08 00:00+07'
              AND ends_at >= '2026-12-08 00:00+07'}, $night), 1, '... laid out as one span over midnight';

# ---- Europe/Berlin (CET, CEST from the last Sunday of March) -----------------------------

due_is($berlin, '2027-03-26 16:00+01', 120, '2027-03-29 07:00:00',
    'into summer time: Fri 26 Mar 16:00 CET + 120 = Mon 29 Mar 09:00 CEST (07:00 UTC)');
due_is($berlin, '2027-10-29 16:00+02', 120, '2027-11-01 08:00:00',
    'back to winter time: Fri 29 Oct 16:00 CEST + 120 = Mon 1 Nov 09:00 CET (08:00 UTC)');
due_is($berlin, '2027-03-29 08:00+02', 60, '2027-03-29 07:00:00', 'the first summer morning: 08:00 CEST + 60 = 09:00 CEST');
is between($berlin, '2027-03-26 08:00+01', '2027-03-29 17:00+02'), 960, 'Fri to Mon over the change: two working days';
due_is($berlin247, '2027-03-27 23:00+01', 240, '2027-03-28 02:00:00',
    'around the clock over the skipped hour: Sat 23:00 CET + 4 h = Sun 04:00 CEST');
due_is($berlin247, '2027-10-30 23:00+02', 240, '2027-10-31 01:00:00',
    'around the clock over the repeated hour: Sat 23:00 CEST + 4 h = Sun 02:00 CET');
is between($berlin_night, '2027-03-28 00:00+01', '2027-03-28 06:00+02'), 300, 'a night 00:00-06:00 with the hour skipped: 5 hours';
is between($berlin_night, '2027-10-31 00:00+02', '2027-10-31 06:00+01'), 420, 'a night 00:00-06:00 with the hour repeated: 7 hours';
is between($berlin_night, '2027-03-27 00:00+01', '2027-03-27 06:00+01'), 360, 'an ordinary night: 6 hours';

# ---- far from the window ----------------------------------------------------------------

{
    my ($from) = db_value('SELECT spans_from FROM sla_calendars WHERE id = ?', $office);
    is after($office, '2020-01-03 16:00+07', 120), '2020-01-04 02:00:00', 'years before the window: Fri 3 Jan 2020 16:00 + 120 = Sat 09:00';
    ok db_value('SELECT spans_from FROM sla_calendars WHERE id = ?', $office) lt $from, '... which grew to hold it';
    is after($berlin, '2040-03-30 16:00+02', 120), '2040-04-02 07:00:00', 'years after it: Fri 30 Mar 2040 16:00 + 120 = Mon 09:00 CEST';
    # an hour a week: the largest target lies decades ahead
    my $hour = calendar(time_zone => 'Asia/Jakarta', hours => { mon => [{ from => '08:00', to => '09:00' }] });
    my ($far) = db_query(q{SELECT x.at > now() + interval '30 years' AS decades,
                                  extract(isodow FROM x.at AT TIME ZONE 'Asia/Jakarta') AS dow,
                                  to_char(x.at AT TIME ZONE 'Asia/Jakarta', 'HH24:MI') AS local
                           FROM (SELECT (pd_sla_after(?, now(), ARRAY[100000 * 60000000::bigint]))[1] AS at) x},
                         $hour);
    ok $far->{decades}, 'an hour a week: 100000 business minutes lie over 30 years ahead';
    ok $far->{dow} == 1 && $far->{local} ge '08:00' && $far->{local} le '09:00', '... on a Monday morning'
        or diag "$far->{dow} $far->{local}";
}

# ---- the calendars API -----------------------------------------------------------------------

{
    my $r = api('manager', GET => "/api/sla-calendars/$office");
    is $r->status, 200, 'staff read a calendar';
    my $c = $r->json;
    is $c->{time_zone}, 'Asia/Jakarta', '... its zone';
    is_deeply $c->{hours}{mon}, $WEEKDAYS, '... its hours, as sent';
    is_deeply $c->{hours}{sun}, [], '... a day without hours: []';
    is_deeply [map { $_->{date} } @{ $c->{holidays} }], ['2026-12-25', '2027-01-01'], '... its holidays, by date';
    ok((grep { $_->{id} == $office } @{ api('tech', GET => '/api/sla-calendars')->json->{items} }), 'and list them');
    is api('cust_a', GET => '/api/sla-calendars')->status, 403, 'customers do not';
    is api('expert', PATCH => "/api/sla-calendars/$office", json => { name => 'x' })->status, 403, 'only admins change them';

    my $default = api('admin', GET => '/api/sla-calendars')->json->{items};
    ok((grep { $_->{name} eq '24/7' && @{ $_->{hours}{sun} } == 1 && $_->{hours}{sun}[0]{to} eq '24:00' } @$default),
        'the 24/7 calendar exists by default');

    # a new holiday moves the due times computed afterwards
    my $before = after($office, '2026-12-30 16:00+07', 120);
    $r = api('admin', PATCH => "/api/sla-calendars/$office",
        json => { holidays => [@{ $c->{holidays} }, { date => '2026-12-31', name => 'Cuti bersama' }] });
    is $r->status, 200, 'a holiday added' or diag $r->body;
    is scalar @{ $r->json->{holidays} }, 3, '... three now';
    is $before, '2026-12-31 02:00:00', 'Wed 30 Dec 16:00 + 120 was Thu 09:00';
    is after($office, '2026-12-30 16:00+07', 120), '2027-01-02 02:00:00', '... and is Sat 2 Jan 09:00 with the 31st off';
    my ($entry) = db_query(q{SELECT action, changes FROM audit_log WHERE entity = 'sla_calendar' AND entity_id = ?
                             ORDER BY id DESC LIMIT 1}, $office);
    is $entry->{action}, 'update', '... with its audit entry';
    like $entry->{changes}, qr/Cuti bersama/, '... naming the change';

    # a zone change lays the clock out again in the new zone
    $r = api('admin', PATCH => "/api/sla-calendars/$berlin_night", json => { time_zone => 'Asia/Jakarta' });
    is $r->status, 200, 'its zone changed';
    is between($berlin_night, '2027-03-28 00:00+07', '2027-03-28 06:00+07'), 360, '... its nights are Jakarta\'s now';
}

# refusals
{
    my %hours = (hours => { mon => $WEEKDAYS });
    my @bad = (
        [{ name => tag('K'), %hours, time_zone => 'Mars/Olympus_Mons' }, 'time_zone', 'a zone PostgreSQL does not know'],
        [{ name => tag('K'), %hours, time_zone => '../../etc/passwd' }, 'time_zone', 'not a zone name'],
        [{ name => tag('K'), %hours, time_zone => "Asia/Jakarta'; DROP TABLE tickets; --" }, 'time_zone', 'SQL in a zone'],
        [{ name => tag('K') }, 'hours', 'no hours'],
        [{ name => tag('K'), hours => {} }, 'hours', 'a week without work'],
        [{ name => tag('K'), hours => { mon => [{ from => '13:00', to => '12:00' }] } }, 'hours', 'an interval backwards'],
        [{ name => tag('K'), hours => { mon => [{ from => '08:00', to => '13:00' }, { from => '12:00', to => '17:00' }] } },
         'hours', 'overlapping intervals'],
        [{ name => tag('K'), hours => { funday => $WEEKDAYS } }, 'hours', 'not a weekday'],
        [{ name => tag('K'), %hours, holidays => [{ date => '2026-02-30', name => 'x' }] }, 'holidays', 'no such date'],
        [{ name => tag('K'), %hours, holidays => [{ date => '2026-12-25', name => 'a' }, { date => '2026-12-25', name => 'b' }] },
         'holidays', 'a date twice'],
        [{ name => '', %hours }, 'name', 'an empty name'],
        [{ name => tag('K'), %hours, colour => 'red' }, undef, 'an unknown member'],
    );
    for my $b (@bad) {
        my ($body, $field, $what) = @$b;
        my $r = api('admin', POST => '/api/sla-calendars', json => $body);
        is $r->status, 422, "refused: $what";
        is(($r->json // {})->{error}{field}, $field, "... naming $field") if defined $field;
    }
    my $name = tag('Dobel');
    is api('admin', POST => '/api/sla-calendars', json => { name => $name, %hours })->status, 201, 'a calendar';
    is_error api('admin', POST => '/api/sla-calendars', json => { name => $name, %hours }), 409, 'conflict', 'name',
        'the same name again: 409';
    is_error api('admin', PATCH => "/api/sla-calendars/$office", json => { name => $name }), 409, 'conflict', 'name',
        'renamed onto it: 409';
    is api('admin', GET => '/api/sla-calendars/999999999')->status, 404, 'no such calendar: 404';
    is api('admin', PATCH => '/api/sla-calendars/999999999', json => { name => 'x' })->status, 404, '... nor to change';
    is api('admin', GET => '/api/sla-calendars', query => { include_inactive => 'yes' })->status, 400,
        'include_inactive must be true or false';
    my $big = { name => tag('Libur'), %hours,
                holidays => [map { { date => sprintf('%04d-01-01', 2000 + $_), name => 'x' } } 0 .. 1000] };
    is api('admin', POST => '/api/sla-calendars', json => $big)->status, 422, 'more than 1000 holidays: 422';
}

# deactivation
{
    my $cal = calendar(time_zone => 'Asia/Jakarta', hours => { mon => $WEEKDAYS });
    my $p = api('admin', POST => '/api/sla-policies', json => {
        name => tag('PakaiKalender'), calendar_id => $cal, module_id => module_id('Laporan'),
        targets => { map { $_ => { first_response => 60, resolution => 600 } } qw(low medium high urgent) } });
    is $p->status, 201, 'a policy on it' or diag $p->body;
    is_error api('admin', DELETE => "/api/sla-calendars/$cal"), 409, 'conflict', 'active',
        'a calendar an active policy uses stays active';
    my $policy = $p->json->{id};
    is api('admin', DELETE => "/api/sla-policies/$policy")->status, 200, 'the policy deactivated';
    my $r = api('admin', DELETE => "/api/sla-calendars/$cal");
    is $r->status, 200, '... then the calendar can be';
    ok !$r->json->{active}, '... inactive';
    ok !(grep { $_->{id} == $cal } @{ api('admin', GET => '/api/sla-calendars')->json->{items} }), '... out of the list';
    ok((grep { $_->{id} == $cal } @{ api('admin', GET => '/api/sla-calendars', query => { include_inactive => 'true' })->json->{items} }),
        '... unless inactive ones are asked for');
    is_error api('admin', POST => '/api/sla-policies', json => {
        name => tag('TanpaKalender'), calendar_id => $cal, module_id => module_id('Stok'),
        targets => { map { $_ => { first_response => 60, resolution => 600 } } qw(low medium high urgent) } }),
        422, 'unknown_reference', 'calendar_id', 'a new policy cannot use it';
}

done_testing;
